"""The API and pages of versions, diffs, secretariat edits and snapshots."""

from fastapi.testclient import TestClient
from sqlmodel import Session

from app.drafts import service
from tests.factories import csrf_token, make_draft, make_member, sign_in, token_headers

BASE = "/api/v1/drafts/ley-de-prueba"


def uid_of(db: Session, label: str) -> str:
    draft = service.get_draft(db, "ley-de-prueba")
    return next(e.uid for e in service.load_outline(db, draft).entries if e.label.text == label)


class TestApi:
    def test_revise_then_versions_and_diff(self, client: TestClient, db: Session) -> None:
        make_draft(db)
        uid = uid_of(db, "Artículo 1.")
        headers = token_headers(db, "secretariat")
        body = {
            "expected_version": 1,
            "text": "La presente Ley tiene por objeto ordenar la formalización.",
            "reason": "Errata",
        }
        response = client.post(f"{BASE}/provisions/{uid}/revise", json=body, headers=headers)
        assert response.status_code == 200 and response.json() == {"version": 2}

        versions = client.get(f"{BASE}/provisions/{uid}/versions").json()
        assert [(v["version"], v["source"], v["reason"]) for v in versions] == [
            (1, "import", None),
            (2, "edit", "Errata"),
        ]
        diff = client.get(f"{BASE}/provisions/{uid}/diff?from=1&to=2").json()
        assert diff["from"] == 1 and diff["to"] == 2
        assert ["-", "promover"] in diff["ops"] and ["+", "ordenar"] in diff["ops"]
        reverse = client.get(f"{BASE}/provisions/{uid}/diff?from=2&to=1").json()
        assert ["+", "promover"] in reverse["ops"]

    def test_a_stale_revise_is_409_with_the_current_version(
        self, client: TestClient, db: Session
    ) -> None:
        make_draft(db)
        uid = uid_of(db, "Artículo 1.")
        headers = token_headers(db, "secretariat")
        body = {"expected_version": 1, "text": "Uno.", "reason": "x"}
        assert (
            client.post(f"{BASE}/provisions/{uid}/revise", json=body, headers=headers).status_code
            == 200
        )
        body["text"] = "Dos."
        response = client.post(f"{BASE}/provisions/{uid}/revise", json=body, headers=headers)
        assert response.status_code == 409
        assert response.json()["error"]["code"] == "stale_version"
        assert response.json()["error"]["current_version"] == 2

    def test_unknown_versions_and_snapshots_are_404(self, client: TestClient, db: Session) -> None:
        make_draft(db)
        uid = uid_of(db, "Artículo 1.")
        for url in (
            f"{BASE}/provisions/{uid}/diff?from=1&to=9",
            f"{BASE}/compare?from=99&to=current",
        ):
            response = client.get(url)
            assert response.status_code == 404
            assert response.json()["error"]["code"] == "not_found"

    def test_members_cannot_revise(self, client: TestClient, db: Session) -> None:
        make_draft(db)
        body = {"expected_version": 1, "text": "x", "reason": "x"}
        response = client.post(
            f"{BASE}/provisions/{uid_of(db, 'Artículo 1.')}/revise",
            json=body,
            headers=token_headers(db, "member"),
        )
        assert response.status_code == 403

    def test_insert_delete_and_compare(self, client: TestClient, db: Session) -> None:
        make_draft(db)
        headers = token_headers(db, "secretariat")
        snapshot = client.post(f"{BASE}/snapshots", json={"label": "Borrador 1"}, headers=headers)
        assert snapshot.status_code == 201
        snapshot_id = snapshot.json()["id"]
        body = {
            "kind": "articulo",
            "after": uid_of(db, "Artículo 1."),
            "heading": "Nuevo",
            "text": "Texto nuevo.",
            "reason": "Acuerdo",
        }
        inserted = client.post(f"{BASE}/provisions", json=body, headers=headers)
        assert inserted.status_code == 201 and inserted.json()["label"] == "Artículo 2."
        deleted = client.delete(
            f"{BASE}/provisions/{uid_of(db, 'Artículo 4.')}?reason=Duplicado", headers=headers
        )
        assert deleted.status_code == 200

        changes = client.get(f"{BASE}/compare?from={snapshot_id}&to=current").json()["changes"]
        kinds = [c["change"] for c in changes]
        assert kinds.count("added") == 1 and kinds.count("removed") == 1
        renumbered = [c for c in changes if c["change"] == "renumbered"]
        assert ("Artículo 2.", "Artículo 3.") in [
            (c["from_label"], c["to_label"]) for c in renumbered
        ]
        assert client.get(f"{BASE}/snapshots").json()[0]["label"] == "Borrador 1"

    def test_delete_without_reason_is_422(self, client: TestClient, db: Session) -> None:
        make_draft(db)
        response = client.delete(
            f"{BASE}/provisions/{uid_of(db, 'Artículo 4.')}",
            headers=token_headers(db, "secretariat"),
        )
        assert response.status_code == 422
        assert response.json()["error"]["field"] == "reason"


