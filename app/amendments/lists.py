"""What is pending and what was decided, for reading: a draft's amendments, the merge queue
with what accepting each would do now, and a member's own contributions. Nothing here changes a row.
"""

from dataclasses import dataclass

from sqlmodel import Session, col, func, select

from app.amendments import merging, support
from app.amendments.models import Amendment, AmendmentKind, AmendmentProposal, AmendmentStatus
from app.amendments.service import proposed_text
from app.amendments.support import Support
from app.core.pagination import Page, PageRequest, paginate
from app.drafts import diffing
from app.drafts import service as drafts
from app.drafts.models import Draft, Provision
from app.intake.models import Receipt
from app.intake.service import Credit, credit
from app.members.models import Member

PAGE_SIZE = 25


# Lists ---------------------------------------------------------------------------------------


@dataclass
class AmendmentRow:
    amendment: Amendment
    author: str
    organization: str
    sector: str
    uid: str


def list_amendments(
    session: Session,
    draft: Draft,
    *,
    status: str | None = None,
    provision_id: int | None = None,
    author_id: int | None = None,
    sector: str | None = None,
    paging: PageRequest | None = None,
) -> Page[AmendmentRow]:
    """A draft's amendments, newest first, with their authors: two queries."""
    conditions = [Amendment.draft_id == draft.id]
    if status:
        conditions.append(Amendment.status == status)
    if provision_id is not None:
        conditions.append(Amendment.provision_id == provision_id)
    if author_id is not None:
        conditions.append(Amendment.author_id == author_id)
    if sector:
        conditions.append(Member.sector == sector)
    found = paginate(
        session,
        select(Amendment, Member, Receipt, Provision.uid)
        .join(Member, col(Member.id) == Amendment.author_id)
        .outerjoin(Receipt, col(Receipt.id) == Amendment.receipt_id)
        .join(Provision, col(Provision.id) == Amendment.provision_id)
        .where(*conditions)
        .order_by(col(Amendment.id).desc()),
        paging or PageRequest(per_page=PAGE_SIZE),
    )
    rows = []
    for a, m, r, uid in found.items:
        by = credit(m, r, a.created_at)
        rows.append(AmendmentRow(a, by.name, by.organization, by.sector, uid))
    return Page(rows, found.total, found.page, found.per_page)


# The merge queue --------------------------------------------------------------------------------


@dataclass
class QueueItem:
    amendment: Amendment
    author: str
    organization: str
    sector: str
    outcome: str  # fast_forward, clean, obsolete, conflict; "insert" / "delete" for those kinds
    base_text: str
    proposed_text: str
    merged_text: str | None
    competes_with: list[int]  # other pending amendments editing the same passage
    # What accepting it would change: from the current text once rebased, else from its base.
    ops: list[tuple[diffing.Op, str]]
    support: Support
    proposal: AmendmentProposal | None = None


@dataclass
class QueueGroup:
    entry: drafts.OutlineEntry
    current_text: str
    items: list[QueueItem]


@dataclass
class Queue:
    groups: Page[QueueGroup]  # a page of the clauses with pending amendments
    pending: int  # the amendments in the queue, as filtered
    rule: support.Rule
    gathering: int = 0  # pending amendments still short of the draft's minimum support


# How the queue can be ordered: the document's order, or the broadest support first.
QUEUE_SORTS = ("document", "support")


def pending_by_clause(session: Session, draft: Draft) -> dict[int, int]:
    """How many of the draft's amendments wait for a decision, by provision id."""
    return dict(
        session.exec(
            select(Amendment.provision_id, func.count())
            .where(Amendment.draft_id == draft.id, Amendment.status == AmendmentStatus.SUBMITTED)
            .group_by(col(Amendment.provision_id))
        ).all()
    )


def pending_count(session: Session, draft: Draft) -> int:
    """How many of the draft's amendments wait for a decision."""
    return sum(pending_by_clause(session, draft).values())


