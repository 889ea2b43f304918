"""The only writer of audit events, and the verification of the chain.

Each event's hash is SHA-256 over a canonical JSON of its sequence number, time, actor, action,
object, draft, details and the previous event's hash; so altering, removing or reordering any
stored event breaks every hash after it. Appending takes a lock on the chain's head (on
PostgreSQL an advisory lock held to the end of the transaction; on SQLite the write transaction
itself), so concurrent writers queue instead of forking the chain.
"""

import hashlib
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Literal, Protocol

from sqlalchemy import ColumnElement, false, or_, text, true, update
from sqlmodel import Session, col, func, select
from sqlmodel.sql.expression import SelectOfScalar

from app.audit.models import AuditEvent
from app.core.models import utcnow
from app.drafts.models import Draft

GENESIS_HASH = "0" * 64
# A member's account activity (signing in and out, the second factor, API tokens, invitations and
# passwords): each name and its dotted children. The public record is about the law, so these are
# listed only to the member concerned and to admins; the chain and its verification cover them.
ACCOUNT_ACTIONS = (
    "sign_in",
    "sign_out",
    "second_factor",
    "token",
    "member.invited",
    "member.joined",
    "member.password_reset",
)
EVERY_ACCOUNT: Literal["every account"] = "every account"  # an admin's view of the record
# Any constant will do: it names the lock that serializes appends to the chain.
CHAIN_LOCK_KEY = 7_302_017


def utc_iso(moment: datetime) -> str:
    """The same text for the same instant, whatever time zone the database hands back."""
    aware = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    return aware.astimezone(UTC).isoformat(timespec="microseconds")


def event_hash(event: AuditEvent) -> str:
    payload = {
        "seq": event.seq,
        "at": utc_iso(event.at),
        "actor_id": event.actor_id,
        "actor_name": event.actor_name,
        "action": event.action,
        "object": event.object,
        "draft_id": event.draft_id,
        "details": event.details,
        "prev_hash": event.prev_hash,
    }
    canonical = json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode()).hexdigest()


@dataclass(frozen=True)
class Actor:
    """Who did something: a member, or the system (imports, the command line)."""

    id: int | None
    name: str


SYSTEM = Actor(None, "Sistema")


class Named(Protocol):
    id: int | None
    name: str


def actor_of(member: Named | None) -> Actor:
    """The actor a member is in the record; nobody (a command, an import) is the system."""
    return Actor(member.id, member.name) if member else SYSTEM


# Called with each event, in its transaction, once it is appended: another domain derives what
# follows from the record (notifications) without the record, or any writer of it, importing it.
Subscriber = Callable[[Session, AuditEvent], None]
_subscribers: list[Subscriber] = []


def subscribe(subscriber: Subscriber) -> None:
    """Registers `subscriber` for every event from now on (once, however often it is called)."""
    if subscriber not in _subscribers:
        _subscribers.append(subscriber)


def record(
    session: Session,
    actor: Actor,
    action: str,
    object: str = "",
    *,
    draft_id: int | None = None,
    details: dict[str, Any] | None = None,
) -> AuditEvent:
    """Append an event in the caller's transaction (it is committed, or not, with the change)."""
    if session.get_bind().dialect.name == "postgresql":
        session.connection().execute(
            text("SELECT pg_advisory_xact_lock(:key)"), {"key": CHAIN_LOCK_KEY}
        )
    head = session.exec(select(AuditEvent).order_by(col(AuditEvent.seq).desc()).limit(1)).first()
    event = AuditEvent(
        seq=head.seq + 1 if head else 1,
        at=utcnow(),
        actor_id=actor.id,
        actor_name=actor.name,
        action=action,
        object=object,
        draft_id=draft_id,
        details=details or {},
        prev_hash=head.hash if head else GENESIS_HASH,
        hash="",
    )
    event.hash = event_hash(event)
    session.add(event)
    session.flush()
    _move_revisions(session, action, draft_id)
    for subscriber in _subscribers:
        subscriber(session, event)
    return event


def _move_revisions(session: Session, action: str, draft_id: int | None) -> None:
    """Every change to a draft is audited here in its transaction, so here its revision moves
    with it. A member added, deactivated or given another role changes who counts in every
    draft's consensus: every draft moves."""
    if draft_id is not None:
        which: ColumnElement[bool] = col(Draft.id) == draft_id
    elif action.startswith("member."):
        which = true()
    else:
        return
    session.exec(update(Draft).where(which).values(revision=col(Draft.revision) + 1))


