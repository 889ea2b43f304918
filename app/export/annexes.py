"""The bill's optional annexes: the cuadro comparativo, the matriz de aportes and the consensus
report."""

from collections.abc import Set
from dataclasses import dataclass

from sqlmodel import Session

from app.amendments import lists as amendments
from app.amendments.models import AmendmentStatus, status_names
from app.consensus import reports, rules
from app.drafts import service as drafts
from app.drafts.models import Draft
from app.export.cuadro import Row
from app.export.document import ExportDocument
from app.members.models import sector_names

ANNEXES = ("cuadro", "aportes", "consenso")


@dataclass(frozen=True)
class Contribution:
    number: int
    label: str
    author: str
    sector: str
    rationale: str
    disposition: str
    reason: str


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


def build(session: Session, draft: Draft, wanted: Set[str]) -> Annexes:
    outline = drafts.load_outline(session, draft)
    labels = {entry.uid: entry.label.text for entry in outline.entries}
    names = sector_names()
    contributions = None
    if "aportes" in wanted:
        said = status_names()
        rows = amendments.with_authors(session, draft)
        contributions = [
            Contribution(
                a.id or 0,
                labels.get(uid, "—"),
                f"{m.name} ({m.organization})" if m.organization else m.name,
                names.get(m.sector, m.sector),
                a.rationale,
                said[AmendmentStatus(a.status)],
                a.decision_reason or "",
            )
            for a, m, uid in rows
        ]
    report = None
    sectors = sorted(reports.electorate(session).sectors)
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
    return Annexes(contributions, report, [names.get(s, s) for s in sectors])
