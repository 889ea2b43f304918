"""Search over HTTP: the API and the results page (the box in every page's header sends here).
HTTP only."""

from typing import Annotated

from fastapi import APIRouter, Query, Request, Response
from fastapi.responses import HTMLResponse

from app.core.bounds import PageQuery
from app.core.db import SessionDep
from app.core.pagination import PageParams, PageRequest, set_list_headers
from app.core.templating import render
from app.drafts.deps import load_draft, readable_drafts
from app.drafts.importing import MAX_SLUG_LENGTH, SLUG_PATTERN
from app.drafts.models import Draft
from app.members.deps import OptionalMember
from app.members.models import Member, Sector, sector_names
from app.search import service
from app.search.models import Kind
from app.search.schemas import SearchResponse, SearchResult
from app.search.text import MAX_QUERY_LENGTH

api = APIRouter(prefix="/api/v1", tags=["search"])
pages = APIRouter(include_in_schema=False)

PAGE_SIZE = 20
# Only what a slug or a uid can be reaches a query (a NUL would be a 500 on PostgreSQL).
Slug = Annotated[str | None, Query(max_length=MAX_SLUG_LENGTH, pattern=SLUG_PATTERN.pattern)]
Uid = Annotated[str | None, Query(max_length=36, pattern=r"^[0-9a-f-]+$")]


def _within(session: SessionDep, member: Member | None, slug: str | None) -> list[Draft]:
    """The draft named (private ones need sign-in, as everywhere), or every draft the reader
    may read."""
    if slug:
        return [load_draft(slug, session, member)]
    return readable_drafts(session, member)


@api.get("/search")
def search(
    request: Request,
    response: Response,
    session: SessionDep,
    member: OptionalMember,
    paging: PageParams,
    q: Annotated[str, Query(min_length=1, max_length=MAX_QUERY_LENGTH)],
    draft: Slug = None,
    kind: Kind | None = None,
    article: Uid = None,
    sector: Sector | None = None,
) -> SearchResponse:
    """Words and "phrases in quotes" over clauses (current text and heading), comments,
    amendments (text and rationale) and the exposición de motivos; best first. `kind`,
    `article` (a clause's uid) and `sector` (of the author) narrow it."""
    results = service.search(
        session,
        member,
        q,
        within=_within(session, member, draft),
        filters=service.Filters(kind=kind, article=article, sector=sector),
        paging=paging,
    )
    set_list_headers(request, response, results.page)
    return SearchResponse(
        total=results.page.total,
        results=[
            SearchResult(
                type=hit.kind,
                draft=hit.draft.slug,
                uid=hit.uid,
                id=hit.id,
                label=hit.label,
                snippet=str(hit.snippet),
            )
            for hit in results.page.items
        ],
    )


@pages.get("/search", response_class=HTMLResponse)
def search_page(
    request: Request,
    session: SessionDep,
    member: OptionalMember,
    q: Annotated[str, Query(max_length=2_000)] = "",
    draft: Slug = None,
    kind: Annotated[str, Query(max_length=20)] = "",
    sector: Annotated[str, Query(max_length=40)] = "",
    page: PageQuery = 1,
) -> HTMLResponse:
    """What a person typed in the header's box. An unknown kind or sector is no filter."""
    q = q[:MAX_QUERY_LENGTH]
    within = _within(session, member, draft or None)
    chosen_kind = Kind(kind) if kind in set(Kind) else None
    chosen_sector = sector if sector in set(Sector) else None
    results = service.search(
        session,
        member,
        q,
        within=within,
        filters=service.Filters(kind=chosen_kind, sector=chosen_sector),
        paging=PageRequest(page, PAGE_SIZE),
    )
    context = {
        "q": q,
        "draft": within[0] if draft and within else None,
        "several_drafts": len(within) > 1,
        "kind": chosen_kind,
        "sector": chosen_sector,
        "results": results,
        "kinds": [(k, service.kind_names()[k]) for k in service.KINDS],
        "kind_names": service.kind_names(),
        "sectors": sector_names(),
    }
    return render(request, "search/results.html", context)