class TestPages:
    def test_the_secretariat_revises_through_the_form(
        self, client: TestClient, db: Session
    ) -> None:
        make_draft(db)
        sign_in(client, make_member(db, role="secretariat"))
        uid = uid_of(db, "Artículo 1.")
        page = f"/drafts/ley-de-prueba/provisions/{uid}/edit"
        data = {
            "csrf_token": csrf_token(client, page),
            "expected_version": "1",
            "text": "La presente Ley tiene por objeto ordenar la formalización.",
            "heading": "Objeto de la Ley",
            "reason": "Errata",
        }
        response = client.post(page, data=data, follow_redirects=False)
        assert response.status_code == 303
        history = client.get(f"/drafts/ley-de-prueba/provisions/{uid}/history").text
        assert "Errata" in history
        diff = client.get(f"/drafts/ley-de-prueba/provisions/{uid}/diff?from=1&to=2").text
        assert "<del>" in diff and "promover" in diff and "<ins>" in diff
        side = client.get(f"/drafts/ley-de-prueba/provisions/{uid}/diff?from=1&to=2&view=side").text
        assert 'class="diff side-by-side"' in side

    def test_an_empty_reason_is_a_form_error_that_keeps_the_text(
        self, client: TestClient, db: Session
    ) -> None:
        make_draft(db)
        sign_in(client, make_member(db, role="secretariat"))
        page = f"/drafts/ley-de-prueba/provisions/{uid_of(db, 'Artículo 1.')}/edit"
        data = {
            "csrf_token": csrf_token(client, page),
            "expected_version": "1",
            "text": "Mi texto cuidadosamente escrito.",
            "reason": "",
        }
        response = client.post(page, data=data)
        assert response.status_code == 422
        assert 'role="alert"' in response.text
        assert "Mi texto cuidadosamente escrito." in response.text

    def test_a_stale_form_shows_the_current_text(self, client: TestClient, db: Session) -> None:
        make_draft(db)
        sign_in(client, make_member(db, role="secretariat"))
        page = f"/drafts/ley-de-prueba/provisions/{uid_of(db, 'Artículo 1.')}/edit"
        first = {
            "csrf_token": csrf_token(client, page),
            "expected_version": "1",
            "text": "Primera.",
            "reason": "x",
        }
        client.post(page, data=first)
        second = {**first, "text": "Segunda.", "csrf_token": csrf_token(client, page)}
        response = client.post(page, data=second)
        assert response.status_code == 409
        assert "Primera." in response.text and "Segunda." in response.text

    def test_snapshot_pages_and_what_changed(self, client: TestClient, db: Session) -> None:
        make_draft(db)
        sign_in(client, make_member(db, role="secretariat"))
        snapshots_page = "/drafts/ley-de-prueba/snapshots"
        response = client.post(
            snapshots_page,
            data={"csrf_token": csrf_token(client, snapshots_page), "label": "Borrador 1"},
            follow_redirects=False,
        )
        assert response.status_code == 303
        snapshot_url = response.headers["location"]
        uid = uid_of(db, "Artículo 2.")
        edit = f"/drafts/ley-de-prueba/provisions/{uid}/edit"
        client.post(
            edit,
            data={
                "csrf_token": csrf_token(client, edit),
                "expected_version": "1",
                "text": "2.1 Se aplica en todo el país.",
                "reason": "Estilo",
            },
        )
        snapshot_id = snapshot_url.rsplit("/", 1)[1]
        contents = client.get(f"/drafts/ley-de-prueba?since={snapshot_id}").text
        assert "1 disposición cambió desde «Borrador 1»." in contents
        article = client.get(f"/drafts/ley-de-prueba/provisions/{uid}").text
        assert "?from=1&amp;to=2" in article
        old = client.get(f"{snapshot_url}/provisions/{uid}").text
        assert "2.1 Se aplica en todo el territorio nacional." in old
        compare = client.get(f"/drafts/ley-de-prueba/compare?from={snapshot_id}&to=current").text
        assert "<del>" in compare and "territorio nacional" in compare
