"""Adhesions (members co-signing a pending amendment), the secretariat's proposed handling
published before it decides, and a draft's minimum support before an amendment reaches the
merge queue. State changes check their rules and write their audit event; the readers below
change nothing.

An amendment's support is counted by organization and by sector, the author's first: one
organization's ten members are one organization. A member without an organization stands
for themself.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from sqlalchemy import case, union_all
from sqlmodel import Session, col, func, select

from app.amendments.models import (
    Adhesion,
    Amendment,
    AmendmentKind,
    AmendmentProposal,
    AmendmentStatus,
    ProposalKind,
    SupportRule,
)
from app.amendments.service import AlreadyDecided
from app.audit import service as audit
from app.audit.service import actor_of
from app.core.db import unique_or
from app.core.errors import Conflict, Forbidden, InvalidInput, NotFound
from app.core.i18n import N_, _, ngettext
from app.core.models import utcnow
from app.core.text import TextField
from app.drafts import editing, structure
from app.drafts import service as drafts
from app.drafts.models import Draft
from app.intake.models import Receipt
from app.intake.service import credit
from app.members.models import Member, Sector
from app.members.permissions import Permission, can

NOTE = TextField(
    "note",
    N_("Note"),
    2_000,
    required=N_("Explain the proposal: the note is required."),
)
# A rule asking for more than this is a typing error: no working group has so many.
MAX_ORGANIZATIONS = 200


class AlreadySupported(Conflict):
    code = "already_supported"


class OwnAmendment(Conflict):
    code = "own_amendment"


# Reading --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Supporter:
    name: str
    organization: str
    sector: str


@dataclass
class Support:
    """Who stands behind an amendment: its author, then each adhesion in order."""

    author: Supporter
    supporters: list[Supporter] = field(default_factory=list)  # the adhesions, oldest first

    @cached_property  # asked once the supporters are all in
    def organizations(self) -> list[str]:
        """Each organization once, the author's first."""
        seen: dict[str, str] = {}
        for person in [self.author, *self.supporters]:
            name = person.organization.strip() or person.name
            seen.setdefault(name.lower(), name)  # as pending_breadths counts them
        return list(seen.values())

    @cached_property
    def sectors(self) -> list[str]:
        return list(dict.fromkeys(p.sector for p in [self.author, *self.supporters]))

    @property
    def count(self) -> int:
        """How many members adhered (the author not counted)."""
        return len(self.supporters)

    @property
    def breadth(self) -> tuple[int, int]:
        """What the queue sorts by: sectors first, then organizations."""
        return (len(self.sectors), len(self.organizations))

    def meets(self, rule: "Rule") -> bool:
        return rule.allows(self.breadth)


def support_phrase(support: Support) -> str:
    """ "Supported by 4 organizations from 3 sectors", in the reader's language."""
    organizations = ngettext(
        "%(num)s organization", "%(num)s organizations", len(support.organizations)
    )
    sectors = ngettext("%(num)s sector", "%(num)s sectors", len(support.sectors))
    return _("Supported by %(organizations)s from %(sectors)s", organizations=organizations,
             sectors=sectors)  # fmt: skip


def supports(session: Session, amendments: Sequence[Amendment]) -> dict[int, Support]:
    """The support of each amendment, by id."""
    return supports_of_ids(session, [a.id for a in amendments if a.id is not None])


def supports_of_ids(session: Session, amendment_ids: Iterable[int]) -> dict[int, Support]:
    """The support of each amendment, by id: two queries of a few columns whatever their
    number (the merge queue counts every pending amendment's)."""
    ids = set(amendment_ids)
    if not ids:
        return {}
    person = (col(Member.name), col(Member.organization), col(Member.sector))
    authors = session.exec(
        select(Amendment, Member, Receipt)
        .join(Member, col(Member.id) == Amendment.author_id)
        .outerjoin(Receipt, col(Receipt.id) == Amendment.receipt_id)
        .where(col(Amendment.id).in_(ids))
    ).all()
    found = {}
    for amendment, author, receipt in authors:
        # Entered for someone who wrote in: their organization is the first, not the secretariat.
        by = credit(author, receipt, amendment.created_at)
        found[amendment.id or 0] = Support(Supporter(by.name, by.organization, by.sector))
    rows = session.exec(
        select(col(Adhesion.amendment_id), *person)
        .join(Member, col(Member.id) == Adhesion.member_id)
        .where(col(Adhesion.amendment_id).in_(ids))
        .order_by(col(Adhesion.id))
    ).all()
    for amendment_id, *who in rows:
        found[amendment_id].supporters.append(Supporter(*who))
    return found


