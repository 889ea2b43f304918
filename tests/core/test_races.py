"""Check-then-insert races on unique keys: the loser gets the same 409 the check gives."""

from sqlalchemy import Engine
from sqlmodel import func, select

from app.core.db import write_session
from app.core.errors import Conflict
from app.drafts import service as drafts
from app.drafts.importing import parse_draft
from app.drafts.models import Draft
from app.members import service as members
from app.members.models import Member
from app.members.service import MemberDetails
from tests.factories import SMALL_LAW
from tests.races import committed, meeting_at_first_write, together


def _outcome(result: object) -> str:
    if isinstance(result, Conflict):
        return f"{result.status_code} {result.code}"
    return "written" if not isinstance(result, BaseException) else repr(result)


def test_two_invitations_of_one_address_at_once(engine: Engine) -> None:
    def invite(name: str) -> None:
        with write_session(engine) as session:
            details = MemberDetails(email="gemela@mesa.example", name=name)
            members.add_member(session, None, details)
            session.commit()

    with committed(engine):
        with meeting_at_first_write(engine):
            results = together(lambda: invite("Ana"), lambda: invite("Ana María"))
        assert sorted(map(_outcome, results)) == [
            "409 conflict",
            "written",
        ]
        with write_session(engine) as session:
            count = select(func.count()).where(Member.email == "gemela@mesa.example")
            assert session.exec(count).one() == 1


def test_two_imports_of_one_slug_at_once(engine: Engine) -> None:
    parsed = parse_draft(SMALL_LAW.format(slug="gemela").encode(), markdown=True)

    def load() -> None:
        with write_session(engine) as session:
            drafts.import_draft(session, parsed)
            session.commit()

    with committed(engine):
        with meeting_at_first_write(engine):
            results = together(load, load)
        assert sorted(map(_outcome, results)) == [
            "409 slug_taken",
            "written",
        ]
        with write_session(engine) as session:
            count = select(func.count()).where(Draft.slug == "gemela")
            assert session.exec(count).one() == 1
