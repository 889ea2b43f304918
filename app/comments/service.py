"""Comments: add, reply, edit for a short while (history kept), hide with a reason."""

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta

from sqlmodel import Session, col, func, select

from app.audit import service as audit
from app.audit.service import actor_of
from app.comments.anchoring import find_quote, reanchor
from app.comments.models import Comment, CommentRevision
from app.core.cache import RevisionCache
from app.core.errors import Forbidden, InvalidInput, NotFound
from app.core.i18n import N_, _
from app.core.models import as_utc, utcnow
from app.core.pagination import Page, PageRequest, paginate
from app.core.text import TextField, clean, required_reason
from app.drafts import service as drafts
from app.drafts.models import Draft, Provision
from app.intake.models import Channel, Disposition, Receipt
from app.intake.service import Credit, credit, receipts
from app.members.models import Member
from app.members.permissions import Permission, can

BODY = TextField("body", N_("Comment"), 5_000, required=N_("Write the comment."))
EDIT_WINDOW = timedelta(minutes=15)
PAGE_SIZE = 20


class QuoteNotFound(InvalidInput):
    code = "quote_not_found"


def _clean_body(body: str) -> str:
    return BODY.clean("\n".join(line.rstrip() for line in clean(body).split("\n")))


def add_comment(
    session: Session,
    author: Member,
    draft: Draft,
    entry: drafts.OutlineEntry,
    *,
    body: str,
    quote: str | None = None,
    parent_id: int | None = None,
    receipt: Receipt | None = None,
) -> Comment:
    """`receipt`: the secretariat enters, for its sender, a comment received outside Mesa."""
    drafts.ensure_open(draft)
    if not entry.is_clause:
        raise InvalidInput(_("Comments go on articles and dispositions."))
    body = _clean_body(body)
    current = drafts.current_version(session, entry)
    quote = (quote or "").strip() or None
    start = None
    if quote is not None:
        start = find_quote(current.text, quote)
        if start is None:
            raise QuoteNotFound(
                _(
                    "The quoted passage is not in the current text of %(label)s.",
                    label=entry.label.name,
                ),
                field="quote",
            )
    if parent_id is not None:
        parent = session.get(Comment, parent_id)
        if parent is None or parent.provision_id != entry.id:
            raise InvalidInput(_("The comment you reply to is not on this clause."), field="parent")
        parent_id = parent.parent_id or parent.id  # threads are one level deep
    assert draft.id is not None and author.id is not None
    comment = Comment(
        draft_id=draft.id,
        provision_id=entry.id,
        parent_id=parent_id,
        author_id=author.id,
        body=body,
        quote=quote,
        quote_start=start,
        version=current.number,
        receipt_id=receipt.id if receipt else None,
    )
    session.add(comment)
    session.flush()
    details: dict[str, object] = {
        "comment": comment.id,
        "label": entry.label.text,
        "quote": quote or "",
    }
    if receipt is not None:
        details["channel"] = receipt.channel
        if receipt.workshop_id is not None:  # a workshop is public; a person who sent it may not be
            details["workshop"] = receipt.contributor
    audit.record(
        session,
        actor_of(author),
        "comment.added",
        f"provision:{entry.uid}",
        draft_id=draft.id,
        details=details,
    )
    return comment


def get_comment(session: Session, comment_id: int) -> Comment:
    comment = session.get(Comment, comment_id)
    if comment is None:
        raise NotFound(_("There is no such comment."))
    return comment


def can_edit(comment: Comment, member: Member | None, now: datetime | None = None) -> bool:
    return (
        member is not None
        and comment.author_id == member.id
        and comment.hidden_at is None
        and (now or utcnow()) - as_utc(comment.created_at) <= EDIT_WINDOW
    )


