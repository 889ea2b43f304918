"""Following, notifications and the outbox. Rules and state changes; flushes, never commits.

Notifications are derived from the record: `on_event` is subscribed to app/audit (by
`install`, from create_app and the command line) and runs inside the transaction of the change
that wrote the event, so a notification, and the mail it queues, exist exactly when the change
does. No other domain calls in here, except for mail that is not a change of the law
(invitations and password resets carry a link the record must never hold).
"""

import hashlib
import hmac
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from sqlalchemy import bindparam, false, insert, update
from sqlalchemy import select as columns
from sqlmodel import Session, col, func, select

from app.amendments import support
from app.amendments.models import Amendment, AmendmentStatus, proposal_names, status_names
from app.audit import service as audit
from app.audit.describe import STANCES, clause_phrase
from app.audit.models import AuditEvent
from app.comments.models import Comment
from app.consensus.models import ConsensusRound, Position, RoundClause
from app.core.bounds import parse_id
from app.core.config import get_settings
from app.core.db import unique_or
from app.core.errors import Conflict, InvalidInput, NotFound
from app.core.i18n import DEFAULT_LANGUAGE, LANGUAGES, _, format_datetime, speaking
from app.core.models import utcnow
from app.core.pagination import Page, PageRequest, paginate
from app.drafts import service as drafts
from app.drafts.models import Draft, Provision, Snapshot
from app.intake.models import Receipt, disposition_names
from app.intake.service import credit
from app.members.models import Member
from app.members.permissions import VOTING_ROLES
from app.notifications.mail import Item, Letter, as_html, as_text, new_message_id
from app.notifications.models import (
    Follow,
    MailMode,
    MailSettings,
    Notification,
    OutboxMessage,
)

FEED_PATH = "/me/notifications"
MAX_OBJECT = 120


class Kind:
    """What a notification is about; digests count and group by it."""

    DECISION = "decision"  # on an amendment: acogida, acogida parcialmente, no acogida
    AMENDMENT_NEW = "amendment_new"
    COMMENT_NEW = "comment_new"
    REPLY = "reply"
    COMMENT_HIDDEN = "comment_hidden"
    POSITION_STALE = "position_stale"
    NEW_VERSION = "new_version"
    SNAPSHOT = "snapshot"
    ROUND_OPENED = "round_opened"
    ROUND_REMINDER = "round_reminder"
    SUPPORTED = "supported"  # someone adhered to an amendment one authored
    PROPOSAL = "proposal"  # the secretariat published how it proposes to handle an amendment
    ANSWERED = "answered"  # the secretariat answered a comment for the matriz de aportes
    SESSION = "session"  # a working-group session was convened


def install() -> None:
    """Derive notifications from every event recorded from now on (idempotent)."""
    audit.subscribe(on_event)


# ---------------------------------------------------------------------------------------------
# Following


def _object_draft(session: Session, object: str) -> Draft:
    """The draft an object to follow belongs to; NotFound when there is no such object."""
    kind, _sep, key = object.partition(":")
    # No object is named with a NUL, and PostgreSQL refuses one in a query.
    if kind not in ("draft", "provision", "amendment") or len(object) > MAX_OBJECT or "\x00" in key:
        raise InvalidInput(
            _("Follow a draft:SLUG, a provision:UID or an amendment:ID."), field="object"
        )
    if kind == "draft":
        return drafts.get_draft(session, key)
    if kind == "provision":
        provision = session.exec(select(Provision).where(Provision.uid == key)).first()
        if provision is not None:
            return session.get_one(Draft, provision.draft_id)
    if kind == "amendment" and (number := parse_id(key)) is not None:
        amendment = session.get(Amendment, number)
        if amendment is not None:
            return session.get_one(Draft, amendment.draft_id)
    raise NotFound(_("There is nothing to follow at %(object)s.", object=object))


def follow(
    session: Session, member: Member, object: str, *, readable: Callable[[Draft], bool]
) -> Follow:
    """Starts (or resumes) following `object`. `readable`: whether the member may read a draft
    (a private draft's objects are not to be found by following them)."""
    draft = _object_draft(session, object)
    if not readable(draft):
        raise NotFound(_("There is nothing to follow at %(object)s.", object=object))
    assert member.id is not None
    existing = session.exec(
        select(Follow).where(Follow.member_id == member.id, Follow.object == object)
    ).first()
    if existing is None:
        existing = Follow(member_id=member.id, object=object)
        if not _insert_once(session, existing):
            return follow(session, member, object, readable=readable)
    existing.stopped_at = None
    existing.automatic = False
    session.add(existing)
    session.flush()
    return existing


