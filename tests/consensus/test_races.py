"""Concurrent twins in consensus: two first positions by one member, two first rules."""

import pytest
from sqlalchemy import Engine
from sqlmodel import col, select

from app.consensus import positions as consensus_positions
from app.consensus.models import ConsensusRule, Position, PositionRecord
from app.core.db import write_session
from app.members import service as members
from tests.factories import make_draft, make_member, token_headers, uid_of
from tests.races import committed, meet_after, meeting_at_first_write, real_client, together


def test_two_first_positions_at_once_are_both_recorded_one_after_the_other(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A double submit (or two tabs): the second updates the first, as if they had queued."""
    with committed(engine):
        with write_session(engine) as session:
            draft = make_draft(session, slug="carrera-posiciones")
            member = make_member(session)
            _token, raw = members.create_api_token(session, member, "api")
            session.commit()
            url = f"/api/v1/drafts/{draft.slug}/provisions/{uid_of(session, draft, 'Artículo 2.')}"
            member_id = member.id
        headers = {"Authorization": f"Bearer {raw}"}
        # Both have read everything (no position yet) before either writes.
        meet_after(monkeypatch, engine, consensus_positions, "get_rule")
        with real_client(engine) as client:
            responses = together(
                lambda: client.put(
                    f"{url}/position", json={"stance": "support", "version": 1}, headers=headers
                ),
                lambda: client.put(
                    f"{url}/position",
                    json={
                        "stance": "object",
                        "reason": "Excluye a la mediana minería",
                        "version": 1,
                    },
                    headers=headers,
                ),
            )
        assert [getattr(r, "status_code", r) for r in responses] == [200, 200]
        with write_session(engine) as session:
            positions = session.exec(select(Position).where(Position.member_id == member_id)).all()
            history = session.exec(
                select(PositionRecord.stance)
                .where(PositionRecord.member_id == member_id)
                .order_by(col(PositionRecord.id))
            ).all()
            assert sorted(history) == ["object", "support"]
            assert [p.stance for p in positions] == [history[-1]]  # one position: the later one


def test_two_first_rules_at_once_one_is_refused_with_409(engine: Engine) -> None:
    with committed(engine):
        with write_session(engine) as session:
            draft = make_draft(session, slug="carrera-regla")
            headers = token_headers(session, "secretariat")
            url, draft_id = f"/drafts/{draft.slug}/consensus/rule", draft.id
        with real_client(engine) as client, meeting_at_first_write(engine):
            responses = together(
                *(
                    lambda quorum=quorum: client.post(
                        url,
                        data={"quorum": quorum, "broad_support_share": 75},
                        headers=headers,
                        follow_redirects=False,
                    )
                    for quorum in (40, 60)
                )
            )
        statuses = sorted(getattr(r, "status_code", r) for r in responses)
        with write_session(engine) as session:
            rules = session.exec(
                select(ConsensusRule).where(ConsensusRule.draft_id == draft_id)
            ).all()
        assert len(rules) == 1
        if engine.dialect.name == "postgresql":  # they really raced: the later one is told
            assert statuses == [303, 409]
        else:  # queued: the second changes the first's rule
            assert statuses == [303, 303]
