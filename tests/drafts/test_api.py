from fastapi.testclient import TestClient
from sqlmodel import Session

from tests.factories import make_draft


def test_health_names_the_database(client: TestClient, db: Session) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": db.get_bind().dialect.name}


class TestDrafts:
    def test_lists_drafts(self, client: TestClient, db: Session) -> None:
        make_draft(db)
        assert client.get("/api/v1/drafts").json() == [
            {"slug": "ley-de-prueba", "title": "Ley de prueba", "phase": "open"}
        ]

    def test_draft_lists_provisions_in_document_order_with_parents(
        self, client: TestClient, db: Session
    ) -> None:
        make_draft(db)
        body = client.get("/api/v1/drafts/ley-de-prueba").json()
        provisions = body["provisions"]
        assert [p["label"] for p in provisions][:6] == [
            "TÍTULO PRELIMINAR",
            "Artículo I.",
            "TÍTULO I",
            "CAPÍTULO I",
            "Artículo 1.",
            "Artículo 2.",
        ]
        by_label = {p["label"]: p for p in provisions if p["kind"] == "articulo"}
        capitulo = next(p for p in provisions if p["kind"] == "capitulo")
        assert by_label["Artículo 1."]["parent"] == capitulo["uid"]
        assert by_label["Artículo 1."]["heading"] == "Objeto de la Ley"
        assert by_label["Artículo 1."]["version"] == 1

    def test_provision_has_its_text(self, client: TestClient, db: Session) -> None:
        make_draft(db)
        provisions = client.get("/api/v1/drafts/ley-de-prueba").json()["provisions"]
        uid = next(p["uid"] for p in provisions if p["label"] == "Artículo 2.")
        body = client.get(f"/api/v1/drafts/ley-de-prueba/provisions/{uid}").json()
        assert body["label"] == "Artículo 2."
        assert body["text"] == (
            "2.1 Se aplica en todo el territorio nacional.\n2.2 No comprende a la gran minería."
        )


class TestNotFound:
    def test_unknown_draft_is_a_404_with_the_error_shape(self, client: TestClient) -> None:
        response = client.get("/api/v1/drafts/no-existe")
        assert response.status_code == 404
        assert response.json()["error"]["code"] == "not_found"
        assert "no-existe" in response.json()["error"]["message"]

    def test_unknown_provision_is_a_404_with_the_error_shape(
        self, client: TestClient, db: Session
    ) -> None:
        make_draft(db)
        response = client.get("/api/v1/drafts/ley-de-prueba/provisions/nada")
        assert response.status_code == 404
        assert response.json()["error"]["code"] == "not_found"

    def test_unknown_api_route_is_json(self, client: TestClient) -> None:
        response = client.get("/api/v1/nothing-here")
        assert response.status_code == 404
        assert response.json()["error"]["code"] == "not_found"
