"""Several workers on one database, on committed data as in production: each message is sent
once, whoever claims it (on PostgreSQL: FOR UPDATE SKIP LOCKED, then a lease)."""

import threading

from sqlalchemy import Engine
from sqlmodel import col, select

from app.core.db import write_session
from app.members.models import Member
from app.notifications import service, worker
from app.notifications.mail import Letter, SmtpTransport
from tests.factories import make_member
from tests.notifications.conftest import SmtpServer
from tests.races import WAIT, committed

MESSAGES = 40
WORKERS = 3


def test_workers_at_once_never_send_one_message_twice(engine: Engine, smtp: SmtpServer) -> None:
    with committed(engine):
        with write_session(engine) as session:
            for n in range(MESSAGES):
                member = make_member(session, email=f"carrera{n}@mesa.example")
                letter = Letter(subject=f"Aviso {n}", greeting="Hola,", paragraphs=["Texto."])
                service.queue_mail(
                    session,
                    member=member,
                    kind="notification",
                    letter=letter,
                    language="es",
                    unsubscribe=False,
                )
            session.commit()
            addresses = set(
                session.exec(
                    select(Member.email).where(col(Member.email).startswith("carrera"))
                ).all()
            )
        sessions = worker.sessions_of(engine)
        barrier = threading.Barrier(WORKERS)
        sent: list[int] = []

        def work() -> None:
            barrier.wait(WAIT)
            while True:
                report = worker.deliver_due(
                    sessions, SmtpTransport(smtp.url), mail_from="Mesa <mesa@localhost>", limit=4
                )
                sent.append(report.sent)
                if report.sent + report.failed == 0:
                    return

        threads = [threading.Thread(target=work) for _ in range(WORKERS)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(60)
        received = [m["To"] for m in smtp.inbox.messages]
        assert sorted(received) == sorted(addresses)  # each once
        assert sum(sent) == MESSAGES
