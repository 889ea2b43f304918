"""The record: every change hashed into one chain that names the first altered event."""

import itertools
import threading

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, text
from sqlmodel import Session, col, select

from app.audit import service as audit
from app.audit.models import AuditEvent
from app.core.db import write_session
from app.members import service as members
from tests.factories import make_draft, make_member, post_form, sign_in


def scripted_changes(client: TestClient, db: Session) -> None:
    """A short working session: an import, members, sign-ins (one failed), a role change."""
    make_draft(db)
    admin = make_member(db, role="admin", name="Admin")
    member = make_member(db, name="Integrante")
    post_form(client, "/sign-in", {"email": member.email, "password": "no-es-esta"})
    sign_in(client, admin)
    members.change_role(db, admin, member=member, role="observer")
    db.commit()


def test_the_chain_verifies_after_a_session_of_changes(client: TestClient, db: Session) -> None:
    scripted_changes(client, db)
    result = client.get("/api/v1/audit/verify").json()
    assert result["ok"] is True
    assert result["events"] >= 6
    events = client.get("/api/v1/audit").json()
    assert [e["action"] for e in events][:2] == ["draft.imported", "member.added"]
    assert all(e["prev_hash"] == before["hash"] for before, e in itertools.pairwise(events))


def test_an_altered_row_is_named(client: TestClient, db: Session) -> None:
    scripted_changes(client, db)
    role_change = db.exec(
        select(AuditEvent).where(AuditEvent.action == "member.role_changed")
    ).one()
    # Someone with database access rewrites history: the role was "admin", not "observer".
    db.connection().execute(
        text("UPDATE audit_event SET details = :d WHERE seq = :s"),
        {"d": '{"before": "member", "after": "admin"}', "s": role_change.seq},
    )
    db.commit()
    db.expire_all()
    assert client.get("/api/v1/audit/verify").json() == {"ok": False, "first_bad": role_change.seq}


def test_a_removed_row_is_named(client: TestClient, db: Session) -> None:
    scripted_changes(client, db)
    events = db.exec(select(AuditEvent).order_by(col(AuditEvent.seq))).all()
    removed = events[2].seq
    db.connection().execute(text("DELETE FROM audit_event WHERE seq = :s"), {"s": removed})
    db.commit()
    assert audit.verify_chain(db).first_bad == removed + 1


def test_the_record_page_shows_actions_and_never_emails(client: TestClient, db: Session) -> None:
    scripted_changes(client, db)
    page = client.get("/registro").text
    assert "member.role_changed" in page and "draft.imported" in page
    assert "@mesa.example" not in page
    filtered = client.get("/registro?action=member.role_changed").text
    assert "member.role_changed" in filtered and "draft.imported</code>" not in filtered


def test_concurrent_writers_make_one_unbroken_chain(engine: Engine) -> None:
    """Writers in separate transactions and threads: none forks the chain or loses an event."""
    with write_session(engine) as session:
        start = (
            session.exec(select(AuditEvent.seq).order_by(col(AuditEvent.seq).desc())).first() or 0
        )
    errors: list[BaseException] = []

    def writer(n: int) -> None:
        try:
            for i in range(5):
                with write_session(engine) as session:
                    audit.record(session, audit.SYSTEM, "test.concurrent", f"writer:{n}:{i}")
                    session.commit()
        except BaseException as error:
            errors.append(error)

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    try:
        assert errors == []
        with write_session(engine) as session:
            seqs = session.exec(
                select(AuditEvent.seq).where(AuditEvent.seq > start).order_by(col(AuditEvent.seq))
            ).all()
            assert list(seqs) == list(range(start + 1, start + 31))
            assert audit.verify_chain(session).ok
    finally:
        with write_session(engine) as session:
            session.connection().execute(
                text("DELETE FROM audit_event WHERE seq > :s"), {"s": start}
            )
            session.commit()


@pytest.mark.parametrize("command_result", [0, 1])
def test_the_command_line_verifies(
    command_result: int, tmp_path: object, monkeypatch: pytest.MonkeyPatch
) -> None:
    from pathlib import Path

    from app.cli import main
    from app.core import migrate
    from app.core.config import get_settings
    from app.core.db import create_db_engine

    url = f"sqlite:///{Path(str(tmp_path)) / 'audit.db'}"
    monkeypatch.setenv("MESA_DATABASE_URL", url)
    get_settings.cache_clear()
    migrate.upgrade(url)
    engine = create_db_engine(url)
    with write_session(engine) as session:
        make_draft(session)
        if command_result:
            session.connection().execute(text("UPDATE audit_event SET action = 'x' WHERE seq = 1"))
            session.commit()
    assert main(["audit", "verify"]) == command_result
    get_settings.cache_clear()
    engine.dispose()
