"""What every signed-in page's header shows: the unread count."""

from fastapi import Request
from sqlmodel import Session

from app.members.models import Member
from app.notifications import service


def count_unread(request: Request, session: Session, member: Member) -> None:
    """Read with who is asking (app.state.also_read, app/members/deps.py): how many
    notifications they have not read, in request.state for base.html. The API does not show
    it."""
    if not request.url.path.startswith("/api/"):
        request.state.unread_notifications = service.unread_count(session, member)
