"""What an export contains: the draft as it is now or as a snapshot froze it, in document order."""

from dataclasses import dataclass, field
from datetime import datetime

from babel.dates import format_date
from sqlmodel import Session, col, select

from app.core.errors import InvalidInput
from app.core.i18n import _
from app.core.models import as_utc, utcnow
from app.drafts import editing, snapshots, structure
from app.drafts import service as drafts
from app.drafts.models import Draft, Motives, Provision, Snapshot
from app.drafts.numbering import Kind


class NothingToExport(InvalidInput):
    code = "nothing_to_export"


# As a proyecto de ley prints them (Reglamento del Congreso, art. 75–76): Spanish whatever the
# interface language. The number is Congress's to fill in.
BILL_NUMBER = "PROYECTO DE LEY N.° ____________"
DEFAULT_PLACE = "Lima"
REQUIRED_SECTIONS = (
    ("I. FUNDAMENTOS", "fundamentos"),
    ("II. EFECTO DE LA VIGENCIA DE LA NORMA SOBRE LA LEGISLACIÓN NACIONAL", "efecto_vigencia"),
    ("III. ANÁLISIS COSTO-BENEFICIO", "costo_beneficio"),
    (
        "IV. RELACIÓN CON LA AGENDA LEGISLATIVA Y LAS POLÍTICAS DE ESTADO DEL ACUERDO NACIONAL",
        "agenda",
    ),
)
_ROMAN = (
    "V",
    "VI",
    "VII",
    "VIII",
    "IX",
    "X",
    "XI",
    "XII",
    "XIII",
    "XIV",
    "XV",
    "XVI",
    "XVII",
    "XVIII",
    "XIX",
    "XX",
    "XXI",
    "XXII",
    "XXIII",
    "XXIV",
)


@dataclass(frozen=True)
class Cover:
    """The proyecto de ley's first page: what is known of it (blank where it is not)."""

    sumilla: str
    proponent: str
    place_and_date: str  # "Lima, 1 de diciembre de 2026"


@dataclass(frozen=True)
class ExportProvision:
    uid: str
    kind: Kind
    label: str
    heading: str
    text: str
    version: int
    depth: int
    parent_uid: str | None
    provision_id: int = 0  # 0 when not read from the database

    @property
    def is_clause(self) -> bool:
        return self.kind in (Kind.ARTICULO, Kind.DISPOSICION)


@dataclass(frozen=True)
class ExportDocument:
    slug: str
    title: str
    snapshot: Snapshot | None  # None: the current text
    provisions: list[ExportProvision]
    generated_at: datetime
    motives: Motives | None = None  # the exposición de motivos as it stood then
    # Set by the export service: what the text was compared with, and the audit record's head
    # when it was rendered, so a reader can check the file against /registro.
    compared_with: Snapshot | None = None
    audit_head: str | None = None
    # The numbers of the exported state: what any stored text of it is shown with.
    numbering: structure.Numbering = field(default_factory=lambda: structure.Numbering([]))
    # For a provision that modifies a law in force: that article as it reads there now (uid).
    in_force: dict[str, editing.Modified] = field(default_factory=dict)

    @property
    def clauses(self) -> list[ExportProvision]:
        return [p for p in self.provisions if p.is_clause]

    def cover(self) -> Cover:
        motives = self.motives
        moment = self.snapshot.created_at if self.snapshot else self.generated_at
        place = (motives.place if motives else "") or DEFAULT_PLACE
        day = format_date(as_utc(moment).date(), format="long", locale="es_PE")
        return Cover(
            motives.sumilla if motives else "",
            motives.proponent if motives else "",
            f"{place}, {day}",
        )

    def motives_sections(self) -> list[tuple[str, str]]:
        """The exposición de motivos' sections, titled as printed: the four required, then the
        secretariat's own."""
        motives = self.motives
        if motives is None:
            return []
        sections = [(title, getattr(motives, field)) for title, field in REQUIRED_SECTIONS]
        for number, section in zip(_ROMAN, motives.more_sections, strict=False):
            sections.append((f"{number}. {section['title'].upper()}", section["text"]))
        return sections

    def provenance(self) -> list[str]:
        """Where the file comes from, in lines for its first page and its metadata."""
        if self.snapshot is not None:
            lines = [
                _(
                    "Text: %(label)s (snapshot %(id)s, frozen %(at)s UTC)",
                    label=self.snapshot.label,
                    id=self.snapshot.id,
                    at=as_utc(self.snapshot.created_at).strftime("%Y-%m-%d %H:%M"),
                )
            ]
        else:
            lines = [
                _(
                    "Text: the current text, as of %(at)s UTC",
                    at=as_utc(self.generated_at).strftime("%Y-%m-%d %H:%M"),
                )
            ]
        if self.compared_with is not None:
            lines.append(
                _(
                    "Compared with: %(label)s (snapshot %(id)s)",
                    label=self.compared_with.label,
                    id=self.compared_with.id,
                )
            )
        if self.audit_head:
            lines.append(_("Audit record head: %(hash)s", hash=self.audit_head))
        return lines


def build(session: Session, draft: Draft, snapshot_id: str | None = None) -> ExportDocument:
    """The draft's provisions with their texts: two queries, whatever the draft's size."""
    snapshot = snapshots.get_snapshot(session, draft, snapshot_id) if snapshot_id else None
    state = (
        snapshots.snapshot_state(session, snapshot)
        if snapshot
        else snapshots.current_state(session, draft)
    )
    texts = drafts.version_texts(session, [(entry.provision_id, entry.version) for entry in state])
    provisions = [
        ExportProvision(
            entry.uid,
            entry.kind,
            entry.label,
            entry.heading,
            entry.shown(texts.get((entry.provision_id, entry.version), ("", ""))[1]),
            entry.version,
            entry.depth,
            entry.parent_uid,
            entry.provision_id,
        )
        for entry in state
    ]
    if not any(p.kind is Kind.ARTICULO for p in provisions):
        raise NothingToExport(_("This draft has no articles: there is nothing to export."))
    motives_query = select(Motives).where(Motives.draft_id == draft.id)
    if snapshot is not None:
        motives_query = motives_query.where(Motives.created_at <= snapshot.created_at)
    motives = session.exec(motives_query.order_by(col(Motives.number).desc())).first()
    numbering = state[0].numbering if state else structure.Numbering([])
    modifying = session.exec(
        select(Provision.id, Provision.uid).where(
            Provision.draft_id == draft.id, col(Provision.modifies_id).is_not(None)
        )
    ).all()
    in_force = {
        uid: found for pid, uid in modifying if (found := editing.modified(session, pid or 0))
    }
    return ExportDocument(
        draft.slug, draft.title, snapshot, provisions, utcnow(), motives, numbering=numbering,
        in_force=in_force,
    )  # fmt: skip