def unfollow(session: Session, member: Member, object: str) -> None:
    """Stops following; what the member authored is then not followed again automatically.
    Stopping what one does not follow changes nothing."""
    assert member.id is not None
    if "\x00" in object:  # nothing stored holds one, and PostgreSQL refuses it in a query
        return
    existing = session.exec(
        select(Follow).where(Follow.member_id == member.id, Follow.object == object)
    ).first()
    if existing is not None and existing.stopped_at is None:
        existing.stopped_at = utcnow()
        session.add(existing)
        session.flush()


# Built once, bound per call: a statement built for each call costs more than running it.
_FOLLOWING = select(Follow.id).where(
    Follow.member_id == bindparam("member"),
    Follow.object == bindparam("object"),
    col(Follow.stopped_at).is_(None),
)


def is_following(session: Session, member: Member | None, object: str) -> bool:
    if member is None:
        return False
    found = session.exec(_FOLLOWING, params={"member": member.id, "object": object}).first()
    return found is not None


@dataclass(frozen=True)
class FollowState:
    object: str
    following: bool


def follow_state(session: Session, member: Member | None, object: str) -> FollowState | None:
    """For a page's follow button: None for someone signed out."""
    if member is None:
        return None
    return FollowState(object, is_following(session, member, object))


class _FollowedMeanwhile(Conflict):
    code = "already_following"


def _insert_once(session: Session, row: Follow) -> bool:
    """Inserts in a savepoint; False when a concurrent request inserted the same follow first
    (any other integrity error is not swallowed)."""
    try:
        with unique_or(session, _FollowedMeanwhile("")):
            session.add(row)
    except _FollowedMeanwhile:
        return False
    return True


def follow_automatically(session: Session, member_id: int, objects: Iterable[str]) -> None:
    """What a member authored, commented on or took a position on is followed, unless they
    stopped following it."""
    wanted = list(dict.fromkeys(objects))
    known = set(
        session.exec(
            select(Follow.object).where(
                Follow.member_id == member_id, col(Follow.object).in_(wanted)
            )
        ).all()
    )
    for object in wanted:
        if object not in known:
            _insert_once(session, Follow(member_id=member_id, object=object, automatic=True))


@dataclass(frozen=True)
class Followed:
    object: str
    name: str
    link: str
    automatic: bool


def following(session: Session, member: Member) -> list[Followed]:
    """What the member follows, named as the pages name it, newest first: a fixed number of
    queries however many (taking a position on every article follows every article)."""
    follows = session.exec(
        select(Follow)
        .where(Follow.member_id == member.id, col(Follow.stopped_at).is_(None))
        .order_by(col(Follow.id).desc())
    ).all()
    keys: dict[str, set[str]] = {"draft": set(), "provision": set(), "amendment": set()}
    for follow in follows:
        kind, _sep, key = follow.object.partition(":")
        keys.setdefault(kind, set()).add(key)
    provisions = {
        p.uid: p
        for p in session.exec(select(Provision).where(col(Provision.uid).in_(keys["provision"])))
    }
    numbers = {n for key in keys["amendment"] if (n := parse_id(key)) is not None}
    amendments = {
        a.id: a for a in session.exec(select(Amendment).where(col(Amendment.id).in_(numbers)))
    }
    wanted = {p.draft_id for p in provisions.values()} | {a.draft_id for a in amendments.values()}
    by_id = {
        d.id: d
        for d in session.exec(
            select(Draft).where(col(Draft.id).in_(wanted) | col(Draft.slug).in_(keys["draft"]))
        )
    }
    by_slug = {d.slug: d for d in by_id.values()}
    outlines = {
        draft_id: drafts.load_outline(session, by_id[draft_id])
        for draft_id in {p.draft_id for p in provisions.values()}
    }
    named = []
    for follow in follows:
        kind, _sep, key = follow.object.partition(":")
        if kind == "draft" and (draft := by_slug.get(key)) is not None:
            name, link = _("the draft «%(title)s»", title=draft.title), f"/drafts/{draft.slug}"
        elif kind == "provision" and (provision := provisions.get(key)) is not None:
            draft = by_id[provision.draft_id]
            entry = outlines[provision.draft_id].by_uid.get(key)  # None: deleted since
            topic = f"{entry.label.text} {entry.heading}".strip() if entry else key
            name, link = f"{topic} ({draft.title})", _article_link(draft, key)
        elif kind == "amendment" and (number := parse_id(key)) in amendments:
            name, link = _("amendment %(n)s", n=key), f"/amendments/{number}"
        else:  # no longer there
            continue
        named.append(Followed(follow.object, name, link, follow.automatic))
    return named


