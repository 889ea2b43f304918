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

from sqlmodel import Session, col, select

from app.amendments.models import Amendment, AmendmentStatus
from app.audit import service as audit
from app.audit.models import AuditEvent
from app.core.errors import InvalidInput
from app.core.i18n import _
from app.drafts.models import Draft, Provision, ProvisionVersion, VersionSource
from app.export import akn, annexes, html, jsonfile, markdown
from app.export import document as documents
from app.export import docx as word
from app.members.models import Member, sector_names

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

    def annex_data(self) -> annexes.Annexes | None:
        if not self.annex_names:
            return None
        return annexes.build(self.session, self.draft, set(self.annex_names))


def _accepted_since_base(job: Job) -> list[tuple[Amendment, Member, str]]:
    """Amendments accepted between the base snapshot and the exported text, per clause uid."""
    query = (
        select(Amendment, Member, Provision.uid)
        .join(Member, col(Member.id) == Amendment.author_id)
        .join(Provision, col(Provision.id) == Amendment.provision_id)
        .where(
            Amendment.draft_id == job.draft.id,
            col(Amendment.status).in_(
                [AmendmentStatus.ACCEPTED, AmendmentStatus.ACCEPTED_MODIFIED]
            ),
        )
        .order_by(col(Amendment.decided_at))
    )
    if job.base and job.base.snapshot:
        query = query.where(col(Amendment.decided_at) > job.base.snapshot.created_at)
    if job.document.snapshot:
        query = query.where(col(Amendment.decided_at) <= job.document.snapshot.created_at)
    return list(job.session.exec(query).all())


def sources(job: Job) -> dict[str, list[str]]:
    """The source of each change: amendments with their authors' organizations and sectors and
    the decision's reason, and the secretariat's edits with theirs."""
    sectors = sector_names()
    found: dict[str, list[str]] = {}
    for amendment, author, uid in _accepted_since_base(job):
        found.setdefault(uid, []).append(
            _(
                "Amendment %(id)s — %(organization)s (%(sector)s): %(reason)s",
                id=amendment.id,
                organization=author.organization or author.name,
                sector=sectors.get(author.sector, author.sector),
                reason=amendment.decision_reason or "",
            )
        )
    edits = (
        select(ProvisionVersion, Provision.uid)
        .join(Provision, col(Provision.id) == ProvisionVersion.provision_id)
        .where(Provision.draft_id == job.draft.id, ProvisionVersion.source == VersionSource.EDIT)
    )
    if job.base and job.base.snapshot:
        edits = edits.where(col(ProvisionVersion.created_at) > job.base.snapshot.created_at)
    for version, uid in job.session.exec(edits).all():
        found.setdefault(uid, []).append(_("Secretariat edit: %(reason)s", reason=version.reason))
    return found


def authors(job: Job) -> dict[str, str]:
    """Whom each clause's tracked changes are attributed to: the organization whose accepted
    amendment changed it last (the secretariat otherwise)."""
    return {
        uid: author.organization or author.name
        for _amendment, author, uid in _accepted_since_base(job)
    }


def _tracked(job: Job) -> bytes:
    if job.base is None:
        raise InvalidInput(
            _("A document with tracked changes needs a base snapshot to compare with."),
            field="base",
        )
    return word.render_tracked(job.document, job.base, authors(job))


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
        lambda job: word.render(job.document, job.base, sources(job) if job.base else None),
    ),
    "docx-tracked": ("cambios.docx", DOCX, _tracked),
}


def _bundle(job: Job, files: list[ExportFile]) -> bytes:
    """All formats and a manifest a recipient can check them against."""
    head = job.session.exec(select(AuditEvent.hash).order_by(col(AuditEvent.seq).desc())).first()
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
    job = Job(
        session,
        draft,
        documents.build(session, draft, snapshot_id),
        documents.build(session, draft, base_id) if base_id else None,
        # A bundle carries every annex; a single file, those asked for.
        frozenset(annexes.ANNEXES if format == "zip" else with_annexes or ()),
    )
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
    base = job.base.snapshot if job.base else None
    exported = job.document.snapshot
    note = None
    if base and exported and base.created_at > exported.created_at:
        note = _("The base snapshot is later than the exported one: the comparison runs backwards.")
    return replace(
        file,
        note=note,
        format=format,
        snapshot_id=exported.id if exported else None,
        base_id=base.id if base else None,
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
