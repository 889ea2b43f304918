"""Drafts over HTTP: the JSON API and the reading pages. HTTP only; rules live in service.py."""

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from app.core.db import SessionDep
from app.core.templating import render
from app.drafts import service
from app.drafts.deps import DraftDep
from app.drafts.schemas import DraftDetail, DraftSummary, ProvisionDetail, ProvisionSummary

api = APIRouter(prefix="/api/v1", tags=["drafts"])
pages = APIRouter(include_in_schema=False)


@api.get("/drafts")
def list_drafts(session: SessionDep) -> list[DraftSummary]:
    return [
        DraftSummary(slug=d.slug, title=d.title, phase=d.phase)
        for d in service.list_drafts(session)
    ]


@api.get("/drafts/{slug}")
def read_draft(draft: DraftDep, session: SessionDep) -> DraftDetail:
    outline = service.load_outline(session, draft)
    return DraftDetail(
        slug=draft.slug,
        title=draft.title,
        phase=draft.phase,
        provisions=[
            ProvisionSummary(
                uid=entry.uid,
                kind=entry.kind,
                label=entry.label.text,
                heading=entry.heading,
                parent=entry.parent.uid if entry.parent else None,
                version=entry.version,
            )
            for entry in outline.entries
        ],
    )


@api.get("/drafts/{slug}/provisions/{uid}")
def read_provision(draft: DraftDep, uid: str, session: SessionDep) -> ProvisionDetail:
    entry = service.load_outline(session, draft).get(uid)
    version = service.current_version(session, entry)
    return ProvisionDetail(
        uid=entry.uid,
        kind=entry.kind,
        label=entry.label.text,
        heading=version.heading,
        text=version.text,
        version=version.number,
        parent=entry.parent.uid if entry.parent else None,
    )


@pages.get("/", response_class=HTMLResponse)
def drafts_page(request: Request, session: SessionDep) -> HTMLResponse:
    # templates/drafts/list.html: drafts
    return render(request, "drafts/list.html", {"drafts": service.list_drafts(session)})


@pages.get("/drafts/{slug}", response_class=HTMLResponse)
def contents_page(request: Request, draft: DraftDep, session: SessionDep) -> HTMLResponse:
    outline = service.load_outline(session, draft)
    return render(request, "drafts/contents.html", {"draft": draft, "outline": outline})


@pages.get("/drafts/{slug}/provisions/{uid}", response_class=HTMLResponse)
def provision_page(
    request: Request, draft: DraftDep, uid: str, session: SessionDep
) -> HTMLResponse:
    outline = service.load_outline(session, draft)
    entry = outline.get(uid)
    version = service.current_version(session, entry)
    previous, following = outline.neighbours(uid) if entry.is_clause else (None, None)
    return render(
        request,
        "drafts/provision.html",
        {
            "draft": draft,
            "entry": entry,
            "version": version,
            "previous": previous,
            "following": following,
        },
    )