def followers(session: Session, objects: Sequence[str]) -> set[int]:
    return set(
        session.exec(
            select(Follow.member_id)
            .where(col(Follow.object).in_(objects), col(Follow.stopped_at).is_(None))
            .distinct()
        ).all()
    )


# ---------------------------------------------------------------------------------------------
# Settings and unsubscribing


def mail_settings(session: Session, member_id: int) -> MailSettings:
    return session.get(MailSettings, member_id) or MailSettings(member_id=member_id)


def update_mail_settings(
    session: Session,
    member: Member,
    *,
    email: str,
    decisions: str | None = None,
    language: str | None = None,
) -> MailSettings:
    if email not in {mode.value for mode in MailMode}:
        raise InvalidInput(_("Choose immediate, daily, weekly or off."), field="email")
    if decisions not in (None, MailMode.IMMEDIATE, "digest"):
        raise InvalidInput(_("Choose immediate or with the rest."), field="decisions")
    if language not in (None, *LANGUAGES):
        raise InvalidInput(_("Choose Spanish or English."), field="language")
    assert member.id is not None
    settings = session.get(MailSettings, member.id) or MailSettings(member_id=member.id)
    settings.email = email
    if decisions is not None:
        settings.decisions = decisions
    if language is not None:
        settings.language = language
    session.add(settings)
    session.flush()
    return settings


def unsubscribe_token(member_id: int) -> str:
    """A link that turns a member's mail off without signing in: an HMAC of their id."""
    key = get_settings().secret_key.encode()
    return hmac.new(key, f"unsubscribe:{member_id}".encode(), hashlib.sha256).hexdigest()[:32]


def unsubscribe_url(member_id: int) -> str:
    base = get_settings().base_url.rstrip("/")
    return f"{base}/unsubscribe/{member_id}/{unsubscribe_token(member_id)}"


def unsubscribe_link_valid(session: Session, member_id: int, token: str) -> bool:
    return session.get(Member, member_id) is not None and hmac.compare_digest(
        token.encode(), unsubscribe_token(member_id).encode()
    )


def unsubscribe(session: Session, member_id: int, token: str) -> Member:
    """Turns every mail off (the feed stays). NotFound for a link that is not this member's."""
    member = session.get(Member, member_id)
    if member is None or not unsubscribe_link_valid(session, member_id, token):
        raise NotFound(_("This unsubscribe link is not valid."))
    settings = mail_settings(session, member_id)
    settings.email = MailMode.OFF
    session.add(settings)
    session.flush()
    # Nothing already waiting for a digest goes out either.
    session.exec(
        update(Notification)
        .where(col(Notification.member_id) == member_id, col(Notification.mailed_at).is_(None))
        .values(mailed_at=utcnow())
    )
    return member


# ---------------------------------------------------------------------------------------------
# The feed


def feed(session: Session, member: Member, paging: PageRequest) -> Page[Notification]:
    query = (
        select(Notification)
        .where(Notification.member_id == member.id)
        .order_by(col(Notification.id).desc())
    )
    return paginate(session, query, paging)


_UNREAD = (  # every page's header shows it
    select(func.count())
    .select_from(Notification)
    .where(Notification.member_id == bindparam("member"), col(Notification.read_at).is_(None))
)


def unread_count(session: Session, member: Member) -> int:
    return session.exec(_UNREAD, params={"member": member.id}).one()


def mark_read(session: Session, member: Member, ids: Sequence[int] | None = None) -> int:
    """Marks the member's notifications read (these, or every one); how many were unread."""
    query = update(Notification).where(
        col(Notification.member_id) == member.id, col(Notification.read_at).is_(None)
    )
    if ids is not None:
        query = query.where(col(Notification.id).in_(ids) if ids else false())
    return session.exec(query.values(read_at=utcnow())).rowcount


def open_notification(session: Session, member: Member, notification_id: int) -> str:
    """Marks one of the member's notifications read; the page it links to."""
    notification = session.get(Notification, notification_id)
    if notification is None or notification.member_id != member.id:
        raise NotFound(_("There is no such notification."))
    mark_read(session, member, [notification_id])
    return notification.link


# ---------------------------------------------------------------------------------------------
# Telling members


@dataclass(frozen=True)
class Telling:
    """One thing to tell: `say` is called in each recipient's language."""

    kind: str
    object: str
    draft: Draft | None
    topic: str
    link: str
    say: Callable[[], str]
    event_seq: int | None = None
    urgent: bool = False  # mailed at once unless mail is off (a round about to close)