def merge_queue(
    session: Session,
    draft: Draft,
    *,
    paging: PageRequest,
    sort: str = "document",
    min_organizations: int = 0,
    min_sectors: int = 0,
) -> Queue:
    """Pending amendments grouped by clause, each with what accepting it would do now and who
    supports it. Amendments short of the draft's minimum support wait outside the queue.
    `sort`: "document" (the clauses in document order) or "support" (the clause with the
    broadest supported amendment first, and within a clause the broadest first); the minimums
    filter by breadth of support. A fixed number of queries per page."""
    outline = drafts.load_outline(session, draft)
    order = {entry.id: index for index, entry in enumerate(outline.entries)}
    pending: list[tuple[int, int]] = [
        (int(amendment_id or 0), provision_id)
        for amendment_id, provision_id in session.exec(
            select(col(Amendment.id), col(Amendment.provision_id))
            .where(Amendment.draft_id == draft.id, Amendment.status == AmendmentStatus.SUBMITTED)
            .order_by(col(Amendment.id))
        ).all()
        if provision_id in order
    ]
    rule = support.get_rule(session, draft)
    asked = support.Rule(max(min_organizations, 1), max(min_sectors, 1))
    gathering = 0
    if rule.is_set or asked.is_set or sort == "support":  # every pending one's support counts
        breadths = support.pending_breadths(session, draft)
        eligible = [(a, p) for a, p in pending if rule.allows(breadths[a])]
        gathering = len(pending) - len(eligible)
        pending = [(a, p) for a, p in eligible if asked.allows(breadths[a])]
        if sort == "support":
            pending.sort(key=lambda row: _by_support(breadths[row[0]], order[row[1]]))
    clause_ids = list(dict.fromkeys(p for _a, p in pending))
    if sort != "support":
        clause_ids.sort(key=order.__getitem__)
    shown = Page.of(clause_ids, paging).items
    chosen = [a for a, p in pending if p in set(shown)]
    backing = support.supports_of_ids(session, chosen)
    found = {
        amendment.id: (amendment, credit(author, receipt, amendment.created_at))
        for amendment, author, receipt in session.exec(
            select(Amendment, Member, Receipt)
            .join(Member, col(Member.id) == Amendment.author_id)
            .outerjoin(Receipt, col(Receipt.id) == Amendment.receipt_id)
            .where(col(Amendment.id).in_(chosen))
        ).all()
    }
    rows = [found[a] for a in chosen]
    published = support.proposals(session, chosen)
    entries = {entry.id: entry for entry in outline.entries if entry.id in set(shown)}
    wanted = {(e.id, e.version) for e in entries.values()} | {
        (a.provision_id, a.base_version) for a, _m in rows if a.base_version is not None
    }
    texts = {
        (pid, number): drafts.shown(entries[pid], text)
        for (pid, number), (_heading, text) in drafts.version_texts(session, wanted).items()
    }
    groups: dict[int, QueueGroup] = {
        pid: QueueGroup(entries[pid], texts[(pid, entries[pid].version)], []) for pid in shown
    }
    for amendment, author in rows:
        group = groups[amendment.provision_id]
        base_text = texts.get((amendment.provision_id, amendment.base_version or 0), "")
        proposed = proposed_text(amendment, group.entry)
        outcome, merged, ops = amendment.kind, None, []
        if amendment.kind == AmendmentKind.MODIFY and amendment.text is not None:
            result = merging.rebase(base_text, proposed, group.current_text)
            outcome, merged = result.outcome, result.text
        if amendment.kind == AmendmentKind.MODIFY:
            # Against the current text: what accepting it changes, or for a conflict what it
            # would have the current text say.
            ops = diffing.word_diff(group.current_text, merged or proposed)
        group.items.append(
            QueueItem(
                amendment,
                author.name,
                author.organization,
                author.sector,
                outcome,
                base_text,
                proposed,
                merged,
                [],
                ops,
                backing[amendment.id or 0],
                published.get(amendment.id or 0),
            )
        )
    for group in groups.values():
        _mark_competing(group.items)
    page = Page(list(groups.values()), len(clause_ids), paging.page, paging.per_page)
    return Queue(page, len(pending), rule, gathering=gathering)


def _by_support(breadth: tuple[int, int], place: int) -> tuple[int, int, int]:
    """The broadest first (sectors, then organizations); the document's order among equals."""
    sectors, organizations = breadth
    return (-sectors, -organizations, place)


