import gzip
import re
import zlib

from fastapi.testclient import TestClient
from sqlmodel import Session

from app.drafts import service
from tests.factories import make_draft, make_member, sign_in, uid_of


def article_uid(db: Session, label: str) -> str:
    draft = service.get_draft(db, "ley-de-prueba")
    return next(e.uid for e in service.load_outline(db, draft).entries if e.label.text == label)


class TestReading:
    def test_contents_nest_articles_under_titulos_and_capitulos(
        self, client: TestClient, db: Session
    ) -> None:
        make_draft(db)
        page = client.get("/drafts/ley-de-prueba").text
        assert "<h1>Ley de prueba</h1>" in page
        titulo = page.index("TÍTULO I</span>")
        capitulo = page.index("CAPÍTULO I</span>")
        article = page.index("Artículo 1.</span> Objeto de la Ley")
        assert titulo < capitulo < article
        assert "DISPOSICIÓN COMPLEMENTARIA DEROGATORIA" in page

    def test_article_page_lays_out_numerales_and_links_its_neighbours(
        self, client: TestClient, db: Session
    ) -> None:
        make_draft(db)
        page = client.get(f"/drafts/ley-de-prueba/provisions/{article_uid(db, 'Artículo 2.')}").text
        assert '<span class="label">Artículo 2.</span> Ámbito' in page
        assert '<p class="numeral">2.1 Se aplica en todo el territorio nacional.</p>' in page
        assert re.search(r'rel="prev" href="[^"]+">.*Artículo 1\.', page)
        assert re.search(r'rel="next" href="[^"]+">.*Artículo 3\.', page)
        assert "Versión 1" in page

    def test_first_article_has_no_previous_link(self, client: TestClient, db: Session) -> None:
        make_draft(db)
        page = client.get(f"/drafts/ley-de-prueba/provisions/{article_uid(db, 'Artículo I.')}").text
        assert 'rel="prev"' not in page
        assert 'rel="next"' in page


class TestLanguage:
    def test_spanish_by_default(self, client: TestClient, db: Session) -> None:
        make_draft(db)
        page = client.get("/drafts/ley-de-prueba").text
        assert '<html lang="es">' in page
        assert "Contenido" in page

    def test_switch_to_english_persists(self, client: TestClient, db: Session) -> None:
        make_draft(db)
        response = client.get("/language/en?next=/drafts/ley-de-prueba", follow_redirects=False)
        assert response.status_code == 303
        assert response.headers["location"] == "/drafts/ley-de-prueba"
        page = client.get("/drafts/ley-de-prueba").text
        assert '<html lang="en">' in page
        assert "Contents" in page
        # The law's own text is never translated.
        assert "DISPOSICIONES COMPLEMENTARIAS FINALES" in page

    def test_switch_refuses_to_redirect_elsewhere(self, client: TestClient) -> None:
        for target in ("https://example.org/", "//example.org/", "/\\example.org"):
            response = client.get(f"/language/es?next={target}", follow_redirects=False)
            assert response.headers["location"] == "/"


class TestErrors:
    def test_404_page_in_spanish(self, client: TestClient) -> None:
        response = client.get("/drafts/no-existe")
        assert response.status_code == 404
        assert '<html lang="es">' in response.text
        assert "No existe el borrador «no-existe»." in response.text

    def test_404_page_in_english(self, client: TestClient) -> None:
        client.get("/language/en")
        response = client.get("/drafts/no-existe/provisions/x")
        assert response.status_code == 404
        assert "There is no draft «no-existe»." in response.text


class TestResponses:
    def test_pages_are_compressed(self, client: TestClient, db: Session) -> None:
        make_draft(db)
        response = client.get("/drafts/ley-de-prueba", headers={"Accept-Encoding": "gzip"})
        assert response.headers["content-encoding"] == "gzip"

    def test_a_page_served_again_is_compressed_harder_than_a_members_own(
        self, client: TestClient, db: Session
    ) -> None:
        """The anonymous page, kept and served to every reader, at zlib's level 6; a member's,
        rendered for them alone on every request, at the faster level 3."""
        draft = make_draft(db)
        page = f"/drafts/{draft.slug}/provisions/{uid_of(db, draft, 'Artículo 1.')}"

        def sent() -> bytes:
            with client.stream("GET", page, headers={"Accept-Encoding": "gzip"}) as response:
                assert response.headers["content-encoding"] == "gzip"
                return b"".join(response.iter_raw())

        def at_level(level: int, body: bytes) -> bytes:
            compressor = zlib.compressobj(level, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
            return compressor.compress(body) + compressor.flush()

        shared = sent()
        body = gzip.decompress(shared)
        assert at_level(6, body) != at_level(3, body)  # the levels tell apart on this page
        assert shared == at_level(6, body)
        sign_in(client, make_member(db))
        own = sent()
        assert own == at_level(3, gzip.decompress(own))

    def test_security_headers(self, client: TestClient) -> None:
        headers = client.get("/").headers
        assert "script-src 'self'" in headers["content-security-policy"]
        assert "object-src 'none'" in headers["content-security-policy"]
        assert headers["x-content-type-options"] == "nosniff"

    def test_pages_load_nothing_from_other_servers(self, client: TestClient, db: Session) -> None:
        make_draft(db)
        page = client.get("/drafts/ley-de-prueba").text
        assert not re.search(r'(src|href)="(https?:)?//', page)


def test_an_article_page_costs_the_same_queries_however_long_its_thread(
    client: TestClient, db: Session
) -> None:
    """No N+1: the number of queries does not grow with comments, replies or authors."""
    from sqlalchemy import event

    from app.comments import service as comments
    from tests.factories import make_member

    draft = make_draft(db)
    members = [make_member(db, name=f"Persona {n}") for n in range(4)]

    def queries_for(label: str, comment_count: int) -> int:
        entry = next(e for e in service.load_outline(db, draft).entries if e.label.text == label)
        for n in range(comment_count):
            parent = comments.add_comment(db, members[n % 4], draft, entry, body=f"Comentario {n}")
            comments.add_comment(
                db, members[(n + 1) % 4], draft, entry, body="Respuesta", parent_id=parent.id
            )
        db.commit()
        count = [0]

        def tally(*_args: object) -> None:
            count[0] += 1

        event.listen(db.get_bind(), "before_cursor_execute", tally)
        try:
            assert client.get(f"/drafts/ley-de-prueba/provisions/{entry.uid}").status_code == 200
        finally:
            event.remove(db.get_bind(), "before_cursor_execute", tally)
        return count[0]

    assert queries_for("Artículo 1.", 2) == queries_for("Artículo 2.", 30)