class Addressee(Protocol):
    """Whom a mail goes to: a member, or the columns of one."""

    @property
    def id(self) -> int | None: ...

    @property
    def name(self) -> str: ...

    @property
    def email(self) -> str: ...


@dataclass(frozen=True)
class _Recipient:
    id: int
    name: str
    email: str


def tell(session: Session, recipients: dict[int, bool], telling: Telling) -> int:
    """Writes the notification for each recipient (member id → whether it is a decision on
    their own contribution), and queues at once the mail of those who hear it immediately.
    One insert for them all: an event may be told to every member of the working group."""
    if not recipients:
        return 0
    rows = session.execute(
        columns(
            col(Member.id),
            col(Member.name),
            col(Member.email),
            col(MailSettings.email),
            col(MailSettings.decisions),
            col(MailSettings.language),
        )
        .join(MailSettings, col(MailSettings.member_id) == col(Member.id), isouter=True)
        .where(col(Member.id).in_(list(recipients)), col(Member.is_active).is_(True))
    ).all()
    now = utcnow()
    texts: dict[str, str] = {}
    values: list[dict[str, object]] = []
    at_once_for: list[tuple[_Recipient, str, str]] = []
    for member_id, name, address, mode, decisions, language in rows:
        assert member_id is not None
        mode, decisions = mode or MailMode.DAILY, decisions or MailMode.IMMEDIATE
        language = language or DEFAULT_LANGUAGE
        if language not in texts:
            with speaking(language):
                texts[language] = telling.say()
        decision = recipients[member_id]
        at_once = mode != MailMode.OFF and (
            mode == MailMode.IMMEDIATE
            or telling.urgent
            or (decision and decisions == MailMode.IMMEDIATE)
        )
        values.append(
            {
                "member_id": member_id,
                "kind": telling.kind,
                "object": telling.object,
                "draft_id": telling.draft.id if telling.draft else None,
                "topic": telling.topic[:600],
                "text": texts[language],
                "link": telling.link,
                "decision": decision,
                "event_seq": telling.event_seq,
                "created_at": now,
                "mailed_at": now if at_once or mode == MailMode.OFF else None,
            }
        )
        if at_once:
            at_once_for.append((_Recipient(member_id, name, address), language, texts[language]))
    if values:
        session.execute(insert(Notification), values)
    for recipient, language, text in at_once_for:
        with speaking(language):
            _queue_notification_mail(session, recipient, language, text, telling.link)
    session.flush()
    return len(values)


def _absolute(link: str) -> str:
    return get_settings().base_url.rstrip("/") + link


def footer(member_id: int) -> list[Item]:
    return [
        Item(_("Your notifications and mail settings"), _absolute(FEED_PATH)),
        Item(_("Stop all mail from Mesa"), unsubscribe_url(member_id)),
    ]


def _queue_notification_mail(
    session: Session, member: Addressee, language: str, text: str, link: str
) -> None:
    assert member.id is not None
    letter = Letter(
        subject=_shorten(text, 150),
        greeting=_("Hello %(name)s,", name=member.name),
        paragraphs=[text],
        action=Item(_("See it in Mesa"), _absolute(link)),
        footer=footer(member.id),
    )
    queue_mail(
        session, member=member, kind="notification", letter=letter, language=language,
        unsubscribe=True,
    )  # fmt: skip


def _shorten(text: str, limit: int) -> str:
    line = " ".join(text.split())
    return line if len(line) <= limit else line[: limit - 1].rstrip() + "…"


def queue_mail(
    session: Session,
    *,
    member: Addressee,
    kind: str,
    letter: Letter,
    language: str,
    unsubscribe: bool,
    now: datetime | None = None,
) -> OutboxMessage:
    """Writes a mail to the outbox in the caller's transaction; the worker delivers it."""
    assert member.id is not None
    now = now or utcnow()
    message = OutboxMessage(
        message_id=new_message_id(get_settings().mail_from),
        kind=kind,
        member_id=member.id,
        to_address=member.email,
        subject=_shorten(letter.subject, 300),
        body_text=as_text(letter),
        body_html=as_html(letter, language),
        unsubscribe_url=unsubscribe_url(member.id) if unsubscribe else None,
        language=language,
        next_attempt_at=now,
        created_at=now,
    )
    session.add(message)  # flushed with the caller's next flush
    return message


