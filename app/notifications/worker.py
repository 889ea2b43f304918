"""The worker: reminders before rounds close, digests when they are due, and delivery of the
outbox with retries. `mesa worker` runs it; in development `mesa serve` runs it in a thread.

Delivery is at least once: a message is marked sent only after the server accepted it, so a
crash in between sends it again, with the same Message-ID (mail clients fold the two).
Several workers may run on one PostgreSQL database: each claims a batch with
SELECT … FOR UPDATE SKIP LOCKED and marks it taken for a lease, in a short transaction, then
sends outside any transaction. SKIP LOCKED lets concurrent claimers take disjoint batches
without waiting on each other; the lease keeps a claimed message from being taken again while
it is being sent (no transaction is held open over the network), and lets another worker take
it if the one that claimed it died. On SQLite the claim's write transaction (BEGIN IMMEDIATE)
serializes claimers the same way.
"""

import logging
import smtplib
import threading
from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Protocol

from sqlalchemy import Engine, or_, update
from sqlalchemy import select as columns
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from app.audit.describe import clause_phrase
from app.consensus.models import ConsensusRound
from app.core.config import Settings, get_settings
from app.core.db import write_session
from app.core.i18n import _, format_datetime, ngettext, speaking
from app.core.models import as_utc, utcnow
from app.core.pagination import Page, PageRequest, paginate
from app.drafts import service as drafts
from app.drafts.models import Draft
from app.members.models import Member
from app.notifications import service
from app.notifications.mail import Item, Letter, Outgoing, Section, Transport, build_message
from app.notifications.models import (
    MailMode,
    MailSettings,
    Notification,
    OutboxMessage,
    OutboxStatus,
    RoundReminder,
)

log = logging.getLogger("mesa.worker")
# Where the worker's short transactions come from: write sessions of an engine in production
# (`sessions_of`); the tests hand in sessions on their own rolled-back transaction.
Sessions = Callable[[], Session]


def sessions_of(engine: Engine) -> Sessions:
    return lambda: write_session(engine)


BATCH = 50
LEASE = timedelta(minutes=5)
BACKOFF_FIRST = timedelta(seconds=30)
BACKOFF_MAX = timedelta(hours=2)
MAX_ATTEMPTS = 12  # about a day of retries before a message is given up and shown to admins
REMIND_BEFORE = timedelta(hours=24)
DIGEST_CHUNK = 200
PERIODS = {
    MailMode.IMMEDIATE: timedelta(0),
    MailMode.DAILY: timedelta(days=1),
    MailMode.WEEKLY: timedelta(days=7),
}


def backoff(attempts: int) -> timedelta:
    """30 s, 1 min, 2 min, 4 min … at most two hours."""
    delay: timedelta = BACKOFF_FIRST * (2 ** max(attempts - 1, 0))
    return min(delay, BACKOFF_MAX)


# ---------------------------------------------------------------------------------------------
# Delivery


def claim(sessions: Sessions, *, now: datetime, limit: int = BATCH) -> list[OutboxMessage]:
    with sessions() as session:
        due = (
            select(OutboxMessage.id)
            .where(
                OutboxMessage.status == OutboxStatus.PENDING,
                col(OutboxMessage.next_attempt_at) <= now,
                or_(
                    col(OutboxMessage.claimed_until).is_(None),
                    col(OutboxMessage.claimed_until) < now,
                ),
            )
            .order_by(col(OutboxMessage.id))
            .limit(limit)
            .with_for_update(skip_locked=True)
        )
        ids = list(session.exec(due).all())
        if not ids:
            return []
        session.exec(
            update(OutboxMessage)
            .where(col(OutboxMessage.id).in_(ids))
            .values(claimed_until=now + LEASE)
        )
        messages = session.exec(
            select(OutboxMessage)
            .where(col(OutboxMessage.id).in_(ids))
            .order_by(col(OutboxMessage.id))
        ).all()
        session.commit()
        return list(messages)


def outgoing(message: OutboxMessage) -> Outgoing:
    return Outgoing(
        message_id=message.message_id,
        to_address=message.to_address,
        subject=message.subject,
        body_text=message.body_text,
        body_html=message.body_html,
        language=message.language,
        created_at=as_utc(message.created_at),
        unsubscribe_url=message.unsubscribe_url,
    )


