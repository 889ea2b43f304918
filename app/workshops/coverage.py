"""Who has been heard on each article: by region, sector and gender, through Mesa, receipts and
workshops; the secretariat's alert before a round closes, and the rule that a round may not
close without hearing from chosen regions."""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from sqlmodel import Session, col, select

from app.amendments.models import Amendment
from app.audit import service as audit
from app.audit.service import actor_of
from app.comments.models import Comment
from app.consensus import disclosure
from app.consensus.models import PositionRecord
from app.core.errors import Conflict, Forbidden, InvalidInput
from app.core.i18n import _
from app.drafts import service as drafts
from app.drafts.models import Draft
from app.intake.models import Receipt
from app.members.models import REGIONS, Gender, Member
from app.members.permissions import Permission, can
from app.workshops.models import CoverageRule, Workshop, WorkshopStance

# The regions where most artisanal and small-scale mining happens: heard from unless the
# secretariat chooses others.
MINING_REGIONS = ("Arequipa", "Ayacucho", "La Libertad", "Madre de Dios", "Puno")


@dataclass
class Heard:
    """Who was heard on one article. `genders`: each member's self-declared gender, in the
    order they first took part (for disclosure); workshop counts are summed apart."""

    regions: dict[str, int] = field(default_factory=dict)
    sectors: dict[str, int] = field(default_factory=dict)
    genders: list[str] = field(default_factory=list)
    workshop_women: int = 0
    workshop_men: int = 0
    workshop_other: int = 0
    _seen: set[tuple[str, int]] = field(default_factory=set)

    def add(self, key: tuple[str, int], region: str, sector: str) -> None:
        if key in self._seen:
            return
        self._seen.add(key)
        if region:
            self.regions[region] = self.regions.get(region, 0) + 1
        if sector:
            self.sectors[sector] = self.sectors.get(sector, 0) + 1

    @property
    def any_woman(self) -> bool:
        return self.workshop_women > 0 or Gender.FEMALE in self.genders

    def public_genders(self) -> disclosure.Breakdown:
        """Members by gender as the public may see them (app/consensus/disclosure.py)."""
        return disclosure.breakdown(self.genders)

    def public_workshop_genders(self) -> dict[str, int]:
        """Workshop participants by gender, rounded, groups that round to zero left out."""
        counts = {
            Gender.FEMALE: self.workshop_women,
            Gender.MALE: self.workshop_men,
            Gender.OTHER: self.workshop_other,
        }
        return {g: disclosure.rounded(n) for g, n in counts.items() if disclosure.rounded(n)}


def heard(
    session: Session, draft: Draft, provision_ids: Iterable[int], *, until: datetime | None = None
) -> dict[int, Heard]:
    """Each article's contributors up to `until` (now when None): comments and amendments,
    through Mesa or received, positions of members, and workshops' stances. Four queries."""
    ids = set(provision_ids)
    found = {pid: Heard() for pid in ids}
    if not ids:
        return found
    events: list[tuple[datetime, int, Member, Receipt | None, Workshop | None]] = []
    for model in (Comment, Amendment):
        contributions = (
            select(model, Member, Receipt, Workshop)
            .join(Member, col(Member.id) == model.author_id)
            .outerjoin(Receipt, col(Receipt.id) == model.receipt_id)
            .outerjoin(Workshop, col(Workshop.id) == Receipt.workshop_id)
            .where(col(model.provision_id).in_(ids))
        )
        if until is not None:
            contributions = contributions.where(model.created_at <= until)
        for made, m, r, w in session.exec(contributions).all():
            assert isinstance(made, Comment | Amendment)
            events.append((made.created_at, made.provision_id, m, r, w))
    positions = (
        select(PositionRecord.created_at, PositionRecord.provision_id, Member)
        .join(Member, col(Member.id) == PositionRecord.member_id)
        .where(col(PositionRecord.provision_id).in_(ids))
    )
    if until is not None:
        positions = positions.where(PositionRecord.created_at <= until)
    events += [(at, pid, m, None, None) for at, pid, m in session.exec(positions).all()]
    stances = (
        select(WorkshopStance.created_at, WorkshopStance.provision_id, Workshop)
        .join(Workshop, col(Workshop.id) == WorkshopStance.workshop_id)
        .where(col(WorkshopStance.provision_id).in_(ids))
    )
    if until is not None:
        stances = stances.where(WorkshopStance.created_at <= until)
    stance_rows = list(session.exec(stances).all())
    for _at, pid, member, receipt, workshop in sorted(events, key=lambda e: (e[0], e[2].id or 0)):
        article = found[pid]
        if workshop is not None:
            _count_workshop(article, workshop, receipt.sector if receipt else "")
        elif receipt is not None:
            article.add(("receipt", receipt.id or 0), receipt.region, receipt.sector)
        else:
            before = len(article._seen)
            article.add(("member", member.id or 0), member.region, member.sector)
            if len(article._seen) > before and member.gender:
                article.genders.append(member.gender)
    for _at, pid, workshop in stance_rows:
        _count_workshop(found[pid], workshop, "")
    return found