def send_invitation(session: Session, *, member: Member, link: str) -> OutboxMessage:
    """The invitation (or, for an account that has joined, the password reset) by mail, queued
    in the transaction that made the link. Account mail: it has no unsubscribe link."""
    assert member.id is not None
    settings = mail_settings(session, member.id)
    reset = member.password_hash is not None
    with speaking(settings.language):
        if reset:
            letter = Letter(
                subject=_("Set a new password for Mesa"),
                greeting=_("Hello %(name)s,", name=member.name),
                paragraphs=[
                    _(
                        "A new password was requested for your Mesa account. The link works "
                        "once and for 7 days; if you did not expect it, ignore this message."
                    )
                ],
                action=Item(_("Set a new password"), link),
            )
        else:
            letter = Letter(
                subject=_("You are invited to Mesa"),
                greeting=_("Hello %(name)s,", name=member.name),
                paragraphs=[
                    _(
                        "You have been invited to take part in the drafting of the law in Mesa. "
                        "Choose your password with this link (it works once and for 7 days)."
                    )
                ],
                action=Item(_("Accept the invitation"), link),
            )
        message = queue_mail(
            session,
            member=member,
            kind="password_reset" if reset else "invitation",
            letter=letter,
            language=settings.language,
            unsubscribe=False,
        )
    session.flush()
    return message


# ---------------------------------------------------------------------------------------------
# From the record to what people are told


def on_event(session: Session, event: AuditEvent) -> None:
    handler = _HANDLERS.get(event.action)
    if handler is not None:
        handler(session, event)


def _article_link(draft: Draft, uid: str, anchor: str = "") -> str:
    return f"/drafts/{draft.slug}/provisions/{uid}" + (f"#{anchor}" if anchor else "")


@dataclass(frozen=True)
class Clause:
    uid: str
    label: str
    topic: str


def _clause(session: Session, draft: Draft, provision_id: int) -> Clause:
    provision = session.get_one(Provision, provision_id)
    try:
        entry = drafts.load_outline(session, draft).get(provision.uid)
    except NotFound:  # deleted since: named by what it was
        return Clause(provision.uid, provision.uid, provision.uid)
    topic = f"{entry.label.text} {entry.heading}".strip()
    return Clause(provision.uid, entry.label.text, topic)


def _except(recipients: Iterable[int], *excluded: int | None) -> dict[int, bool]:
    return dict.fromkeys(set(recipients) - set(excluded), False)


def _object_id(event: AuditEvent) -> int:
    """The id in an event's object ("amendment:12" → 12): events are written by Mesa itself."""
    return int(event.object.partition(":")[2])


def _who(session: Session, event: AuditEvent, made: Amendment | Comment) -> str:
    """Who made a contribution, as the record names them; for one the secretariat entered on
    a sender's behalf, the sender ("Reservado" if they asked)."""
    if made.receipt_id is None:
        return event.actor_name
    author = session.get_one(Member, made.author_id)
    return credit(author, session.get(Receipt, made.receipt_id), made.created_at).name


def _contributed(session: Session, event: AuditEvent, *objects: str) -> None:
    if event.actor_id is not None:
        follow_automatically(session, event.actor_id, objects)


def _on_amendment_submitted(session: Session, event: AuditEvent) -> None:
    amendment = session.get_one(Amendment, _object_id(event))
    draft = session.get_one(Draft, amendment.draft_id)
    clause = _clause(session, draft, amendment.provision_id)
    target = f"provision:{clause.uid}"
    recipients = _except(followers(session, [target]), event.actor_id)
    _contributed(session, event, event.object, target, f"draft:{draft.slug}")
    who, number = _who(session, event, amendment), amendment.id
    tell(
        session,
        recipients,
        Telling(
            Kind.AMENDMENT_NEW,
            event.object,
            draft,
            clause.topic,
            f"/amendments/{number}",
            lambda: _(
                "%(who)s proposed amendment %(n)s to %(clause)s.",
                who=who,
                n=number,
                clause=clause_phrase(clause.label),
            ),
            event.seq,
        ),
    )


def decision_recipients(session: Session, amendment: Amendment) -> dict[int, bool]:
    """Who hears of the decision on `amendment`: member id → whether it is a decision on their
    own contribution (mailed at once unless they chose otherwise). Its author, and whoever
    follows it. Adhesions extend this one place: a supporter is told as the author is
    (`recipients[supporter_id] = True`)."""
    recipients = dict.fromkeys(followers(session, [f"amendment:{amendment.id}"]), False)
    recipients[amendment.author_id] = True
    for supporter in support.supporter_ids(session, amendment):  # they co-signed it
        recipients[supporter] = True
    return recipients


