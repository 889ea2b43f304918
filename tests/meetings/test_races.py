"""Two secretaries deciding on one acta at the same moment, through the API on the real
database: one is told it is done (409), and the acta is decided once, by one session."""

from datetime import datetime

import pytest
from sqlalchemy import Engine
from sqlmodel import col, select

from app.core.db import write_session
from app.core.i18n import TIMEZONE
from app.meetings import service
from app.meetings.models import Meeting, MeetingDecision
from app.members import service as members
from tests.factories import make_draft, make_member
from tests.races import committed, meet_after, real_client, together

NOON = datetime(2026, 12, 10, 10, 0, tzinfo=TIMEZONE)


@pytest.fixture(autouse=True)
def only_this_working_group() -> None:
    """Not here: these tests commit for real (tests/races.py), and everyone active is present."""


def decide_at_once(
    monkeypatch: pytest.MonkeyPatch, engine: Engine, outcome: str
) -> tuple[list[int], int, int]:
    """Session 2 in progress, the acta of session 1 concluded: two secretaries post the same
    decision on it at once, both having read both sessions before either goes on. Their
    statuses, and the ids of sessions 1 and 2."""
    with write_session(engine) as session:
        draft = make_draft(session, slug=f"carrera-acta-{outcome}")
        first, second = (
            make_member(session, role="secretariat", organization=organization)
            for organization in ("MINEM", "MTPE")
        )
        tokens = [members.create_api_token(session, s, "api")[1] for s in (first, second)]
        earlier = service.convene(session, first, draft, title="1", starts_at=NOON, place="Lima")
        later = service.convene(session, first, draft, title="2", starts_at=NOON, place="Lima")
        service.start(session, first, earlier)
        service.conclude(session, first, earlier)
        service.start(session, first, later)
        everyone = [m.id or 0 for m in service.active_members(session)]
        service.set_attendance(session, first, later, everyone)
        session.commit()
        ids = (earlier.id or 0, later.id or 0)
    url = f"/api/v1/sessions/{ids[1]}/decisions"
    body = {"item": {"minutes": ids[0]}, "outcome": outcome, "text": "Se aprueba el acta."}
    meet_after(monkeypatch, engine, service, "get_meeting")
    with real_client(engine) as client:
        answers = together(
            *(
                lambda raw=raw: client.post(
                    url, json=body, headers={"Authorization": f"Bearer {raw}"}
                )
                for raw in tokens
            )
        )
    return sorted(getattr(a, "status_code", -1) for a in answers), *ids


@pytest.mark.parametrize("outcome", ["acuerdo", "postergado"])
def test_an_acta_decided_twice_at_once_is_decided_once(
    monkeypatch: pytest.MonkeyPatch, engine: Engine, outcome: str
) -> None:
    """An approval, and a postponement (which needs no quorum): without the wait for each
    other, on PostgreSQL both were recorded."""
    with committed(engine):
        statuses, earlier, later = decide_at_once(monkeypatch, engine, outcome)
        assert statuses == [201, 409]
        with write_session(engine) as session:
            decisions = session.exec(
                select(MeetingDecision).where(col(MeetingDecision.approves_id) == earlier)
            ).all()
            assert len(decisions) == 1
            approved_in = session.get_one(Meeting, earlier).minutes_approved_in_id
            assert approved_in == (later if outcome == "acuerdo" else None)
