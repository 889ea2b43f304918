"""Delivery through a real SMTP server that goes away in the middle of a batch: every message
arrives once it is back, none twice; the failures are listed to admins meanwhile."""

from datetime import timedelta
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path

from fastapi.testclient import TestClient
from sqlmodel import Session, select

from app.core.models import utcnow
from app.notifications import service, worker
from app.notifications.mail import FileTransport, Letter, SmtpTransport
from app.notifications.models import OutboxMessage, OutboxStatus
from tests.factories import make_member, sign_in
from tests.notifications.conftest import SmtpServer, deliver, text_part


def queue_for(db: Session, count: int) -> list[str]:
    addresses = []
    for n in range(count):
        member = make_member(db, email=f"persona{n}@mesa.example", name=f"Persona {n}")
        letter = Letter(subject=f"Aviso {n}", greeting="Hola,", paragraphs=[f"Aviso número {n}."])
        service.queue_mail(
            db, member=member, kind="notification", letter=letter, language="es", unsubscribe=True
        )
        addresses.append(member.email)
    db.commit()
    return addresses


def test_a_server_that_stops_mid_batch_loses_nothing(
    db: Session, smtp: SmtpServer, sessions: worker.Sessions
) -> None:
    addresses = queue_for(db, 10)
    sent_before_the_outage = 0

    def stop_after_four(message: OutboxMessage) -> None:
        nonlocal sent_before_the_outage
        sent_before_the_outage += 1
        if sent_before_the_outage == 4:
            smtp.stop()

    first = deliver(sessions, smtp, after_each=stop_after_four)
    assert (first.sent, first.failed) == (4, 6)
    assert len(smtp.inbox.messages) == 4
    waiting = db.exec(
        select(OutboxMessage).where(OutboxMessage.status == OutboxStatus.PENDING)
    ).all()
    assert len(waiting) == 6
    assert all(m.attempts == 1 and m.last_error for m in waiting)
    # Backing off: not tried again straight away, even with the server back.
    smtp.start()
    assert deliver(sessions, smtp).sent == 0

    later = deliver(sessions, smtp, now=utcnow() + worker.backoff(1) + timedelta(seconds=1))
    assert (later.sent, later.failed) == (6, 0)
    received = [m["To"] for m in smtp.inbox.messages]
    assert sorted(received) == sorted(addresses)  # every one, once
    ids = {m["Message-ID"] for m in smtp.inbox.messages}
    assert len(ids) == 10


def test_a_message_is_resent_with_the_same_message_id(
    db: Session, smtp: SmtpServer, sessions: worker.Sessions
) -> None:
    """At least once: a worker that died after sending and before recording it sends again
    after its lease, and the copy is recognizably the same mail."""
    queue_for(db, 1)
    message = db.exec(select(OutboxMessage)).one()
    worker.claim(sessions, now=utcnow())  # a worker took it, then died
    assert deliver(sessions, smtp).sent == 0  # held by the lease
    assert deliver(sessions, smtp, now=utcnow() + worker.LEASE * 2).sent == 1
    assert smtp.inbox.messages[0]["Message-ID"] == message.message_id


def test_a_refused_address_is_given_up_and_shown_to_admins(
    client: TestClient, db: Session, sessions: worker.Sessions
) -> None:
    queue_for(db, 1)
    for attempt in range(worker.MAX_ATTEMPTS):
        # Nothing listens on this port: every attempt fails, each later than the one before.
        dead = SmtpServer()
        report = worker.deliver_due(
            sessions,
            SmtpTransport(dead.url),
            mail_from="Mesa <mesa@localhost>",
            now=utcnow() + timedelta(days=attempt + 1),
        )
        assert report.failed == 1
    message = db.exec(select(OutboxMessage)).one()
    db.refresh(message)
    assert message.status == OutboxStatus.FAILED
    admin = make_member(db, role="admin")
    sign_in(client, admin)
    page = client.get("/admin/mail")
    assert page.status_code == 200 and "persona0@mesa.example" in page.text
    assert "Abandonado" in page.text
    member = make_member(db)
    sign_in(client, member)
    assert client.get("/admin/mail", follow_redirects=False).status_code == 403


def test_without_a_mail_server_development_writes_eml_files(
    db: Session, sessions: worker.Sessions, tmp_path: Path
) -> None:
    queue_for(db, 2)
    report = worker.deliver_due(
        sessions, FileTransport(tmp_path / "mail"), mail_from="Mesa <mesa@localhost>"
    )
    assert report.sent == 2
    files = sorted((tmp_path / "mail").glob("*.eml"))
    assert len(files) == 2
    parsed = message_from_bytes(files[0].read_bytes(), policy=policy.default)
    assert isinstance(parsed, EmailMessage)
    assert "Aviso número" in text_part(parsed)