def _organization_key(member: type[Member]) -> Any:
    """An organization as counted in SQL: its name without case, or the person's own."""
    name = func.trim(col(member.organization))
    return func.lower(case((name == "", col(member.name)), else_=name))


def pending_breadths(session: Session, draft: Draft) -> dict[int, tuple[int, int]]:
    """(sectors, organizations) behind each pending amendment of the draft, counted in SQL:
    what the merge queue sorts and filters by, in one query whatever their number."""
    pending = (Amendment.draft_id == draft.id, Amendment.status == AmendmentStatus.SUBMITTED)
    received = func.trim(col(Receipt.organization))
    backers = union_all(
        select(
            col(Amendment.id).label("amendment_id"),
            case(  # entered for someone who wrote in: their organization, not the secretariat's
                (
                    col(Receipt.id).is_not(None),
                    func.lower(case((received == "", col(Receipt.contributor)), else_=received)),
                ),
                else_=_organization_key(Member),
            ).label("organization"),
            func.coalesce(col(Receipt.sector), col(Member.sector)).label("sector"),
        )
        .join(Member, col(Member.id) == Amendment.author_id)
        .outerjoin(Receipt, col(Receipt.id) == Amendment.receipt_id)
        .where(*pending),
        select(
            col(Adhesion.amendment_id),
            _organization_key(Member),
            col(Member.sector),
        )
        .join(Member, col(Member.id) == Adhesion.member_id)
        .join(Amendment, col(Amendment.id) == Adhesion.amendment_id)
        .where(*pending),
    ).subquery()
    rows = session.exec(
        select(
            backers.c.amendment_id,
            func.count(func.distinct(backers.c.sector)),
            func.count(func.distinct(backers.c.organization)),
        ).group_by(backers.c.amendment_id)
    ).all()
    return {int(a): (int(sectors), int(organizations)) for a, sectors, organizations in rows}


def support_of(session: Session, amendment: Amendment) -> Support:
    assert amendment.id is not None
    return supports(session, [amendment])[amendment.id]


def supporter_ids(session: Session, amendment: Amendment) -> set[int]:
    return set(
        session.exec(select(Adhesion.member_id).where(Adhesion.amendment_id == amendment.id)).all()
    )


def proposals(session: Session, amendment_ids: Iterable[int]) -> dict[int, AmendmentProposal]:
    ids = set(amendment_ids)
    if not ids:
        return {}
    rows = session.exec(
        select(AmendmentProposal).where(col(AmendmentProposal.amendment_id).in_(ids))
    ).all()
    return {row.amendment_id: row for row in rows}


def proposal_of(session: Session, amendment: Amendment) -> AmendmentProposal | None:
    assert amendment.id is not None
    return proposals(session, [amendment.id]).get(amendment.id)


def proposal_text(proposal: AmendmentProposal, entry: drafts.OutlineEntry | None) -> str | None:
    """An accept-with-modifications proposal's text as it reads now (its references follow
    renumberings, as an amendment's do)."""
    if proposal.text is None or entry is None:
        return proposal.text
    return structure.render(proposal.text, entry.numbering, own_uid=entry.uid)


@dataclass(frozen=True)
class SupportSummary:
    """For tables that list amendments (the matriz de aportes): who backs each one and what the
    secretariat proposes."""

    organizations: list[str]
    sectors: list[str]  # Sector values, in the order they joined
    count: int  # the members who adhered, the author not counted
    phrase: str  # "Supported by 4 organizations from 3 sectors"
    proposal: str | None  # accept, accept_modified or reject
    proposal_note: str | None
    followed: bool | None  # once decided: whether the decision followed the proposal