def _on_amendment_supported(session: Session, event: AuditEvent) -> None:
    """The author hears who co-signs; the supporter follows the amendment from now on."""
    amendment = session.get_one(Amendment, _object_id(event))
    draft = session.get_one(Draft, amendment.draft_id)
    clause = _clause(session, draft, amendment.provision_id)
    _contributed(session, event, event.object)
    number, who = amendment.id, event.actor_name
    tell(
        session,
        _except([amendment.author_id], event.actor_id),
        Telling(
            Kind.SUPPORTED,
            event.object,
            draft,
            clause.topic,
            f"/amendments/{number}#support",
            lambda: _(
                "%(name)s adhered to your amendment %(number)s to %(clause)s.",
                name=who,
                number=number,
                clause=clause_phrase(clause.label),
            ),
            event.seq,
        ),
    )


def _on_proposal_published(session: Session, event: AuditEvent) -> None:
    """Before deciding, the secretariat says how it proposes to handle an amendment: its author,
    its supporters and whoever follows it hear it, and may react."""
    amendment = session.get_one(Amendment, _object_id(event))
    draft = session.get_one(Draft, amendment.draft_id)
    clause = _clause(session, draft, amendment.provision_id)
    recipients = decision_recipients(session, amendment)
    recipients.pop(event.actor_id or 0, None)
    number = amendment.id
    proposal, note = str(event.details.get("proposal", "")), str(event.details.get("note", ""))
    tell(
        session,
        recipients,
        Telling(
            Kind.PROPOSAL,
            event.object,
            draft,
            clause.topic,
            f"/amendments/{number}",
            lambda: _(
                "The secretariat proposes to handle amendment %(number)s to %(clause)s this "
                "way: %(proposal)s. %(note)s",
                number=number,
                clause=clause_phrase(clause.label),
                proposal=proposal_names().get(proposal, proposal),
                note=note,
            ),
            event.seq,
        ),
    )


def _on_comment_answered(session: Session, event: AuditEvent) -> None:
    """What became of a comment, for the matriz de aportes: told to its author."""
    comment = session.get_one(Comment, _object_id(event))
    draft = session.get_one(Draft, comment.draft_id)
    clause = _clause(session, draft, comment.provision_id)
    disposition = str(event.details.get("disposition", ""))
    reason = str(event.details.get("reason", ""))
    tell(
        session,
        {comment.author_id: True} if comment.author_id != event.actor_id else {},
        Telling(
            Kind.ANSWERED,
            event.object,
            draft,
            clause.topic,
            _article_link(draft, clause.uid, f"comment-{comment.id}"),
            lambda: _(
                "The secretariat answered your comment on %(clause)s: %(disposition)s. "
                "Reason: %(reason)s",
                clause=clause_phrase(clause.label),
                disposition=disposition_names().get(disposition, disposition),
                reason=reason,
            ),
            event.seq,
        ),
    )


def _on_amendment_decided(session: Session, event: AuditEvent) -> None:
    amendment = session.get_one(Amendment, _object_id(event))
    draft = session.get_one(Draft, amendment.draft_id)
    clause = _clause(session, draft, amendment.result_provision_id or amendment.provision_id)
    recipients = decision_recipients(session, amendment)
    recipients.pop(event.actor_id or 0, None)
    number, status = amendment.id, amendment.status
    reason = amendment.decision_reason or ""
    version = amendment.result_version
    author_id = amendment.author_id

    def say_for(own: bool) -> Callable[[], str]:
        def say() -> str:
            outcome = status_names()[status]
            whose = (
                _(
                    "Your amendment %(n)s to %(clause)s",
                    n=number,
                    clause=clause_phrase(clause.label),
                )
                if own
                else _(
                    "Amendment %(n)s to %(clause)s", n=number, clause=clause_phrase(clause.label)
                )
            )
            text = _("%(whose)s: %(outcome)s.", whose=whose, outcome=outcome)
            if reason:
                text += " " + _("Reason: %(reason)s", reason=reason)
            if version and status != AmendmentStatus.REJECTED:
                text += " " + _("Resulting version: %(version)s.", version=version)
            return text

        return say

    for own in (True, False):
        group = {m: d for m, d in recipients.items() if (m == author_id) == own}
        tell(
            session,
            group,
            Telling(
                Kind.DECISION,
                event.object,
                draft,
                clause.topic,
                f"/amendments/{number}",
                say_for(own),
                event.seq,
            ),
        )
    if version and status != AmendmentStatus.REJECTED:
        _new_version(session, event, draft, clause, version, {event.actor_id, *recipients})


