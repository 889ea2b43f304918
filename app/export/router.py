"""Exports over HTTP."""

from typing import Annotated, Literal
from urllib.parse import quote

from fastapi import APIRouter, Query, Request, Response
from fastapi.responses import HTMLResponse

from app.audit.service import list_events
from app.core.db import SessionDep, WriteSessionDep
from app.core.templating import render
from app.drafts import snapshots
from app.drafts.deps import DraftDep
from app.export import service
from app.export.deps import Exporter

api = APIRouter(prefix="/api/v1", tags=["export"])
pages = APIRouter(include_in_schema=False)


@api.get("/drafts/{slug}/export", response_class=Response)
def export(
    draft: DraftDep,
    member: Exporter,
    session: SessionDep,
    recorder: WriteSessionDep,
    format: str = "json",
    snapshot: str | None = None,
    base: str | None = None,
    annexes: Annotated[list[str] | None, Query()] = None,
    cuadro: Literal["changed", "all"] = "changed",  # the cuadro's rows: those changed, or all
) -> Response:
    # The exception to one transaction per request: rendering takes seconds and only reads, so
    # it runs in the request's read transaction and the record is a short write after it (a
    # write transaction held that long locks other writers out on SQLite).
    wanted = {name for value in annexes or [] for name in value.split(",") if name}
    file = service.render(
        session, draft, format, snapshot or None, base or None, wanted, every_row=cuadro == "all"
    )
    service.record(recorder, member, draft, file)
    recorder.commit()  # the export is recorded before the file leaves
    return Response(
        file.content,
        media_type=file.media_type,
        headers={
            "Content-Disposition": f'attachment; filename="{file.filename}"',
            "X-Content-SHA256": file.sha256,
            **({"X-Mesa-Note": quote(file.note)} if file.note else {}),
        },
    )


@pages.get("/drafts/{slug}/export", response_class=HTMLResponse)
def export_page(
    request: Request, draft: DraftDep, _member: Exporter, session: SessionDep
) -> HTMLResponse:
    recent = list_events(
        session, action="draft.exported", object=f"draft:{draft.slug}", limit=20, newest_first=True
    )
    context = {
        "draft": draft,
        # Word first: what the working group opens; the ZIP bundle last.
        "formats": ["docx", *(f for f in service.FORMATS if f != "docx"), "zip"],
        "snapshots": snapshots.list_snapshots(session, draft),
        "recent": recent,
    }
    return render(request, "export/page.html", context)
