"""Issue 18: the daily digest run for 2,000 members who follow a draft through a day of activity
(target: under 60 s, memory flat in the number of members), and the delivery of what it queued.

Every member follows the draft and ten of its articles; the day: ten articles revised, five
amendments proposed to them, one snapshot: sixteen notices each, 32,000 in all, written by the
same code the requests run. Memory: the peak Python allocation (tracemalloc) of a run over 500
members and of one over 2,000; flat means about the same.
"""

import logging
import tempfile
import time
import tracemalloc
from datetime import timedelta
from pathlib import Path

from sqlalchemy import delete, update
from sqlmodel import col, select

from app.amendments import service as amendments
from app.core.db import write_session
from app.core.models import utcnow
from app.drafts import editing, snapshots
from app.drafts import service as drafts
from app.drafts.importing import parse_draft
from app.members.models import Member
from app.members.service import MemberDetails, add_member
from app.notifications import service, worker
from app.notifications.mail import FileTransport
from app.notifications.models import Follow, MailSettings, Notification, OutboxMessage
from benchmarks.common import fresh_database, generated_law

MEMBERS = 2000
ARTICLES = 10
AMENDMENTS = 5


def _reset(sessions: worker.Sessions, members: int) -> None:
    """The first `members` members' notices pending again, as before the run."""
    with sessions() as session:
        chosen = select(Member.id).order_by(col(Member.id)).limit(members)
        session.exec(delete(OutboxMessage).where(col(OutboxMessage.kind) == "digest"))
        session.exec(
            update(Notification)
            .where(col(Notification.member_id).in_(chosen))
            .values(mailed_at=None)
        )
        session.exec(update(MailSettings).values(last_digest_at=None))
        session.commit()


def _peak(sessions: worker.Sessions, members: int, tomorrow: object) -> tuple[int, float]:
    _reset(sessions, members)
    tracemalloc.start()
    queued = worker.run_digests(sessions, now=tomorrow)  # type: ignore[arg-type]
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return queued, peak / 1e6


def run() -> None:
    logging.disable(logging.INFO)
    service.install()
    _url, engine = fresh_database()
    sessions = worker.sessions_of(engine)
    with write_session(engine) as session:
        draft = drafts.import_draft(session, parse_draft(generated_law(60).encode(), markdown=True))
        secretariat = add_member(
            session, None, MemberDetails("s@mesa.example", "Secretaría", "secretariat"), None
        )
        author = add_member(
            session, None, MemberDetails("a@mesa.example", "Autora", "member"), None
        )
        session.add_all(
            [
                Member(email=f"m{n}@mesa.example", name=f"Integrante {n}", role="member")
                for n in range(MEMBERS)
            ]
        )
        session.flush()
        ids = session.exec(select(Member.id).where(col(Member.email).startswith("m"))).all()
        clauses = drafts.load_outline(session, draft).clauses[:ARTICLES]
        objects = [f"draft:{draft.slug}"] + [f"provision:{c.uid}" for c in clauses]
        session.add_all(
            [Follow(member_id=m, object=o) for m in ids for o in objects if m is not None]
        )
        session.commit()

    start = time.perf_counter()
    with write_session(engine) as session:
        draft = drafts.get_draft(session, draft.slug)
        writer = session.get_one(Member, author.id)
        for entry in clauses[:AMENDMENTS]:
            amendments.submit_amendment(
                session,
                writer,
                draft,
                kind="modify",
                target_uid=entry.uid,
                rationale="Precisar.",
                base_version=1,
                text="Texto propuesto.",
            )
        staff = session.get_one(Member, secretariat.id)
        for entry in clauses:
            editing.revise(
                session,
                staff,
                draft,
                uid=entry.uid,
                expected_version=1,
                text="Texto consolidado.",
                heading=None,
                reason="Sesión.",
            )
        snapshots.freeze_snapshot(session, staff, draft, "Borrador 2")
        session.commit()
    telling = time.perf_counter() - start
    with sessions() as session:
        notices = len(session.exec(select(Notification.id)).all())
    print(
        f"{'day of activity (16 events, 2,000 told each)':<48} {telling:8.2f} s   "
        f"{notices} notices",
        flush=True,
    )

    tomorrow = utcnow() + timedelta(days=1, minutes=1)
    start = time.perf_counter()
    queued = worker.run_digests(sessions, now=tomorrow)
    took = time.perf_counter() - start
    print(
        f"{'digest run, 2,000 members':<48} {took:8.2f} s   {queued} digests   target < 60 s",
        flush=True,
    )

    folder = Path(tempfile.mkdtemp(prefix="mesa-bench-mail-"))
    transport = FileTransport(folder)
    start = time.perf_counter()
    sent = 0
    while True:
        report = worker.deliver_due(
            sessions, transport, mail_from="Mesa <mesa@localhost>", now=tomorrow, limit=200
        )
        sent += report.sent
        if not report.sent:
            break
    took = time.perf_counter() - start
    print(f"{'delivery to .eml files':<48} {took:8.2f} s   {sent} messages", flush=True)

    for members in (500, MEMBERS):
        queued, peak = _peak(sessions, members, tomorrow)
        print(
            f"{f'digest run, {members:,} members (traced)':<48} peak {peak:7.1f} MB   "
            f"{queued} digests   target: flat",
            flush=True,
        )
