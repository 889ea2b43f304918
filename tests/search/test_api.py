"""GET /api/v1/search as API.md writes it, and the results page people reach from the header."""

import re

from fastapi.testclient import TestClient
from sqlmodel import Session

from app.comments import service as comments
from app.drafts.models import Draft
from tests.factories import entry_of, make_draft, make_member, sign_in, token_headers, uid_of


def private(db: Session, draft: Draft) -> Draft:
    draft.is_public = False
    db.add(draft)
    db.commit()
    return draft


class TestApi:
    def test_the_answer_has_exactly_the_fields_api_md_names(
        self, client: TestClient, db: Session
    ) -> None:
        draft = make_draft(db)
        response = client.get("/api/v1/search", params={"q": "Registro", "draft": draft.slug})
        assert response.status_code == 200
        assert response.json() == {
            "total": 1,
            "results": [
                {
                    "type": "provision",
                    "draft": draft.slug,
                    "uid": uid_of(db, draft, "Artículo 4."),
                    "id": None,
                    "label": "Artículo 4",
                    "snippet": "<mark>Registro</mark>. El <mark>registro</mark> es público.",
                }
            ],
        }
        assert response.headers["X-Total-Count"] == "1"

    def test_a_comment_result_names_its_clause_and_author(
        self, client: TestClient, db: Session
    ) -> None:
        draft = make_draft(db)
        author = make_member(db, name="Juana Mamani")
        entry = entry_of(db, draft, "Artículo 2.")
        comment = comments.add_comment(db, author, draft, entry, body="¿Y el mercurio?")
        db.commit()
        [result] = client.get("/api/v1/search", params={"q": "mercurio"}).json()["results"]
        assert result["type"] == "comment"
        assert (result["uid"], result["id"]) == (entry.uid, comment.id)
        assert result["label"] == "Comentario de Juana Mamani — Artículo 2"
        assert result["snippet"] == "¿Y el <mark>mercurio</mark>?"

    def test_results_are_paged_with_the_house_headers(
        self, client: TestClient, db: Session
    ) -> None:
        draft = make_draft(db)
        author = make_member(db)
        entry = entry_of(db, draft, "Artículo 2.")
        for n in range(3):
            comments.add_comment(db, author, draft, entry, body=f"Mercurio {n}")
        db.commit()
        response = client.get("/api/v1/search", params={"q": "mercurio", "per_page": 2})
        assert response.json()["total"] == 3 and len(response.json()["results"]) == 2
        assert 'rel="next"' in response.headers["Link"]
        past = client.get("/api/v1/search", params={"q": "mercurio", "per_page": 2, "page": 3})
        assert past.json() == {"total": 3, "results": []}

    def test_a_private_draft_is_searched_only_by_members(
        self, client: TestClient, db: Session
    ) -> None:
        draft = private(db, make_draft(db))
        assert client.get("/api/v1/search", params={"q": "registro"}).json()["total"] == 0
        named = client.get("/api/v1/search", params={"q": "registro", "draft": draft.slug})
        assert named.status_code == 401
        headers = token_headers(db, "observer")
        found = client.get("/api/v1/search", params={"q": "registro"}, headers=headers)
        assert found.json()["total"] == 1

    def test_bad_input_is_a_4xx_never_a_500(self, client: TestClient, db: Session) -> None:
        make_draft(db)
        refused: list[dict[str, str | int]] = [
            {},
            {"q": ""},
            {"q": "x" * 201},
            {"q": "a", "kind": "poem"},
            {"q": "a", "sector": "martians"},
            {"q": "a", "per_page": 0},
            {"q": "a", "page": 10**9},
            {"q": "a", "draft": "ley\x00"},
            {"q": "a", "article": "\x00"},
        ]
        for params in refused:
            assert client.get("/api/v1/search", params=params).status_code == 422, params
        assert client.get("/api/v1/search", params={"q": "a", "draft": "nope"}).status_code == 404
        # Characters FTS5 and tsquery would read as syntax are only words here.
        odd = [
            '"',
            "a AND OR NOT",
            "col:mercurio*",
            "(((",
            "'; DROP TABLE draft; --",
            "\\",
            "\x00a",
        ]
        for q in odd:
            assert client.get("/api/v1/search", params={"q": q}).status_code == 200, q