def support_summaries(session: Session, amendment_ids: Sequence[int]) -> dict[int, SupportSummary]:
    """The support and the secretariat's proposal of each amendment, by id: a fixed number of
    queries. Ids of no amendment are left out."""
    found = supports_of_ids(session, amendment_ids)
    published = proposals(session, found)
    summaries = {}
    for amendment_id, support in found.items():
        proposal = published.get(amendment_id)
        summaries[amendment_id] = SupportSummary(
            organizations=support.organizations,
            sectors=support.sectors,
            count=support.count,
            phrase=support_phrase(support),
            proposal=proposal.proposal if proposal else None,
            proposal_note=proposal.note if proposal else None,
            followed=proposal.followed if proposal else None,
        )
    return summaries


@dataclass(frozen=True)
class Rule:
    """The minimum support before an amendment reaches the merge queue (1 and 1: none)."""

    min_organizations: int = 1
    min_sectors: int = 1

    @property
    def is_set(self) -> bool:
        return (self.min_organizations, self.min_sectors) != (1, 1)

    def allows(self, breadth: tuple[int, int]) -> bool:
        sectors, organizations = breadth
        return organizations >= self.min_organizations and sectors >= self.min_sectors


def get_rule(session: Session, draft: Draft) -> Rule:
    stored = session.exec(select(SupportRule).where(SupportRule.draft_id == draft.id)).first()
    return Rule(stored.min_organizations, stored.min_sectors) if stored else Rule()


# Changing -------------------------------------------------------------------------------------


def _pending_locked(session: Session, amendment: Amendment) -> Draft:
    """Reads the amendment again under a shared lock on PostgreSQL: a decision (an UPDATE of
    the row) waits for this transaction, and one that got there first is seen. Adhesions of
    different members take the shared lock together."""
    draft = session.get_one(Draft, amendment.draft_id)
    drafts.ensure_open(draft)
    session.exec(
        select(Amendment)
        .where(Amendment.id == amendment.id)
        .with_for_update(read=True)
        .execution_options(populate_existing=True)
    ).one()
    if amendment.status != AmendmentStatus.SUBMITTED:
        raise AlreadyDecided(_("This amendment has already been decided or withdrawn."))
    return draft


def adhere(session: Session, member: Member, amendment: Amendment) -> Adhesion:
    """`member` co-signs a pending amendment."""
    if not can(member.role, Permission.AMEND):
        raise Forbidden(_("Only members of the working group can adhere to an amendment."))
    _pending_locked(session, amendment)
    if amendment.author_id == member.id:
        raise OwnAmendment(
            _("You are the author of this amendment: your organization already counts first.")
        )
    assert amendment.id is not None and member.id is not None
    twice = AlreadySupported(_("You already adhere to this amendment."))
    if member.id in supporter_ids(session, amendment):
        raise twice
    adhesion = Adhesion(amendment_id=amendment.id, member_id=member.id)
    with unique_or(session, twice):  # the same adhesion sent twice at once
        session.add(adhesion)
    audit.record(
        session,
        actor_of(member),
        "amendment.supported",
        f"amendment:{amendment.id}",
        draft_id=amendment.draft_id,
        details={"organization": member.organization, "sector": member.sector},
    )
    return adhesion


def withdraw_adhesion(session: Session, member: Member, amendment: Amendment) -> None:
    """`member` withdraws their adhesion, while the amendment is pending."""
    _pending_locked(session, amendment)
    adhesion = session.exec(
        select(Adhesion).where(
            Adhesion.amendment_id == amendment.id, Adhesion.member_id == member.id
        )
    ).first()
    if adhesion is None:
        raise NotFound(_("You do not adhere to this amendment."))
    session.delete(adhesion)
    session.flush()
    audit.record(
        session,
        actor_of(member),
        "amendment.support_withdrawn",
        f"amendment:{amendment.id}",
        draft_id=amendment.draft_id,
        details={"organization": member.organization, "sector": member.sector},
    )


