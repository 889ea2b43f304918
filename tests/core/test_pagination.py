"""The list contract of API.md on every list endpoint: page and per_page, X-Total-Count, a Link
header, and an empty page past the end (a client looping until an empty page must stop)."""

import re

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session

from app.comments import service as comments
from app.core.pagination import Page, PageRequest
from app.drafts import snapshots
from tests.factories import entry_of, make_draft, make_member, token_headers

LISTS = [
    "/api/v1/drafts",
    "/api/v1/drafts/ley-de-prueba/provisions/{uid}/versions",
    "/api/v1/drafts/ley-de-prueba/provisions/{uid}/comments",
    "/api/v1/drafts/ley-de-prueba/amendments",
    "/api/v1/drafts/ley-de-prueba/snapshots",
    "/api/v1/drafts/ley-de-prueba/consensus",
    "/api/v1/audit",
]


def _links(header: str) -> dict[str, str]:
    return {rel: url for url, rel in re.findall(r'<([^>]+)>; rel="(\w+)"', header)}


@pytest.fixture
def busy_draft(db: Session) -> str:
    """A draft with 25 comments on Artículo 1 and 3 snapshots."""
    draft = make_draft(db)
    entry = entry_of(db, draft, "Artículo 1.")
    author = make_member(db)
    for n in range(25):
        comments.add_comment(db, author, draft, entry, body=f"Comentario {n}")
    for n in range(3):
        snapshots.freeze_snapshot(db, author, draft, f"Borrador {n}")
    db.commit()
    return entry.uid


@pytest.mark.parametrize("path", LISTS)
def test_every_list_follows_the_contract(
    client: TestClient, db: Session, busy_draft: str, path: str
) -> None:
    url = path.format(uid=busy_draft)
    headers = token_headers(db, "secretariat")
    first = client.get(url, params={"per_page": 2}, headers=headers)
    assert first.status_code == 200, first.text
    total = int(first.headers["X-Total-Count"])
    assert len(first.json()) == min(2, total)
    links = _links(first.headers["Link"])
    assert {"first", "last"} <= set(links)
    assert ("next" in links) == (total > 2)
    past_the_end = client.get(url, params={"page": total + 5, "per_page": 2}, headers=headers)
    assert past_the_end.status_code == 200 and past_the_end.json() == []
    assert client.get(url, params={"per_page": 101}, headers=headers).status_code == 422
    assert client.get(url, params={"page": 0}, headers=headers).status_code == 422


def test_following_next_visits_every_comment_once(
    client: TestClient, db: Session, busy_draft: str
) -> None:
    url: str | None = f"/api/v1/drafts/ley-de-prueba/provisions/{busy_draft}/comments?per_page=10"
    seen: list[int] = []
    while url:
        response = client.get(url)
        seen += [c["id"] for c in response.json()]
        url = _links(response.headers["Link"]).get("next")
    assert len(seen) == len(set(seen)) == 25


def test_a_page_in_memory() -> None:
    page = Page.of(list(range(45)), PageRequest(page=3, per_page=20))
    assert (page.items, page.total, page.pages, page.has_next) == (
        [40, 41, 42, 43, 44],
        45,
        3,
        False,
    )
    assert Page.of(list(range(5)), PageRequest(page=9, per_page=20)).items == []