class TestPage:
    def test_the_header_box_is_on_every_page_and_works_without_javascript(
        self, client: TestClient, db: Session
    ) -> None:
        draft = make_draft(db)
        article = client.get(f"/drafts/{draft.slug}/provisions/{uid_of(db, draft, 'Artículo 4.')}")
        form = re.search(r'<form class="site-search"[^>]*action="([^"]+)"', article.text)
        assert form and form.group(1) == "/search"
        # On a draft's page the box searches that draft.
        assert f'name="draft" value="{draft.slug}"' in article.text
        assert 'class="site-search"' in client.get("/").text

    def test_results_are_grouped_labelled_and_highlighted(
        self, client: TestClient, db: Session
    ) -> None:
        draft = make_draft(db)
        author = make_member(db, name="Juana <b>Mamani</b>")
        entry = entry_of(db, draft, "Artículo 4.")
        comments.add_comment(db, author, draft, entry, body="El registro <img src=x> no basta")
        db.commit()
        page = client.get("/search", params={"q": "registro", "draft": draft.slug})
        assert page.status_code == 200
        html = page.text
        assert "Artículos y disposiciones (1)" in html and "Comentarios (1)" in html
        assert html.index("Artículo 4</a>") < html.index("Comentario de Juana")
        assert "Juana &lt;b&gt;Mamani&lt;/b&gt;" in html
        assert "El <mark>registro</mark> &lt;img src=x&gt; no basta" in html
        assert f'href="/drafts/{draft.slug}/provisions/{entry.uid}"' in html

    def test_a_hidden_comment_shows_to_the_secretariat_only(
        self, client: TestClient, db: Session
    ) -> None:
        draft = make_draft(db)
        author, secretariat = make_member(db), make_member(db, role="secretariat")
        entry = entry_of(db, draft, "Artículo 4.")
        comment = comments.add_comment(db, author, draft, entry, body="Pallaqueras")
        comments.hide_comment(db, secretariat, comment, "Datos personales de terceros")
        db.commit()
        assert "Comentarios (0)" in client.get("/search", params={"q": "pallaqueras"}).text
        sign_in(client, author)
        assert "Comentarios (0)" in client.get("/search", params={"q": "pallaqueras"}).text
        client.cookies.clear()
        sign_in(client, secretariat)
        html = client.get("/search", params={"q": "pallaqueras"}).text
        assert "Comentarios (1)" in html and "(oculto)" in html

    def test_an_empty_or_odd_query_shows_the_form(self, client: TestClient, db: Session) -> None:
        make_draft(db)
        for params in [{}, {"q": ""}, {"q": "x" * 1500}, {"kind": "poem", "q": "ley"}]:
            assert client.get("/search", params=params).status_code == 200, params


def test_following_next_visits_every_result_once_across_the_groups(
    client: TestClient, db: Session
) -> None:
    draft = make_draft(db)
    author = make_member(db)
    for label in ["Artículo 1.", "Artículo 2.", "Artículo 4."]:
        entry = entry_of(db, draft, label)
        for n in range(4):
            comments.add_comment(db, author, draft, entry, body=f"Sobre la presente Ley ({n})")
    db.commit()
    url: str | None = "/api/v1/search?q=ley&per_page=5"
    seen: list[tuple[str, str | None, int | None]] = []
    while url:
        response = client.get(url)
        seen += [(r["type"], r["uid"], r["id"]) for r in response.json()["results"]]
        url = _links(response.headers["Link"]).get("next")
    assert len(seen) == len(set(seen)) == response.json()["total"]
    kinds = [kind for kind, _uid, _id in seen]
    assert kinds == sorted(kinds, key=["provision", "motives", "amendment", "comment"].index)
    assert kinds.count("comment") == 12


def _links(header: str) -> dict[str, str]:
    return {rel: url for url, rel in re.findall(r'<([^>]+)>; rel="(\w+)"', header)}