def _on_provision_revised(session: Session, event: AuditEvent) -> None:
    draft = session.get_one(Draft, event.draft_id)
    uid = event.object.partition(":")[2]
    provision = session.exec(select(Provision).where(Provision.uid == uid)).one()
    assert provision.id is not None
    clause = _clause(session, draft, provision.id)
    _new_version(session, event, draft, clause, int(event.details["version"]), {event.actor_id})


def _new_version(
    session: Session,
    event: AuditEvent,
    draft: Draft,
    clause: Clause,
    version: int,
    told: set[int | None],
) -> None:
    """A clause has a new text: positions taken on an earlier one are stale (their authors are
    asked to confirm them), and whoever follows the clause or the draft hears of it."""
    provision = session.exec(select(Provision).where(Provision.uid == clause.uid)).one()
    stale = session.exec(
        select(Position.member_id, Position.stance).where(
            Position.provision_id == provision.id, Position.version < version
        )
    ).all()
    stances = dict(stale)
    stale_recipients = _except(stances, *told)
    link = _article_link(draft, clause.uid, "position")
    for stance in sorted({stances[member_id] for member_id in stale_recipients}):
        holders = {m: False for m in stale_recipients if stances[m] == stance}
        tell(session, holders, _stale_telling(event, draft, clause, version, stance, link))
    watching = followers(session, [f"provision:{clause.uid}", f"draft:{draft.slug}"])
    tell(
        session,
        _except(watching, *told, *stale_recipients),
        Telling(
            Kind.NEW_VERSION,
            f"provision:{clause.uid}",
            draft,
            clause.topic,
            _article_link(draft, clause.uid),
            lambda: _(
                "%(clause)s has a new text (version %(version)s).",
                clause=clause_phrase(clause.label),
                version=version,
            ),
            event.seq,
        ),
    )


def _stale_telling(
    event: AuditEvent, draft: Draft, clause: Clause, version: int, stance: str, link: str
) -> Telling:
    return Telling(
        Kind.POSITION_STALE,
        f"provision:{clause.uid}",
        draft,
        clause.topic,
        link,
        lambda: _(
            "The text of %(clause)s changed (version %(version)s): your position «%(stance)s» "
            "is not counted until you confirm it or change it.",
            clause=clause_phrase(clause.label),
            version=version,
            stance=_(STANCES.get(stance, stance)),
        ),
        event.seq,
    )


def _on_comment_added(session: Session, event: AuditEvent) -> None:
    comment = session.get_one(Comment, int(event.details["comment"]))
    draft = session.get_one(Draft, comment.draft_id)
    clause = _clause(session, draft, comment.provision_id)
    target = f"provision:{clause.uid}"
    _contributed(session, event, target, f"draft:{draft.slug}")
    link = _article_link(draft, clause.uid, f"comment-{comment.id}")
    who = _who(session, event, comment)
    replied_to = None
    if comment.parent_id is not None:
        parent = session.get_one(Comment, comment.parent_id)
        if parent.author_id != comment.author_id:
            replied_to = parent.author_id
            tell(
                session,
                {parent.author_id: False},
                Telling(
                    Kind.REPLY,
                    f"comment:{comment.id}",
                    draft,
                    clause.topic,
                    link,
                    lambda: _(
                        "%(who)s replied to your comment on %(clause)s.",
                        who=who,
                        clause=clause_phrase(clause.label),
                    ),
                    event.seq,
                ),
            )
    tell(
        session,
        _except(followers(session, [target]), comment.author_id, replied_to),
        Telling(
            Kind.COMMENT_NEW,
            f"comment:{comment.id}",
            draft,
            clause.topic,
            link,
            lambda: _(
                "%(who)s commented on %(clause)s.", who=who, clause=clause_phrase(clause.label)
            ),
            event.seq,
        ),
    )


def _on_comment_hidden(session: Session, event: AuditEvent) -> None:
    comment = session.get_one(Comment, _object_id(event))
    draft = session.get_one(Draft, comment.draft_id)
    clause = _clause(session, draft, comment.provision_id)
    reason = comment.hidden_reason or ""
    tell(
        session,
        {comment.author_id: True} if comment.author_id != event.actor_id else {},
        Telling(
            Kind.COMMENT_HIDDEN,
            event.object,
            draft,
            clause.topic,
            _article_link(draft, clause.uid, f"comment-{comment.id}"),
            lambda: _(
                "Your comment on %(clause)s was hidden by the secretariat. Reason: %(reason)s",
                clause=clause_phrase(clause.label),
                reason=reason,
            ),
            event.seq,
        ),
    )


def _on_position_recorded(session: Session, event: AuditEvent) -> None:
    draft = session.get_one(Draft, event.draft_id)
    _contributed(session, event, event.object, f"draft:{draft.slug}")


