"""The bill's optional annexes: the cuadro comparativo, the matriz de aportes and the consensus
report."""

from collections.abc import Set
from dataclasses import dataclass
from datetime import date, datetime

from sqlmodel import Session

from app.amendments import lists as amendments
from app.amendments import support
from app.amendments.models import Amendment, AmendmentStatus, status_names
from app.comments import service as comments
from app.consensus import reports, rules
from app.core.i18n import _, day_in_peru, format_date
from app.core.models import as_utc
from app.drafts import service as drafts
from app.drafts.models import Draft
from app.export.cuadro import Row
from app.export.document import ExportDocument
from app.intake.models import Disposition, channel_names, disposition_names
from app.intake.service import Credit
from app.members.models import sector_names

ANNEXES = ("cuadro", "aportes", "consenso")


@dataclass(frozen=True)
class Contribution:
    """One row of the matriz de aportes: an amendment or a comment, as received and as
    disposed of."""

    number: str  # "Enm. 12", "Com. 40"
    received: str  # the day it arrived
    channel: str
    contributor: str  # or "Reservado"
    organization: str
    sector: str
    region: str
    label: str  # the provision it is about
    proposal: str
    justification: str
    disposition: str
    reason: str
    result: str  # the version it produced, if any
    support: str = ""  # an amendment's adhesions: "Respaldada por 4 organizaciones de 3 sectores"


@dataclass(frozen=True)
class ArticlePositions:
    """The positions taken on one article's current text, counted by stance."""

    label: str
    counts: dict[str, int]


@dataclass(frozen=True)
class ClauseConsensus:
    label: str
    status: str
    explanation: str
    by_sector: dict[str, str]


@dataclass(frozen=True)
class Cuadro:
    rows: list[Row]
    base: ExportDocument
    proposed: ExportDocument


@dataclass(frozen=True)
class Annexes:
    contributions: list[Contribution] | None
    consensus: list[ClauseConsensus] | None
    sectors: list[str]
    cuadro: Cuadro | None = None  # built by the export service, which has the history
    positions: list[ArticlePositions] | None = None  # with the matriz de aportes
    stances: list[str] | None = None  # the positions' column headings, in order


def build(session: Session, draft: Draft, wanted: Set[str]) -> Annexes:
    outline = drafts.load_outline(session, draft)
    names = sector_names()
    contributions = positions = stances = None
    sectors = sorted(reports.electorate(session).sectors)
    if "aportes" in wanted:
        contributions = _contributions(session, draft, outline)
        matrix = reports.sector_matrix(session, draft, outline.clauses, sectors)
        stances = [rules.stance_names()[stance] for stance in rules.Stance]
        positions = [
            ArticlePositions(
                entry.label.text,
                {
                    name: sum(cell.counts.get(stance, 0) for cell in matrix[entry.id].values())
                    for stance, name in zip(rules.Stance, stances, strict=True)
                },
            )
            for entry in outline.clauses
        ]
    report = None
    if "consenso" in wanted:
        outcomes = reports.outcomes(session, draft, outline)
        matrix = reports.sector_matrix(session, draft, outline.clauses, sectors)
        report = [
            ClauseConsensus(
                entry.label.text,
                rules.status_names()[outcomes[entry.id].status],
                rules.explain(outcomes[entry.id]),
                {names.get(s, s): matrix[entry.id][s].summary for s in sectors},
            )
            for entry in outline.clauses
        ]
    return Annexes(
        contributions,
        report,
        [names.get(s, s) for s in sectors],
        positions=positions,
        stances=stances,
    )


def _contributions(session: Session, draft: Draft, outline: drafts.Outline) -> list[Contribution]:
    """Every amendment and every comment received, by article in the draft's order, then as
    they arrived: two queries, however many there are."""
    order = {entry.id: index for index, entry in enumerate(outline.entries)}
    by_id = {entry.id: entry for entry in outline.entries}
    by_uid = outline.by_uid
    sectors, channels = sector_names(), channel_names()
    said = disposition_names()
    rows: list[tuple[tuple[int, date, datetime], Contribution]] = []

    def add(number: str, entered_at: datetime, by: Credit, uid: str, **columns: str) -> None:
        # By article, then by the day it arrived, then as it was entered in Mesa.
        entry = by_uid.get(uid)
        key = (order[entry.id] if entry else len(order), day_in_peru(by.on), as_utc(entered_at))
        contribution = Contribution(
            number=number,
            received=format_date(by.on),
            channel=channels[by.channel],
            contributor=by.name,
            organization=by.organization,
            sector=sectors.get(by.sector, by.sector),
            region=by.region,
            label=entry.label.text if entry else "—",
            **columns,
        )
        rows.append((key, contribution))

    received = amendments.with_authors(session, draft)
    backing = support.support_summaries(session, [a.id for a, _by, _uid in received if a.id])
    for a, by, uid in received:
        result = ""
        if a.result_version is not None:
            made = by_id.get(a.result_provision_id or 0) or by_uid.get(uid)
            result = _(
                "%(label)s, version %(n)s",
                label=made.label.text if made else "",
                n=a.result_version,
            )
        add(
            _("Amdt. %(n)s", n=a.id),
            a.created_at,
            by,
            uid,
            proposal=_("(delete the clause)") if a.kind == "delete" else a.text or "",
            justification=a.rationale,
            disposition=_amendment_disposition(a),
            reason=a.decision_reason or "",
            result=result,
            support=backing[a.id].phrase if a.id in backing else "",
        )
    for c, by, uid in comments.with_authors(session, draft):
        justification = f"«{c.quote}»" if c.quote else ""
        if c.parent_id is not None:
            justification = _("Reply to comment %(n)s", n=c.parent_id)
        add(
            _("Com. %(n)s", n=c.id),
            c.created_at,
            by,
            uid,
            proposal=(
                _("Hidden by moderation: %(reason)s", reason=c.hidden_reason or "")
                if c.hidden_at is not None
                else c.body
            ),
            justification=justification,
            disposition=(said[Disposition(c.disposition)] if c.disposition else _("No answer yet")),
            reason=c.disposition_reason or "",
            result="",
        )
    rows.sort(key=lambda pair: pair[0])
    return [contribution for _key, contribution in rows]


def _amendment_disposition(amendment: Amendment) -> str:
    said = disposition_names()
    status = AmendmentStatus(amendment.status)
    if status is AmendmentStatus.ACCEPTED:
        return said[Disposition.ACCEPTED]
    if status is AmendmentStatus.ACCEPTED_MODIFIED:
        return said[Disposition.PARTIALLY]
    if status is AmendmentStatus.REJECTED:
        out = amendment.out_of_scope
        return said[Disposition.OUT_OF_SCOPE if out else Disposition.NOT_ACCEPTED]
    return status_names()[status]  # pending or withdrawn