def _count_workshop(article: Heard, workshop: Workshop, sector: str) -> None:
    key = ("workshop", workshop.id or 0)
    if key in article._seen:
        if sector:
            article.sectors[sector] = article.sectors.get(sector, 0) + 1
        return
    article.add(key, workshop.region, sector)
    article.workshop_women += workshop.women
    article.workshop_men += workshop.men
    article.workshop_other += workshop.other


# -- the rule and the alert --------------------------------------------------------------


def required_regions(session: Session, draft: Draft) -> tuple[str, ...]:
    """The regions the secretariat chose; none chosen: no rule."""
    rule = session.exec(select(CoverageRule).where(CoverageRule.draft_id == draft.id)).first()
    return tuple(r for r in (rule.regions.splitlines() if rule else []) if r in REGIONS)


def set_required_regions(
    session: Session, actor: Member, draft: Draft, regions: Sequence[str]
) -> CoverageRule:
    if not can(actor.role, Permission.RUN_ROUNDS):
        raise Forbidden(_("Only the secretariat sets the coverage a round requires."))
    drafts.ensure_open(draft)
    chosen = list(dict.fromkeys(regions))
    if any(r not in REGIONS for r in chosen):
        raise InvalidInput(_("Choose regions from the list."), field="regions")
    assert draft.id is not None
    rule = session.exec(
        select(CoverageRule).where(CoverageRule.draft_id == draft.id).with_for_update()
    ).first() or CoverageRule(draft_id=draft.id)
    rule.regions = "\n".join(r for r in REGIONS if r in chosen)
    session.add(rule)
    session.flush()
    audit.record(
        session,
        actor_of(actor),
        "coverage.rule_changed",
        f"draft:{draft.slug}",
        draft_id=draft.id,
        details={"regions": [r for r in REGIONS if r in chosen]},
    )
    return rule


@dataclass(frozen=True)
class Gap:
    """What an article has not heard: "Art. 12: ningún aporte de Puno; ninguna mujer"."""

    entry: drafts.OutlineEntry
    missing_regions: tuple[str, ...]
    no_women: bool

    @property
    def message(self) -> str:
        parts = [_("no contribution from %(region)s", region=r) for r in self.missing_regions]
        if self.no_women:
            parts.append(_("no woman"))
        return self.entry.label.text.rstrip(".") + ": " + "; ".join(parts)


def gaps(
    session: Session,
    draft: Draft,
    entries: Sequence[drafts.OutlineEntry],
    *,
    until: datetime | None = None,
) -> list[Gap]:
    """For the secretariat only (it may name an article on which no woman was heard): each
    article missing a required region (the mining regions when none is chosen) or women."""
    regions = required_regions(session, draft) or MINING_REGIONS
    found = heard(session, draft, [e.id for e in entries], until=until)
    result = []
    for entry in entries:
        article = found[entry.id]
        missing = tuple(r for r in regions if r not in article.regions)
        if missing or not article.any_woman:
            result.append(Gap(entry, missing, not article.any_woman))
    return result


def ensure_covered(
    session: Session,
    draft: Draft,
    entries: Sequence[drafts.OutlineEntry],
    *,
    until: datetime | None = None,
) -> None:
    """The optional rule: with regions chosen, a round closes only once each of its articles
    has heard from every one of them."""
    regions = required_regions(session, draft)
    if not regions:
        return
    found = heard(session, draft, [e.id for e in entries], until=until)
    lacking = [
        f"{e.label.text} ({', '.join(r for r in regions if r not in found[e.id].regions)})"
        for e in entries
        if any(r not in found[e.id].regions for r in regions)
    ]
    if lacking:
        raise Conflict(
            _(
                "The round cannot close yet: the draft requires hearing from %(regions)s on "
                "every article, and these lack it: %(lacking)s.",
                regions=", ".join(regions),
                lacking="; ".join(lacking),
            )
        )