@dataclass(frozen=True)
class Verification:
    ok: bool
    events: int
    first_bad: int | None = None
    head_hash: str = GENESIS_HASH


def verify_chain(session: Session, batch: int = 1000) -> Verification:
    """Recompute every hash in order; name the first event that does not match."""
    expected_seq, previous, count, after = 1, GENESIS_HASH, 0, 0
    while True:
        events = session.exec(
            select(AuditEvent)
            .where(AuditEvent.seq > after)
            .order_by(col(AuditEvent.seq))
            .limit(batch)
        ).all()
        if not events:
            return Verification(True, count, None, previous)
        for event in events:
            # A gap, a broken link or a changed row: this event is where the chain stops holding.
            if (
                event.seq != expected_seq
                or event.prev_hash != previous
                or event_hash(event) != event.hash
            ):
                return Verification(False, count, event.seq, previous)
            previous, expected_seq, count, after = (
                event.hash,
                expected_seq + 1,
                count + 1,
                event.seq,
            )


def is_named(names: Sequence[str]) -> ColumnElement[bool]:
    """The events of these actions and of their dotted children."""
    action = col(AuditEvent.action)
    return or_(
        *(action == name for name in names),
        *(action.startswith(f"{name}.", autoescape=True) for name in names),
    )


def is_account_event() -> ColumnElement[bool]:
    return is_named(ACCOUNT_ACTIONS)


Viewer = int | Literal["every account"] | None


def _visible_to(viewer: Viewer) -> ColumnElement[bool]:
    """Every event of the law; account events only of the viewer's own account (or of every
    account, for admins)."""
    if viewer == EVERY_ACCOUNT:
        return true()
    own = (
        (col(AuditEvent.actor_id) == viewer) | (col(AuditEvent.object) == f"member:{viewer}")
        if viewer is not None
        else false()
    )
    return ~is_account_event() | own


def list_actions(session: Session, viewer: Viewer = None) -> Sequence[str]:
    query = select(AuditEvent.action).where(_visible_to(viewer)).distinct()
    return session.exec(query.order_by(col(AuditEvent.action))).all()


def list_actors(session: Session, viewer: Viewer = None) -> list[tuple[int, str]]:
    """The people who appear in the record as this reader sees it, by name."""
    query = (
        select(col(AuditEvent.actor_id), func.max(AuditEvent.actor_name))
        .where(col(AuditEvent.actor_id).is_not(None), _visible_to(viewer))
        .group_by(col(AuditEvent.actor_id))
    )
    rows = [(int(actor or 0), str(name)) for actor, name in session.exec(query).all()]
    return sorted(rows, key=lambda row: row[1].casefold())


def list_events(session: Session, *, limit: int = 50, **filters: Any) -> Sequence[AuditEvent]:
    return session.exec(events_query(**filters).limit(limit)).all()


def events_query(
    *,
    viewer: Viewer = None,
    after: int = 0,
    before: int | None = None,
    newest_first: bool = False,
    action: str | None = None,
    actions: Sequence[str] | None = None,
    object: str | None = None,
    actor_id: int | None = None,
    draft_ids: Sequence[int | None] | None = None,
) -> SelectOfScalar[AuditEvent]:
    """The events a reader may see, with the record page's filters, in sequence order.
    `actions`: names of actions, each with its dotted children (a kind of event)."""
    query = select(AuditEvent).where(AuditEvent.seq > after, _visible_to(viewer))
    if before is not None:
        query = query.where(AuditEvent.seq < before)
    if action:
        query = query.where(AuditEvent.action == action)
    if actions:
        query = query.where(is_named(actions))
    if object:
        query = query.where(AuditEvent.object == object)
    if actor_id is not None:
        query = query.where(AuditEvent.actor_id == actor_id)
    if draft_ids is not None:
        readable = [d for d in draft_ids if d is not None]
        query = query.where(
            col(AuditEvent.draft_id).is_(None) | col(AuditEvent.draft_id).in_(readable)
        )
    order = col(AuditEvent.seq).desc() if newest_first else col(AuditEvent.seq)
    return query.order_by(order)
