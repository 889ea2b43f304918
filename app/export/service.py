"""Exports: one file per format, from the current text or a snapshot; every export audited."""

import hashlib
from collections.abc import Callable
from dataclasses import dataclass

from sqlmodel import Session

from app.audit import service as audit
from app.core.errors import InvalidInput
from app.core.i18n import _
from app.drafts.models import Draft
from app.export import akn, html, jsonfile, markdown
from app.export import document as documents
from app.members.models import Member


@dataclass(frozen=True)
class ExportFile:
    filename: str
    media_type: str
    content: bytes

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.content).hexdigest()


Renderer = Callable[[Session, Draft, documents.ExportDocument], bytes]
FORMATS: dict[str, tuple[str, str, Renderer]] = {
    "md": ("md", "text/markdown; charset=utf-8", lambda _s, _d, doc: markdown.render(doc).encode()),
    "json": (
        "json",
        "application/json",
        lambda session, draft, doc: jsonfile.render(session, draft, doc).encode(),
    ),
    "html": ("html", "text/html; charset=utf-8", lambda _s, _d, doc: html.render(doc).encode()),
    "pdf": ("pdf", "application/pdf", lambda _s, _d, doc: html.render_pdf(doc)),
    "akn": (
        "xml",
        "application/xml",
        lambda _s, draft, doc: akn.render(doc, work_date=draft.created_at.date()),
    ),
}


def export(
    session: Session,
    actor: Member | None,
    draft: Draft,
    format: str,
    snapshot_id: str | None = None,
) -> ExportFile:
    if format not in FORMATS:
        raise InvalidInput(
            _(
                "Unknown format «%(format)s». Available: %(formats)s.",
                format=format,
                formats=", ".join(FORMATS),
            ),
            field="format",
        )
    document = documents.build(session, draft, snapshot_id)
    extension, media_type, renderer = FORMATS[format]
    suffix = f"-borrador-{document.snapshot.id}" if document.snapshot else ""
    file = ExportFile(
        f"{draft.slug}{suffix}.{extension}", media_type, renderer(session, draft, document)
    )
    audit.record(
        session,
        audit.actor_of(actor),
        "draft.exported",
        f"draft:{draft.slug}",
        draft_id=draft.id,
        details={
            "format": format,
            "snapshot": document.snapshot.id if document.snapshot else None,
            "sha256": file.sha256,
            "bytes": len(file.content),
        },
    )
    return file
