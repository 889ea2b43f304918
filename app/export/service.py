"""Exports: one file per format, from the current text or a snapshot, optionally compared with a
base snapshot; a ZIP bundle of them all with a manifest of hashes. Every export is audited.

Rendering only reads and may take seconds (a 300-article ZIP, a PDF), so `render` runs in a read
transaction and `record` in a short write of its own: on SQLite a write transaction held through
rendering would lock every other writer out past the busy timeout."""

import hashlib
import io
import json
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, replace
from functools import cached_property

from sqlmodel import Session, col, select

from app.audit import service as audit
from app.audit.models import AuditEvent
from app.core.errors import InvalidInput
from app.core.i18n import _
from app.drafts.models import Draft
from app.export import akn, annexes, cuadro, history, html, jsonfile, markdown
from app.export import document as documents
from app.export import docx as word
from app.export.changes import History
from app.members.models import Member

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


@dataclass(frozen=True)
class ExportFile:
    filename: str
    media_type: str
    content: bytes
    note: str | None = None  # something the person exporting should know
    # What was asked for, for the record.
    format: str = ""
    snapshot_id: int | None = None
    base_id: int | None = None

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.content).hexdigest()


@dataclass(frozen=True)
class Job:
    """What one export works from."""

    session: Session
    draft: Draft
    document: documents.ExportDocument
    base: documents.ExportDocument | None
    annex_names: frozenset[str] = frozenset()
    every_row: bool = False  # the cuadro lists every clause, not only those that changed

    @cached_property
    def histories(self) -> dict[str, History]:
        """Who made each change since the base: read once for all the formats of a bundle."""
        return history.load(self.session, self.document, self.base) if self.base else {}

    def annex_data(self) -> annexes.Annexes | None:
        if not self.annex_names:
            return None
        found = annexes.build(self.session, self.draft, self.annex_names - {"cuadro"})
        if "cuadro" in self.annex_names and self.base is not None:
            fallback = history.unaccounted(self.document)
            rows = cuadro.rows(
                self.document, self.base, self.histories, fallback, every=self.every_row
            )
            found = replace(found, cuadro=annexes.Cuadro(rows, self.base, self.document))
        return found


def _tracked(job: Job) -> bytes:
    if job.base is None:
        raise InvalidInput(
            _("A document with tracked changes needs a base snapshot to compare with."),
            field="base",
        )
    return word.render_tracked(job.document, job.base, job.histories)


Renderer = Callable[[Job], bytes]
FORMATS: dict[str, tuple[str, str, Renderer]] = {
    "md": (
        "md",
        "text/markdown; charset=utf-8",
        lambda job: markdown.render(job.document).encode(),
    ),
    "json": (
        "json",
        "application/json",
        lambda job: jsonfile.render(job.session, job.draft, job.document).encode(),
    ),
    "html": (
        "html",
        "text/html; charset=utf-8",
        lambda job: html.render(job.document, job.annex_data()).encode(),
    ),
    "pdf": ("pdf", "application/pdf", lambda job: html.render_pdf(job.document, job.annex_data())),
    "akn": (
        "xml",
        "application/xml",
        lambda job: akn.render(job.document, work_date=job.draft.created_at.date()),
    ),
    "docx": (
        "docx",
        DOCX,
        lambda job: word.render(job.document, job.base, job.histories, every_row=job.every_row),
    ),
    "docx-tracked": ("cambios.docx", DOCX, _tracked),
}


def _bundle(job: Job, files: list[ExportFile]) -> bytes:
    """All formats and a manifest a recipient can check them against."""
    head = job.document.audit_head
    snapshot, base = job.document.snapshot, job.base.snapshot if job.base else None
    manifest = {
        "draft": job.draft.slug,
        "title": job.draft.title,
        "snapshot": {"id": snapshot.id, "label": snapshot.label} if snapshot else None,
        "base": {"id": base.id, "label": base.label} if base else None,
        "base_is_later": bool(base and snapshot and base.created_at > snapshot.created_at),
        "generated_at": audit.utc_iso(job.document.generated_at),
        "audit_head_hash": head,
        "files": [{"name": f.filename, "sha256": f.sha256, "bytes": len(f.content)} for f in files],
    }
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as bundle:
        for file in files:
            bundle.writestr(file.filename, file.content)
        bundle.writestr("manifest.json", json.dumps(manifest, ensure_ascii=False, indent=2))
    return buffer.getvalue()


def render(
    session: Session,
    draft: Draft,
    format: str,
    snapshot_id: str | None = None,
    base_id: str | None = None,
    with_annexes: set[str] | None = None,
    *,
    every_row: bool = False,
) -> ExportFile:
    if format not in (*FORMATS, "zip"):
        raise InvalidInput(
            _(
                "Unknown format «%(format)s». Available: %(formats)s.",
                format=format,
                formats=", ".join([*FORMATS, "zip"]),
            ),
            field="format",
        )
    unknown = (with_annexes or set()) - set(annexes.ANNEXES)
    if unknown:
        raise InvalidInput(
            _("Unknown annex: %(names)s.", names=", ".join(sorted(unknown))), field="annexes"
        )
    base = documents.build(session, draft, base_id) if base_id else None
    # A bundle carries every annex (the cuadro when there is a base); a file, those asked for.
    wanted = frozenset(with_annexes or ())
    if format == "zip":
        wanted = frozenset(annexes.ANNEXES) - (set() if base else {"cuadro"})
    elif "cuadro" in wanted and base is None:
        raise InvalidInput(
            _("The comparative table needs a base snapshot to compare with."), field="base"
        )
    head = session.exec(select(AuditEvent.hash).order_by(col(AuditEvent.seq).desc())).first()
    document = replace(
        documents.build(session, draft, snapshot_id),
        compared_with=base.snapshot if base else None,
        audit_head=head or audit.GENESIS_HASH,
    )
    job = Job(session, draft, document, base, wanted, every_row)
    suffix = f"-borrador-{job.document.snapshot.id}" if job.document.snapshot else ""
    name = f"{draft.slug}{suffix}"
    if format == "zip":
        files = [
            ExportFile(f"{name}.{extension}", media_type, renderer(job))
            for key, (extension, media_type, renderer) in FORMATS.items()
            if key != "docx-tracked" or job.base is not None
        ]
        file = ExportFile(f"{name}.zip", "application/zip", _bundle(job, files))
    else:
        extension, media_type, renderer = FORMATS[format]
        file = ExportFile(f"{name}.{extension}", media_type, renderer(job))
    base_snapshot = job.base.snapshot if job.base else None
    exported = job.document.snapshot
    note = None
    if base_snapshot and exported and base_snapshot.created_at > exported.created_at:
        note = _("The base snapshot is later than the exported one: the comparison runs backwards.")
    return replace(
        file,
        note=note,
        format=format,
        snapshot_id=exported.id if exported else None,
        base_id=base_snapshot.id if base_snapshot else None,
    )


def record(session: Session, actor: Member | None, draft: Draft, file: ExportFile) -> None:
    """The export in the record, with the hash of the file that leaves."""
    audit.record(
        session,
        audit.actor_of(actor),
        "draft.exported",
        f"draft:{draft.slug}",
        draft_id=draft.id,
        details={
            "format": file.format,
            "snapshot": file.snapshot_id,
            "base": file.base_id,
            "sha256": file.sha256,
            "bytes": len(file.content),
        },
    )
