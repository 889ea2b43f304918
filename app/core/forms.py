"""The one way a refused form answers a person."""

from collections.abc import Callable
from typing import TypeVar

from fastapi import Response
from sqlmodel import Session

from app.core.errors import DomainError

Page = TypeVar("Page", bound=Response)


def refused(session: Session, error: DomainError, show: Callable[[DomainError], Page]) -> Page:
    """Undo what the request changed, then show the same page again: `show` puts the error
    beside its field, keeps what was typed, and answers with the error's status."""
    session.rollback()
    return show(error)


def refused_and_counted(
    session: Session, error: DomainError, show: Callable[[DomainError], Page]
) -> Page:
    """As `refused`, but a wrong password or code is kept on the record: counting failures is
    what slows guessing down."""
    session.commit()
    return show(error)
