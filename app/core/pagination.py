"""The one way lists are paged, in pages and in the API (the list contract of API.md): `page`
from 1, `per_page` from 1 to 100; the API answers with X-Total-Count and an RFC 8288 Link header.
A page past the end is empty, never the last page again (a client that loops until an empty
page must stop)."""

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Annotated, Any, Generic, TypeVar

from fastapi import Depends, Query, Request, Response
from sqlalchemy import func
from sqlmodel import Session, select
from sqlmodel.sql.expression import Select, SelectOfScalar

from app.core.bounds import PageQuery

T = TypeVar("T")
DEFAULT_PER_PAGE = 20
MAX_PER_PAGE = 100


@dataclass(frozen=True)
class PageRequest:
    page: int = 1
    per_page: int = DEFAULT_PER_PAGE

    @property
    def offset(self) -> int:
        return (self.page - 1) * self.per_page


def page_request(
    page: PageQuery = 1,
    per_page: Annotated[int, Query(ge=1, le=MAX_PER_PAGE)] = DEFAULT_PER_PAGE,
) -> PageRequest:
    return PageRequest(page, per_page)


PageParams = Annotated[PageRequest, Depends(page_request)]


@dataclass
class Page(Generic[T]):
    items: list[T]
    total: int
    page: int
    per_page: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))

    @property
    def has_previous(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.pages

    @classmethod
    def of(cls, items: Sequence[T], request: PageRequest) -> "Page[T]":
        """One page of a list already in memory."""
        shown = list(items[request.offset : request.offset + request.per_page])
        return cls(shown, len(items), request.page, request.per_page)


def paginate(
    session: Session,
    statement: Select[*tuple[Any, ...]] | SelectOfScalar[Any],
    request: PageRequest,
) -> Page[Any]:
    """One page of a query's rows (it must be ordered), and how many there are in all."""
    total = session.exec(select(func.count()).select_from(statement.order_by(None).subquery()))
    rows = session.exec(statement.offset(request.offset).limit(request.per_page)).all()
    return Page(list(rows), total.one(), request.page, request.per_page)


def set_list_headers(http: Request, response: Response, page: Page[Any]) -> None:
    """X-Total-Count and the Link header (next, prev, first, last) of an API list."""
    response.headers["X-Total-Count"] = str(page.total)

    def link(number: int, rel: str) -> str:
        url = http.url.include_query_params(page=number, per_page=page.per_page)
        return f'<{url}>; rel="{rel}"'

    links = [link(1, "first"), link(page.pages, "last")]
    if page.has_previous:
        links.append(link(min(page.page - 1, page.pages), "prev"))
    if page.has_next:
        links.append(link(page.page + 1, "next"))
    response.headers["Link"] = ", ".join(links)
