"""Pages that combine domains: the article page and "Mis aportes". HTTP only."""

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from app.amendments import lists as amendments
from app.comments import service as comments
from app.consensus import positions
from app.core.bounds import PageQuery
from app.core.db import SessionDep
from app.core.pagination import PageRequest
from app.core.templating import render
from app.drafts.deps import DraftDep, Revalidated
from app.members.deps import SignedInMember
from app.pages.article import render_article_page
from app.pages.contents import render_contents_page

pages = APIRouter(include_in_schema=False)


@pages.get(
    "/drafts/{slug}/provisions/{uid}", response_class=HTMLResponse, dependencies=[Revalidated]
)
def provision_page(
    request: Request,
    draft: DraftDep,
    uid: str,
    session: SessionDep,
    page: PageQuery = 1,
) -> HTMLResponse:
    return render_article_page(request, draft, uid, session, page=page)


@pages.get("/drafts/{slug}", response_class=HTMLResponse, dependencies=[Revalidated])
def contents_page(
    request: Request, draft: DraftDep, session: SessionDep, since: str = ""
) -> HTMLResponse:
    return render_contents_page(request, session, draft, since=since)


@pages.get("/me/contributions", response_class=HTMLResponse)
def contributions_page(
    request: Request,
    member: SignedInMember,
    session: SessionDep,
    page: PageQuery = 1,
) -> HTMLResponse:
    context = {
        "amendments": amendments.contributions(
            session, member, PageRequest(page, amendments.PAGE_SIZE)
        ),
        "comments": comments.contributions(session, member),
        "positions": positions.contributions(session, member),
    }
    return render(request, "amendments/contributions.html", context)