def edit_comment(session: Session, author: Member, comment: Comment, body: str) -> None:
    drafts.ensure_open(session.get_one(Draft, comment.draft_id))
    if comment.author_id != author.id:
        raise Forbidden(_("Only its author can edit a comment."))
    if not can_edit(comment, author):
        raise Forbidden(
            _(
                "A comment can be edited for %(n)s minutes after it is written.",
                n=int(EDIT_WINDOW.total_seconds() // 60),
            )
        )
    body = _clean_body(body)
    assert comment.id is not None
    session.add(CommentRevision(comment_id=comment.id, body=comment.body))
    comment.body = body
    comment.edited_at = utcnow()
    session.add(comment)
    session.flush()
    audit.record(
        session,
        actor_of(author),
        "comment.edited",
        f"comment:{comment.id}",
        draft_id=comment.draft_id,
    )


def hide_comment(session: Session, moderator: Member, comment: Comment, reason: str) -> None:
    reason = required_reason(reason)
    if comment.hidden_at is not None:
        return
    comment.hidden_at = utcnow()
    comment.hidden_reason = reason
    comment.hidden_by_id = moderator.id
    session.add(comment)
    session.flush()
    audit.record(
        session,
        actor_of(moderator),
        "comment.hidden",
        f"comment:{comment.id}",
        draft_id=comment.draft_id,
        details={"reason": comment.hidden_reason},
    )


def dispose_comment(
    session: Session, secretariat: Member, comment: Comment, *, disposition: str, reason: str
) -> None:
    """The secretariat's answer to a comment, as the matriz de aportes reports it: accepted,
    partially accepted, not accepted or outside the law's scope, with its published reason.
    It may be revised; the record keeps each."""
    drafts.ensure_open(session.get_one(Draft, comment.draft_id))
    if disposition not in set(Disposition):
        raise InvalidInput(_("Choose what became of the comment."), field="disposition")
    reason = required_reason(reason)
    comment.disposition = disposition
    comment.disposition_reason = reason
    comment.disposed_at = utcnow()
    comment.disposed_by_id = secretariat.id
    session.add(comment)
    session.flush()
    audit.record(
        session,
        actor_of(secretariat),
        "comment.disposed",
        f"comment:{comment.id}",
        draft_id=comment.draft_id,
        details={"disposition": disposition, "reason": reason},
    )


@dataclass
class CommentView:
    comment: Comment
    author: str
    organization: str
    sector: str
    anchored: bool  # the quoted passage still stands, unchanged, in the current text
    revisions: int = 0
    replies: list["CommentView"] = field(default_factory=list)
    editable: bool = False  # the viewer may still edit it (can_edit)
    channel: str = Channel.MESA  # how it reached the secretariat (entered on the sender's behalf)

    @property
    def as_seen(self) -> tuple[object, ...]:
        """All of it that depends on who is looking, replies included: with the draft's
        revision and the viewer's role, it names what the page shows of it."""
        return (self.author, self.organization, self.editable, *(r.as_seen for r in self.replies))


# Comments, their hiding and answers, members' names and the clause's text all move the
# draft's revision.
_threads: RevisionCache[Page[CommentView]] = RevisionCache(size=256)


def thread(
    session: Session,
    draft: Draft,
    entry: drafts.OutlineEntry,
    paging: PageRequest | None = None,
    viewer: Member | None = None,
) -> Page[CommentView]:
    """One page of a clause's comments, each with its replies, as `viewer` sees them: what is
    the same for every reader once per revision of the draft in each process (for requests
    that only read), then which of them the viewer may still edit."""
    paging = paging or PageRequest(per_page=PAGE_SIZE)
    reveal = viewer is not None and can(viewer.role, Permission.RECEIVE)
    key = (draft.cache_key, entry.id, entry.version, paging.page, paging.per_page, reveal)
    shared = _threads.get(session, key, lambda: _thread(session, entry, paging, reveal))
    if viewer is None:
        return shared
    now = utcnow()

    def as_seen(view: CommentView) -> CommentView:
        editable = can_edit(view.comment, viewer, now) and view.comment.receipt_id is None
        return replace(view, editable=editable, replies=[as_seen(r) for r in view.replies])

    return Page([as_seen(v) for v in shared.items], shared.total, shared.page, shared.per_page)


def _thread(
    session: Session, entry: drafts.OutlineEntry, paging: PageRequest, reveal: bool
) -> Page[CommentView]:
    """A fixed number of queries, however many comments."""
    top = paginate(
        session,
        select(Comment)
        .where(Comment.provision_id == entry.id, col(Comment.parent_id).is_(None))
        .order_by(col(Comment.created_at), col(Comment.id)),
        paging,
    )
    replies = session.exec(
        select(Comment)
        .where(col(Comment.parent_id).in_([c.id for c in top.items]))
        .order_by(col(Comment.created_at), col(Comment.id))
    ).all()
    views = _views(session, entry, [*top.items, *replies], reveal=reveal)
    for reply in replies:
        assert reply.parent_id is not None
        views[reply.parent_id].replies.append(views[reply.id])
    return Page([views[c.id] for c in top.items], top.total, top.page, top.per_page)


def comment_list(
    session: Session, entry: drafts.OutlineEntry, paging: PageRequest
) -> Page[CommentView]:
    """A clause's comments and replies as one list in the order they were made (the API's)."""
    found = paginate(
        session,
        select(Comment)
        .where(Comment.provision_id == entry.id)
        .order_by(col(Comment.created_at), col(Comment.id)),
        paging,
    )
    views = _views(session, entry, found.items)
    return Page([views[c.id] for c in found.items], found.total, found.page, found.per_page)


def view_of(
    session: Session, entry: drafts.OutlineEntry, comment: Comment, viewer: Member
) -> CommentView:
    """One comment as `viewer` sees it (the API's answer to a change)."""
    reveal = can(viewer.role, Permission.RECEIVE)
    view = _views(session, entry, [comment], reveal=reveal)[comment.id]
    view.editable = can_edit(comment, viewer) and comment.receipt_id is None
    return view


def _views(
    session: Session,
    entry: drafts.OutlineEntry,
    comments: Sequence[Comment],
    *,
    reveal: bool = False,
) -> dict[int | None, CommentView]:
    """What is shown of each comment, the same for every reader (`reveal`: the secretariat,
    who sees reserved names): its author, whether its passage still stands, how often it was
    edited; three queries whatever the number of comments."""
    people = {
        m.id: m
        for m in session.exec(
            select(Member).where(col(Member.id).in_({c.author_id for c in comments}))
        ).all()
    }
    revisions = dict(
        session.exec(
            select(CommentRevision.comment_id, func.count())
            .where(col(CommentRevision.comment_id).in_([c.id for c in comments]))
            .group_by(col(CommentRevision.comment_id))
        ).all()
    )
    texts = _version_texts(session, entry, {c.version for c in comments if c.quote})
    received = receipts(session, (c.receipt_id for c in comments))

    def view(comment: Comment) -> CommentView:
        receipt = received.get(comment.receipt_id) if comment.receipt_id else None
        author = credit(people[comment.author_id], receipt, comment.created_at, reveal=reveal)
        anchored = True
        if comment.quote and comment.version != entry.version:
            anchored = (
                reanchor(
                    texts[comment.version],
                    comment.quote_start or 0,
                    comment.quote,
                    texts[entry.version],
                )
                is not None
            )
        return CommentView(
            # A copy bound to no session: views are kept by revision beyond the request, whose
            # rollback would expire the session's own instance.
            Comment.model_validate(comment.model_dump()),
            author.name,
            author.organization,
            author.sector,
            anchored,
            revisions.get(comment.id or 0, 0),
            channel=author.channel,
        )

    return {c.id: view(c) for c in comments}


def _version_texts(
    session: Session, entry: drafts.OutlineEntry, numbers: set[int]
) -> dict[int, str]:
    """The texts quotes were taken from and the current one, as they read now."""
    if not numbers:
        return {}
    found = drafts.versions_of(session, entry, numbers | {entry.version})
    return {number: version.text for number, version in found.items()}


def with_authors(session: Session, draft: Draft) -> list[tuple[Comment, Credit, str]]:
    """Every comment on a draft in order, with who it is credited to (its author, or the person
    the secretariat entered it for) and its provision's uid: one query."""
    rows = session.exec(
        select(Comment, Member, Receipt, Provision.uid)
        .join(Member, col(Member.id) == Comment.author_id)
        .outerjoin(Receipt, col(Receipt.id) == Comment.receipt_id)
        .join(Provision, col(Provision.id) == Comment.provision_id)
        .where(Comment.draft_id == draft.id)
        .order_by(col(Comment.id))
    ).all()
    return [(c, credit(m, r, c.created_at), uid) for c, m, r, uid in rows]


@dataclass
class CommentContribution:
    comment: Comment
    draft_slug: str
    uid: str


def contributions(session: Session, member: Member, limit: int = 50) -> list[CommentContribution]:
    """A member's latest comments, with where they were made."""
    rows = session.exec(
        select(Comment, Draft.slug, Provision.uid)
        .join(Draft, col(Draft.id) == Comment.draft_id)
        .join(Provision, col(Provision.id) == Comment.provision_id)
        .where(Comment.author_id == member.id, col(Comment.receipt_id).is_(None))
        .order_by(col(Comment.id).desc())
        .limit(limit)
    ).all()
    return [CommentContribution(c, slug, uid) for c, slug, uid in rows]