def _permanent(error: Exception) -> bool:
    """A refusal no retry will change (5xx: no such mailbox, message refused)."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        return all(code >= 500 for code, _msg in error.recipients.values())
    return isinstance(error, smtplib.SMTPResponseException) and error.smtp_code >= 500


def _mark_sent(sessions: Sessions, message: OutboxMessage, now: datetime) -> None:
    values: dict[str, object] = {"status": OutboxStatus.SENT, "sent_at": now, "claimed_until": None}
    if message.kind in ("invitation", "password_reset"):
        # The single-use link is not kept once it has gone out.
        values |= {"body_text": "", "body_html": ""}
    with sessions() as session:
        session.exec(
            update(OutboxMessage).where(col(OutboxMessage.id) == message.id).values(**values)
        )
        session.commit()


def _mark_failed(
    sessions: Sessions, message: OutboxMessage, error: Exception, now: datetime
) -> None:
    attempts = message.attempts + 1
    gave_up = attempts >= MAX_ATTEMPTS or _permanent(error)
    with sessions() as session:
        session.exec(
            update(OutboxMessage)
            .where(col(OutboxMessage.id) == message.id)
            .values(
                attempts=attempts,
                status=OutboxStatus.FAILED if gave_up else OutboxStatus.PENDING,
                next_attempt_at=now + backoff(attempts),
                claimed_until=None,
                last_error=f"{type(error).__name__}: {error}"[:2000],
            )
        )
        session.commit()


@dataclass
class Delivery:
    sent: int = 0
    failed: int = 0
    errors: list[str] = field(default_factory=list)


def deliver_due(
    sessions: Sessions,
    transport: Transport,
    *,
    mail_from: str,
    now: datetime | None = None,
    limit: int = BATCH,
    after_each: Callable[[OutboxMessage], None] | None = None,
) -> Delivery:
    """Sends one claimed batch; each message is marked sent, or scheduled again, on its own."""
    now = now or utcnow()
    report = Delivery()
    messages = claim(sessions, now=now, limit=limit)
    if not messages:
        return report
    opened = False
    try:
        for message in messages:
            try:
                if not opened:
                    transport.open()
                    opened = True
                transport.send(build_message(outgoing(message), mail_from))
            except (smtplib.SMTPException, OSError) as error:
                opened = False  # the connection is not to be trusted: the next one is new
                report.failed += 1
                report.errors.append(f"{type(error).__name__}: {error}")
                log.warning("mail %s to %s not sent: %s", message.id, message.to_address, error)
                _mark_failed(sessions, message, error, now)
            else:
                report.sent += 1
                _mark_sent(sessions, message, now)
            if after_each is not None:
                after_each(message)
    finally:
        transport.close()
    return report


def retry(session: Session, message_id: int) -> None:
    """An admin sends a failed message again (after fixing its cause)."""
    session.exec(
        update(OutboxMessage)
        .where(col(OutboxMessage.id) == message_id, col(OutboxMessage.status) != OutboxStatus.SENT)
        .values(
            status=OutboxStatus.PENDING, attempts=0, next_attempt_at=utcnow(), claimed_until=None
        )
    )


def troubled(session: Session, paging: PageRequest) -> Page[OutboxMessage]:
    """For admins: messages given up, and those waiting after a failed attempt, newest first."""
    return paginate(
        session,
        select(OutboxMessage)
        .where(
            or_(
                col(OutboxMessage.status) == OutboxStatus.FAILED,
                (col(OutboxMessage.status) == OutboxStatus.PENDING)
                & (col(OutboxMessage.attempts) > 0),
            )
        )
        .order_by(col(OutboxMessage.id).desc()),
        paging,
    )


# ---------------------------------------------------------------------------------------------
# Digests


def _summary(kinds: Counter[str], changed: int) -> str:
    parts = []
    if kinds[service.Kind.AMENDMENT_NEW]:
        parts.append(
            ngettext(
                "%(num)s new amendment in articles you follow",
                "%(num)s new amendments in articles you follow",
                kinds[service.Kind.AMENDMENT_NEW],
            )
        )
    if changed:
        parts.append(ngettext("%(num)s article changed", "%(num)s articles changed", changed))
    if kinds[service.Kind.DECISION]:
        parts.append(
            ngettext(
                "%(num)s decision on amendments",
                "%(num)s decisions on amendments",
                kinds[service.Kind.DECISION],
            )
        )
    comments = kinds[service.Kind.COMMENT_NEW] + kinds[service.Kind.REPLY]
    if comments:
        parts.append(ngettext("%(num)s new comment", "%(num)s new comments", comments))
    counted = {
        service.Kind.AMENDMENT_NEW,
        service.Kind.DECISION,
        service.Kind.COMMENT_NEW,
        service.Kind.REPLY,
        service.Kind.NEW_VERSION,
        service.Kind.POSITION_STALE,
    }
    others = sum(n for kind, n in kinds.items() if kind not in counted)
    if others:
        parts.append(ngettext("%(num)s other notice", "%(num)s other notices", others))
    return "; ".join(parts) + "."


class Notice(Protocol):
    """What a digest shows of a notification (its row's columns are enough)."""

    @property
    def id(self) -> int | None: ...

    @property
    def draft_id(self) -> int | None: ...

    @property
    def kind(self) -> str: ...

    @property
    def topic(self) -> str: ...

    @property
    def text(self) -> str: ...

    @property
    def link(self) -> str: ...

    @property
    def created_at(self) -> datetime: ...


def digest_letter(
    member: Member, notifications: Sequence[Notice], titles: dict[int | None, str]
) -> Letter:
    """The digest: a summary line per draft, then what happened, article by article."""
    by_draft: dict[int | None, list[Notice]] = defaultdict(list)
    for notification in notifications:
        by_draft[notification.draft_id].append(notification)
    assert member.id is not None
    letter = Letter(
        subject=ngettext(
            "Mesa: %(num)s new notice in what you follow",
            "Mesa: %(num)s new notices in what you follow",
            len(notifications),
        ),
        greeting=_("Hello %(name)s,", name=member.name),
        paragraphs=[_("This is what happened in what you follow since your last summary.")],
        footer=service.footer(member.id),
    )
    base = get_settings().base_url.rstrip("/")
    for draft_id, items in by_draft.items():
        kinds = Counter(n.kind for n in items)
        changed = len(
            {
                n.topic
                for n in items
                if n.kind in (service.Kind.NEW_VERSION, service.Kind.POSITION_STALE)
            }
        )
        title = titles.get(draft_id) or _("Mesa")
        letter.sections.append(Section(title, [Item(_summary(kinds, changed))]))
        by_topic: dict[str, list[Notice]] = defaultdict(list)
        for notification in items:
            by_topic[notification.topic].append(notification)
        for topic, grouped in by_topic.items():
            letter.sections.append(
                Section(
                    topic or _("The draft as a whole"),
                    [Item(n.text, base + n.link) for n in grouped],
                    level=3,
                )
            )
    return letter


def run_digests(
    sessions: Sessions, *, now: datetime | None = None, chunk: int = DIGEST_CHUNK
) -> int:
    """Queues the digest of every member whose period has passed; returns how many. Members
    are taken a chunk at a time, each chunk one short transaction, so memory stays flat."""
    now = now or utcnow()
    queued, after = 0, 0
    titles = _draft_titles(sessions)
    while True:
        with sessions() as session:
            member_ids = list(
                session.exec(
                    select(Notification.member_id)
                    .where(col(Notification.mailed_at).is_(None), Notification.member_id > after)
                    .distinct()
                    .order_by(col(Notification.member_id))
                    .limit(chunk)
                ).all()
            )
            if not member_ids:
                return queued
            after = member_ids[-1]
            queued += _digests_for(session, member_ids, now, titles)
            session.commit()


def _draft_titles(sessions: Sessions) -> dict[int | None, str]:
    with sessions() as session:
        return {d.id: d.title for d in session.exec(select(Draft)).all()}


def _digests_for(
    session: Session, member_ids: list[int], now: datetime, titles: dict[int | None, str]
) -> int:
    members = session.exec(
        select(Member, MailSettings)
        .join(MailSettings, col(MailSettings.member_id) == col(Member.id), isouter=True)
        .where(col(Member.id).in_(member_ids))
    ).all()
    pending: dict[int, list[Notice]] = defaultdict(list)
    for notice in session.execute(
        columns(
            col(Notification.id),
            col(Notification.member_id),
            col(Notification.draft_id),
            col(Notification.kind),
            col(Notification.topic),
            col(Notification.text),
            col(Notification.link),
            col(Notification.created_at),
        )
        .where(col(Notification.member_id).in_(member_ids), col(Notification.mailed_at).is_(None))
        .order_by(col(Notification.member_id), col(Notification.draft_id), col(Notification.id))
    ).all():
        pending[notice.member_id].append(notice)
    queued = 0
    settled: list[int] = []
    for member, stored in members:
        assert member.id is not None
        settings = stored or MailSettings(member_id=member.id)
        items = pending.get(member.id, [])
        if not member.is_active or settings.email == MailMode.OFF:
            settled += [n.id for n in items if n.id is not None]
            continue
        since = as_utc(settings.last_digest_at or min(n.created_at for n in items))
        if not items or now - since < PERIODS[MailMode(settings.email)]:
            continue
        with speaking(settings.language):
            letter = digest_letter(member, items, titles)
            service.queue_mail(
                session,
                member=member,
                kind="digest",
                letter=letter,
                language=settings.language,
                unsubscribe=True,
                now=now,
            )
        settled += [n.id for n in items if n.id is not None]
        settings.last_digest_at = now
        session.add(settings)
        queued += 1
    if settled:
        session.exec(
            update(Notification).where(col(Notification.id).in_(settled)).values(mailed_at=now)
        )
    session.flush()
    return queued


# ---------------------------------------------------------------------------------------------
# Reminders before a round closes


def remind_rounds(sessions: Sessions, *, now: datetime | None = None) -> int:
    """Once per round, when its close is near: each voting member who has not taken a position
    on all of its clauses is reminded of those they have not. Returns how many were."""
    now = now or utcnow()
    reminded = 0
    with sessions() as session:
        done = select(RoundReminder.round_id)
        rounds = session.exec(
            select(ConsensusRound).where(
                col(ConsensusRound.closed_at).is_(None),
                col(ConsensusRound.deadline) > now,
                col(ConsensusRound.deadline) <= now + REMIND_BEFORE,
                col(ConsensusRound.id).not_in(done),
            )
        ).all()
        for round_ in rounds:
            assert round_.id is not None
            session.add(RoundReminder(round_id=round_.id, sent_at=now))
            draft = session.get_one(Draft, round_.draft_id)
            labels = _labels(session, draft)
            for member_id, uids in service.voting_members_without_position(session, round_).items():
                names = [labels.get(uid, uid) for uid in uids]
                title, deadline = round_.title, round_.deadline
                service.tell(
                    session,
                    {member_id: False},
                    service.Telling(
                        service.Kind.ROUND_REMINDER,
                        f"round:{round_.id}",
                        draft,
                        "",
                        f"/drafts/{draft.slug}/rounds/{round_.id}",
                        lambda title=title, deadline=deadline, names=names: _(  # type: ignore[misc]
                            "The consensus round «%(title)s» closes on %(deadline)s and you have "
                            "not yet taken a position on %(clauses)s.",
                            title=title,
                            deadline=format_datetime(deadline),
                            clauses=", ".join(clause_phrase(n) for n in names),
                        ),
                        urgent=True,
                    ),
                )
                reminded += 1
        try:
            session.commit()
        except IntegrityError:  # another worker reminded of the same round first
            session.rollback()
            return 0
    return reminded


def _labels(session: Session, draft: Draft) -> dict[str, str]:
    outline = drafts.load_outline(session, draft)
    return {entry.uid: entry.label.text for entry in outline.clauses}


# ---------------------------------------------------------------------------------------------
# Running


def run_once(
    sessions: Sessions, transport: Transport, settings: Settings, *, now: datetime | None = None
) -> Delivery:
    remind_rounds(sessions, now=now)
    run_digests(sessions, now=now)
    total = Delivery()
    while True:
        report = deliver_due(sessions, transport, mail_from=settings.mail_from, now=now)
        total.sent += report.sent
        total.failed += report.failed
        total.errors += report.errors
        if report.sent + report.failed < BATCH or report.failed:
            return total


def run_forever(
    sessions: Sessions,
    transport: Transport,
    settings: Settings,
    stop: threading.Event,
    interval: float = 5.0,
) -> None:
    while not stop.is_set():
        try:
            report = run_once(sessions, transport, settings)
            if report.sent or report.failed:
                log.info("mail: %s sent, %s to retry", report.sent, report.failed)
        except Exception:  # the worker outlives a bad moment of the database
            log.exception("the mail worker failed; trying again")
        stop.wait(interval)
