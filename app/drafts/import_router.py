"""Importing a law over HTTP: POST /api/v1/imports (API.md) and the secretariat's page (upload,
preview, import or discard). HTTP only: app/drafts/imports.py reads and writes."""

from typing import Annotated, Any

from fastapi import APIRouter, File, Form, Request, Response, UploadFile
from fastapi.responses import HTMLResponse, JSONResponse

from app.audit.service import actor_of
from app.core.db import SessionDep
from app.core.errors import DomainError, InvalidInput
from app.core.forms import refused
from app.core.http import see_other
from app.core.i18n import _
from app.core.templating import render
from app.drafts import imports
from app.drafts.deps import Editor
from app.drafts.models import Numbering

api = APIRouter(prefix="/api/v1", tags=["imports"])
pages = APIRouter(include_in_schema=False)


def _numbering(asked: str | None, filename: str) -> Numbering:
    if not asked:
        return imports.default_numbering(filename)
    if asked not in set(Numbering):
        raise InvalidInput(
            _("Unknown numbering: %(numbering)s", numbering=asked), field="numbering"
        )
    return Numbering(asked)


async def _read(file: UploadFile) -> bytes:
    raw = await file.read(imports.MAX_IMPORT_BYTES + 1)
    if len(raw) > imports.MAX_IMPORT_BYTES:
        raise InvalidInput(
            _("The file is too large to import (at most %(size)s MB).",
              size=imports.MAX_IMPORT_BYTES // 2**20),
            field="file",
        )  # fmt: skip
    return raw


@api.post("/imports", status_code=201)
async def create_import(
    editor: Editor,
    session: SessionDep,
    file: Annotated[UploadFile, File()],
    slug: Annotated[str, Form()],
    title: Annotated[str | None, Form()] = None,
    preview: Annotated[bool, Form()] = False,
    numbering: Annotated[str | None, Form()] = None,
) -> JSONResponse:
    """Preview (200, writes nothing) or import (201) a law: .txt as published, .md, .docx."""
    filename = file.filename or "law.txt"
    raw = await _read(file)
    mode = _numbering(numbering, filename)
    parsed = imports.read_upload(raw, filename, slug=slug, title=title)
    imports.check_slug_free(session, parsed.slug or slug)
    summary = imports.summarize(parsed, slug)
    if preview:
        return JSONResponse(summary.public(), status_code=200)
    imports.import_parsed(session, actor_of(editor), parsed, numbering=mode)
    session.commit()
    return JSONResponse(summary.public(), status_code=201)


# Pages --------------------------------------------------------------------------------------


def _page(request: Request, status: int = 200, **context: Any) -> HTMLResponse:
    # templates/drafts/import.html
    form = {"slug": "", "title": "", "numbering": "", **context.pop("form", {})}
    return render(request, "drafts/import.html", {"form": form, **context}, status_code=status)


@pages.get("/imports/new", response_class=HTMLResponse)
def import_page(request: Request, editor: Editor) -> HTMLResponse:
    return _page(request)


@pages.post("/imports/preview", response_class=HTMLResponse)
async def import_preview(
    request: Request,
    editor: Editor,
    session: SessionDep,
    file: Annotated[UploadFile, File()],
    slug: Annotated[str, Form()] = "",
    title: Annotated[str, Form()] = "",
    numbering: Annotated[str, Form()] = "",
) -> Response:
    filename = file.filename or "law.txt"
    form = {"slug": slug, "title": title, "numbering": numbering}
    try:
        raw = await _read(file)
        mode = _numbering(numbering, filename)
        parsed = imports.read_upload(raw, filename, slug=slug, title=title)
        imports.check_slug_free(session, slug)
        content, text_format = imports.source_text(raw, filename)
    except DomainError as error:
        return refused(session, error, lambda e: _page(
            request, status=e.status_code, form=form, error=e.message,
            error_line=getattr(e, "line", None),
        ))  # fmt: skip
    form["numbering"] = mode.value
    return _page(
        request,
        form=form,
        filename=filename,
        parsed=parsed,
        summary=imports.summarize(parsed, slug),
        content=content,
        text_format=text_format,
    )


@pages.post("/imports")
def import_submit(
    request: Request,
    editor: Editor,
    session: SessionDep,
    content: Annotated[str, Form()],
    slug: Annotated[str, Form()],
    text_format: Annotated[str, Form()] = "text",
    title: Annotated[str, Form()] = "",
    numbering: Annotated[str, Form()] = "",
) -> Response:
    form = {"slug": slug, "title": title, "numbering": numbering}
    try:
        if text_format not in imports.FORMATS:
            raise InvalidInput(_("Unknown format: %(format)s", format=text_format))
        mode = _numbering(numbering, "law.md" if text_format == "md" else "law.txt")
        parsed = imports.read_text(content, text_format, slug=slug, title=title)
        draft = imports.import_parsed(session, actor_of(editor), parsed, numbering=mode)
    except DomainError as error:
        return refused(session, error, lambda e: _page(
            request, status=e.status_code, form=form, error=e.message
        ))  # fmt: skip
    session.commit()
    return see_other(request.app.url_path_for("contents_page", slug=draft.slug))