def _on_round_opened(session: Session, event: AuditEvent) -> None:
    round_ = session.get_one(ConsensusRound, _object_id(event))
    draft = session.get_one(Draft, round_.draft_id)
    uids = session.exec(
        select(Provision.uid)
        .join(RoundClause, col(RoundClause.provision_id) == col(Provision.id))
        .where(RoundClause.round_id == round_.id)
    ).all()
    labels = [str(label) for label in event.details.get("clauses", [])]
    objects = [f"provision:{uid}" for uid in uids] + [f"draft:{draft.slug}"]
    title, deadline = round_.title, round_.deadline
    tell(
        session,
        _except(followers(session, objects), event.actor_id),
        Telling(
            Kind.ROUND_OPENED,
            event.object,
            draft,
            "",
            f"/drafts/{draft.slug}/rounds/{round_.id}",
            lambda: _(
                "The consensus round «%(title)s» is open until %(deadline)s on %(clauses)s.",
                title=title,
                deadline=format_datetime(deadline),
                clauses=", ".join(clause_phrase(label) for label in labels),
            ),
            event.seq,
        ),
    )


def _on_snapshot_frozen(session: Session, event: AuditEvent) -> None:
    draft = session.get_one(Draft, event.draft_id)
    snapshot = session.get_one(Snapshot, _object_id(event))
    label, title = snapshot.label, draft.title
    tell(
        session,
        _except(followers(session, [f"draft:{draft.slug}"]), event.actor_id),
        Telling(
            Kind.SNAPSHOT,
            event.object,
            draft,
            "",
            f"/drafts/{draft.slug}/snapshots/{snapshot.id}",
            lambda: _("New snapshot of «%(draft)s»: «%(label)s».", draft=title, label=label),
            event.seq,
        ),
    )


def _on_session_convened(session: Session, event: AuditEvent) -> None:
    """Every active member of the working group is told: a session is for all of them."""
    draft = session.get_one(Draft, event.draft_id)
    members = session.exec(select(Member.id).where(col(Member.is_active).is_(True))).all()
    number, title = event.details.get("number"), event.details.get("title", "")
    place = event.details.get("place", "")
    starts_at = datetime.fromisoformat(str(event.details["starts_at"]))
    tell(
        session,
        _except([m for m in members if m is not None], event.actor_id),
        Telling(
            Kind.SESSION,
            event.object,
            draft,
            "",
            f"/sessions/{_object_id(event)}",
            lambda: _(
                "Session %(n)s of «%(draft)s» is convened: «%(title)s», %(date)s, %(place)s.",
                n=number,
                draft=draft.title,
                title=title,
                date=format_datetime(starts_at),
                place=place,
            ),
            event.seq,
        ),
    )


_HANDLERS: dict[str, Callable[[Session, AuditEvent], None]] = {
    "meeting.convened": _on_session_convened,
    "amendment.submitted": _on_amendment_submitted,
    "amendment.accepted": _on_amendment_decided,
    "amendment.rejected": _on_amendment_decided,
    "provision.revised": _on_provision_revised,
    "comment.added": _on_comment_added,
    "comment.hidden": _on_comment_hidden,
    "comment.disposed": _on_comment_answered,
    "amendment.supported": _on_amendment_supported,
    "amendment.proposal_published": _on_proposal_published,
    "position.recorded": _on_position_recorded,
    "round.opened": _on_round_opened,
    "snapshot.frozen": _on_snapshot_frozen,
}


def voting_members_without_position(
    session: Session, round_: ConsensusRound
) -> dict[int, list[str]]:
    """For a round's reminder: each voting member → the round's clauses (uids) on whose current
    text they have not taken a position."""
    clauses = session.exec(
        select(Provision.id, Provision.uid, Provision.current_version)
        .join(RoundClause, col(RoundClause.provision_id) == col(Provision.id))
        .where(RoundClause.round_id == round_.id)
    ).all()
    voters = session.exec(
        select(Member.id).where(
            col(Member.role).in_([str(role) for role in VOTING_ROLES]),
            col(Member.is_active).is_(True),
        )
    ).all()
    taken = set(
        session.exec(
            select(Position.member_id, Position.provision_id, Position.version).where(
                col(Position.provision_id).in_([c[0] for c in clauses])
            )
        ).all()
    )
    missing: dict[int, list[str]] = {}
    for member_id in voters:
        assert member_id is not None
        for provision_id, uid, version in clauses:
            if (member_id, provision_id, version) not in taken:
                missing.setdefault(member_id, []).append(uid)
    return missing