def _mark_competing(items: list[QueueItem]) -> None:
    """Notes, for each pending amendment of a clause, the others it competes with."""
    edits = {
        id(item): merging.edits(item.base_text, item.proposed_text)
        for item in items
        if item.amendment.kind == AmendmentKind.MODIFY
    }
    for item in items:
        item.competes_with = [
            other.amendment.id
            for other in items
            if other is not item and other.amendment.id and _compete(item, other, edits)
        ]


def _compete(a: QueueItem, b: QueueItem, edits: dict[int, list[merging.Edit]]) -> bool:
    """Deleting a clause competes with any other change to it; two modifications compete when
    their edits of the same base touch one passage."""
    kinds = {a.amendment.kind, b.amendment.kind}
    if AmendmentKind.DELETE in kinds:
        return AmendmentKind.INSERT not in kinds
    if kinds != {AmendmentKind.MODIFY} or a.amendment.base_version != b.amendment.base_version:
        return False
    return merging.collide(edits[id(a)], edits[id(b)])


def with_authors(session: Session, draft: Draft) -> list[tuple[Amendment, Credit, str]]:
    """Every amendment of a draft in order, with who it is credited to (its author, or the
    person the secretariat entered it for) and its provision's uid."""
    rows = session.exec(
        select(Amendment, Member, Receipt, Provision.uid)
        .join(Member, col(Member.id) == Amendment.author_id)
        .outerjoin(Receipt, col(Receipt.id) == Amendment.receipt_id)
        .join(Provision, col(Provision.id) == Amendment.provision_id)
        .where(Amendment.draft_id == draft.id)
        .order_by(col(Amendment.id))
    ).all()
    return [(a, credit(m, r, a.created_at), uid) for a, m, r, uid in rows]


# A member's own contributions -------------------------------------------------------------------


@dataclass
class Contribution:
    amendment: Amendment
    draft: Draft
    uid: str
    label: str
    support: Support | None = None
    # Pending and still short of its draft's minimum support: not in the merge queue yet.
    gathering: bool = False


def contributions(session: Session, member: Member, paging: PageRequest) -> Page[Contribution]:
    found = paginate(
        session,
        select(Amendment, Draft, Provision.uid)
        .join(Draft, col(Draft.id) == Amendment.draft_id)
        .join(Provision, col(Provision.id) == Amendment.provision_id)
        .where(Amendment.author_id == member.id)
        .order_by(col(Amendment.id).desc()),
        paging,
    )
    rows = found.items
    labels: dict[int, dict[str, str]] = {}
    for _amendment, draft, _uid in rows:
        if draft.id not in labels:
            assert draft.id is not None
            labels[draft.id] = {
                e.uid: e.label.text for e in drafts.load_outline(session, draft).entries
            }
    backing = support.supports(session, [a for a, _d, _uid in rows])
    rules = {d.id: support.get_rule(session, d) for _a, d, _uid in rows}
    items = [
        Contribution(
            a,
            d,
            uid,
            labels[d.id or 0].get(uid, "—"),
            backing.get(a.id or 0),
            a.status == AmendmentStatus.SUBMITTED and not backing[a.id or 0].meets(rules[d.id]),
        )
        for a, d, uid in rows
    ]
    return Page(items, found.total, found.page, found.per_page)


@dataclass
class Citable:
    """Another amendment of the clause a merged text may draw on, named as people know it."""

    id: int
    organization: str
    summary: str  # the first line of its rationale


def citable(session: Session, amendment: Amendment) -> list[Citable]:
    """The other amendments of the clause a merged text may draw on: any not withdrawn."""
    others = session.exec(
        select(Amendment)
        .where(
            Amendment.provision_id == amendment.provision_id,
            Amendment.status != AmendmentStatus.WITHDRAWN,
            Amendment.id != amendment.id,
        )
        .order_by(col(Amendment.id))
    ).all()
    authors = {
        m.id: m
        for m in session.exec(
            select(Member).where(col(Member.id).in_({a.author_id for a in others}))
        ).all()
    }
    return [
        Citable(
            other.id or 0,
            authors[other.author_id].organization or authors[other.author_id].name,
            (other.rationale.strip().split("\n") or [""])[0][:120],
        )
        for other in others
    ]