def publish_proposal(
    session: Session,
    secretariat: Member,
    amendment: Amendment,
    *,
    proposal: str,
    note: str,
    text: str | None = None,
) -> AmendmentProposal:
    """Publishes (or publishes again) how the secretariat proposes to handle a pending
    amendment. Accepting with modifications carries the proposed text of the clause."""
    draft = _pending_locked(session, amendment)
    if proposal not in set(ProposalKind):
        raise InvalidInput(_("Choose how the secretariat proposes to handle it."), field="proposal")
    note = NOTE.clean(note)
    if proposal == ProposalKind.ACCEPT_MODIFIED:
        if amendment.kind != AmendmentKind.MODIFY:
            raise InvalidInput(
                _("Only an amendment that modifies a clause can be accepted with modifications."),
                field="proposal",
            )
        if not (text or "").strip():
            raise InvalidInput(
                _("Write the text the secretariat proposes for the clause."), field="text"
            )
        text, _heading = editing.clean_text(text or "", heading=None)
        outline = drafts.load_outline(session, draft)
        entry = next((e for e in outline.entries if e.id == amendment.provision_id), None)
        if entry is not None:
            text = outline.bind(text, uid=entry.uid).text
    else:
        text = None
    assert amendment.id is not None and secretariat.id is not None
    stored = session.exec(
        select(AmendmentProposal).where(AmendmentProposal.amendment_id == amendment.id)
    ).first()
    before = stored.proposal if stored else None
    stored = stored or AmendmentProposal(
        amendment_id=amendment.id, proposal=proposal, note=note, proposed_by_id=secretariat.id
    )
    stored.proposal, stored.note, stored.text = proposal, note, text
    stored.proposed_by_id, stored.proposed_at = secretariat.id, utcnow()
    twin = Conflict(
        _("Someone else published a proposal at the same moment: reload the amendment.")
    )
    with unique_or(session, twin):  # the first proposal, published twice at once
        session.add(stored)
    audit.record(
        session,
        actor_of(secretariat),
        "amendment.proposal_published",
        f"amendment:{amendment.id}",
        draft_id=amendment.draft_id,
        details={"proposal": proposal, "note": note, "before": before},
    )
    return stored


def set_rule(
    session: Session, secretariat: Member, draft: Draft, *, min_organizations: int, min_sectors: int
) -> Rule:
    """Sets the draft's minimum support before an amendment reaches the merge queue."""
    drafts.ensure_open(draft)
    if not 1 <= min_organizations <= MAX_ORGANIZATIONS:
        raise InvalidInput(
            _("Between 1 and %(n)s organizations.", n=MAX_ORGANIZATIONS),
            field="min_organizations",
        )
    if not 1 <= min_sectors <= len(Sector):
        raise InvalidInput(_("Between 1 and %(n)s sectors.", n=len(Sector)), field="min_sectors")
    if min_sectors > min_organizations:
        raise InvalidInput(
            _("Each sector needs an organization: ask for at least as many organizations."),
            field="min_organizations",
        )
    assert draft.id is not None
    stored = session.exec(select(SupportRule).where(SupportRule.draft_id == draft.id)).first()
    before = Rule(stored.min_organizations, stored.min_sectors) if stored else Rule()
    stored = stored or SupportRule(draft_id=draft.id)
    stored.min_organizations, stored.min_sectors = min_organizations, min_sectors
    twin = Conflict(
        _("The rule was changed by someone else at the same moment: reload it and try again.")
    )
    with unique_or(session, twin):
        session.add(stored)
    rule = Rule(min_organizations, min_sectors)
    audit.record(
        session,
        actor_of(secretariat),
        "amendment.support_rule_changed",
        f"draft:{draft.slug}",
        draft_id=draft.id,
        details={"before": before.__dict__, "after": rule.__dict__},
    )
    return rule
