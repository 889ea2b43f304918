"""What an export contains: the draft as it is now or as a snapshot froze it, in document order."""

from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session, col, select

from app.core.errors import InvalidInput
from app.core.i18n import _
from app.core.models import utcnow
from app.drafts import service as drafts
from app.drafts import snapshots
from app.drafts.models import Draft, Motives, Snapshot
from app.drafts.numbering import Kind


class NothingToExport(InvalidInput):
    code = "nothing_to_export"


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

    @property
    def clauses(self) -> list[ExportProvision]:
        return [p for p in self.provisions if p.is_clause]


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
        )
        for entry in state
    ]
    if not any(p.kind is Kind.ARTICULO for p in provisions):
        raise NothingToExport(_("This draft has no articles: there is nothing to export."))
    motives_query = select(Motives).where(Motives.draft_id == draft.id)
    if snapshot is not None:
        motives_query = motives_query.where(Motives.created_at <= snapshot.created_at)
    motives = session.exec(motives_query.order_by(col(Motives.number).desc())).first()
    return ExportDocument(draft.slug, draft.title, snapshot, provisions, utcnow(), motives)
