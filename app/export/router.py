"""Exports over HTTP."""

from typing import Annotated, Any, Literal
from urllib.parse import quote

from fastapi import APIRouter, Form, Query, Request, Response
from fastapi.responses import HTMLResponse

from app.audit.service import list_events
from app.core.bounds import MAX_INT
from app.core.db import SessionDep, WriteSessionDep
from app.core.errors import DomainError
from app.core.forms import refused
from app.core.http import see_other
from app.core.templating import render
from app.drafts import motives, snapshots
from app.drafts.deps import DraftDep, Editor
from app.drafts.models import Draft
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


@pages.get("/drafts/{slug}/motives", response_class=HTMLResponse)
def motives_page(request: Request, draft: DraftDep, session: SessionDep) -> HTMLResponse:
    return _motives_page(request, session, draft)


def _motives_page(
    request: Request, session: SessionDep, draft: Draft, *, status: int = 200, **kept: Any
) -> HTMLResponse:
    context = {"draft": draft, "motives": motives.current(session, draft), **kept}
    return render(request, "export/motives.html", context, status_code=status)


@pages.post("/drafts/{slug}/motives", response_model=None)
def motives_submit(
    request: Request,
    draft: DraftDep,
    editor: Editor,
    session: SessionDep,
    expected_version: Annotated[int, Form(ge=0, le=MAX_INT)] = 0,
    fundamentos: Annotated[str, Form()] = "",
    efecto_vigencia: Annotated[str, Form()] = "",
    costo_beneficio: Annotated[str, Form()] = "",
    reason: Annotated[str, Form()] = "",
    agenda: Annotated[str, Form()] = "",
    sumilla: Annotated[str, Form()] = "",
    proponent: Annotated[str, Form()] = "",
    place: Annotated[str, Form()] = "",
    section_title: Annotated[list[str] | None, Form()] = None,
    section_text: Annotated[list[str] | None, Form()] = None,
) -> Response:
    more = list(zip(section_title or [], section_text or [], strict=False))
    cover = {"agenda": agenda, "sumilla": sumilla, "proponent": proponent, "place": place}
    try:
        motives.revise(
            session,
            editor,
            draft,
            expected_version=expected_version,
            fundamentos=fundamentos,
            efecto_vigencia=efecto_vigencia,
            costo_beneficio=costo_beneficio,
            reason=reason,
            more_sections=more,
            **cover,
        )
    except DomainError as error:
        typed = {
            "fundamentos": fundamentos,
            "efecto_vigencia": efecto_vigencia,
            "costo_beneficio": costo_beneficio,
            "reason": reason,
            **cover,
            "more_sections": [{"title": t, "text": x} for t, x in more],
        }
        return refused(session, error, lambda e: _motives_page(
            request, session, draft, status=e.status_code, typed=typed, error=e.message
        ))  # fmt: skip
    session.commit()
    return see_other(request.app.url_path_for("motives_page", slug=draft.slug) + "?notice=saved")


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
