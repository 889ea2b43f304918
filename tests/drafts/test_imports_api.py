"""POST /api/v1/imports and the secretariat's import page: a preview writes nothing and says
what was recognized; an import writes the law with its notes; only the secretariat imports."""

import html
import re
from pathlib import Path

from fastapi.testclient import TestClient
from sqlmodel import Session, select

from app.drafts import service
from app.drafts.models import Draft
from app.drafts.notes import EditorialNote
from tests.factories import make_member, post_form, sign_in, token_headers

REAL = Path(__file__).parent / "data" / "real"
LAW = "ley-29325-spij.txt"


def upload(client: TestClient, headers: dict[str, str], **fields: str) -> object:
    return client.post(
        "/api/v1/imports",
        files={"file": (LAW, (REAL / LAW).read_bytes(), "text/plain")},
        data={"slug": "ley-29325", **fields},
        headers=headers,
    )


class TestImportApi:
    def test_preview_reports_what_it_recognized_and_writes_nothing(
        self, client: TestClient, db: Session
    ) -> None:
        response = upload(client, token_headers(db, "secretariat"), preview="true")
        assert response.status_code == 200
        body = response.json()
        assert body["slug"] == "ley-29325"
        assert body["counts"]["articulo"] == 33
        assert body["counts"]["titulo"] == 6
        assert body["counts"]["disposicion"] == 15
        assert body["notes"] == 57
        assert body["unrecognized"] == []
        assert db.exec(select(Draft)).all() == []

    def test_import_writes_the_law_in_force_with_its_notes(
        self, client: TestClient, db: Session
    ) -> None:
        response = upload(client, token_headers(db, "secretariat"), preview="false")
        assert response.status_code == 201
        assert response.json()["counts"]["articulo"] == 33
        draft = service.get_draft(db, "ley-29325")
        assert draft.numbering == "fixed"
        labels = [e.label.text for e in service.load_outline(db, draft).entries]
        assert "Artículo 13-A." in labels
        notes = db.exec(select(EditorialNote).where(EditorialNote.draft_id == draft.id)).all()
        assert len(notes) == 57

    def test_lines_it_cannot_place_are_listed_with_their_number(
        self, client: TestClient, db: Session
    ) -> None:
        text = (
            (REAL / LAW)
            .read_text()
            .replace(
                "TÍTULO II\n\n\nENTIDADES COMPETENTES\n",
                "TÍTULO II\n\n\nENTIDADES COMPETENTES\n\nUna frase suelta, sin lugar.\n",
            )
        )
        response = client.post(
            "/api/v1/imports",
            files={"file": (LAW, text.encode(), "text/plain")},
            data={"slug": "ley-29325", "preview": "true"},
            headers=token_headers(db, "secretariat"),
        )
        [line] = response.json()["unrecognized"]
        assert line["text"] == "Una frase suelta, sin lugar."
        assert text.splitlines()[line["line"] - 1] == line["text"]

    def test_a_bad_file_names_its_line(self, client: TestClient, db: Session) -> None:
        response = client.post(
            "/api/v1/imports",
            files={"file": ("ley.txt", b"LEY X\n\nArticulo 2.- A\n\nx\n\nArticulo 1.- B\n\ny\n")},
            data={"slug": "ley-x", "preview": "true"},
            headers=token_headers(db, "secretariat"),
        )
        assert response.status_code == 422
        assert response.json()["error"]["code"] == "invalid_draft"
        assert "7" in response.json()["error"]["message"]

    def test_a_taken_slug_is_refused_before_importing(
        self, client: TestClient, db: Session
    ) -> None:
        headers = token_headers(db, "secretariat")
        assert upload(client, headers).status_code == 201
        again = upload(client, headers, preview="true")
        assert again.status_code == 409
        assert again.json()["error"]["code"] == "slug_taken"

    def test_only_the_secretariat_imports(self, client: TestClient, db: Session) -> None:
        assert upload(client, token_headers(db, "member")).status_code == 403
        assert db.exec(select(Draft)).all() == []

    def test_a_file_too_large_is_refused_with_a_clear_error(
        self, client: TestClient, db: Session
    ) -> None:
        response = client.post(
            "/api/v1/imports",
            files={"file": ("ley.txt", b"x" * (5 * 1024 * 1024))},
            data={"slug": "ley-x"},
            headers=token_headers(db, "secretariat"),
        )
        assert response.status_code == 413
        assert response.json()["error"]["message"]


class TestImportPage:
    def test_upload_preview_then_import(self, client: TestClient, db: Session) -> None:
        sign_in(client, make_member(db, role="secretariat"))
        assert (
            "/imports/new" in client.get("/").text or "/imports/new" in client.get("/drafts").text
        )
        token = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/imports/new").text)
        assert token
        preview = client.post(
            "/imports/preview",
            files={"file": (LAW, (REAL / LAW).read_bytes(), "text/plain")},
            data={"slug": "ley-29325", "csrf_token": token[1]},
        )
        assert preview.status_code == 200
        assert "Artículo" in preview.text and "57" in preview.text
        assert db.exec(select(Draft)).all() == []
        fields = dict(
            re.findall(r'<input type="hidden" name="([a-z_]+)" value="([^"]*)"', preview.text)
        )
        fields = {name: html.unescape(value) for name, value in fields.items()}
        response = client.post("/imports", data=fields, follow_redirects=False)
        assert response.status_code == 303
        draft = service.get_draft(db, "ley-29325")
        outline = service.load_outline(db, draft)
        assert len([e for e in outline.entries if e.kind == "articulo"]) == 33
        # The article page shows its SPIJ notes apart from the law text.
        article = next(e for e in outline.entries if e.label.text == "Artículo 10.")
        page = client.get(f"/drafts/ley-29325/provisions/{article.uid}")
        assert "Nota editorial (SPIJ)" in page.text or "Editorial note (SPIJ)" in page.text
        assert "Artículo modificado por el Artículo 2 del Decreto Legislativo N° 1389" in page.text

    def test_members_may_not_import(self, client: TestClient, db: Session) -> None:
        sign_in(client, make_member(db, role="member"))
        assert client.get("/imports/new").status_code == 403
        response = post_form(client, "/imports", {"content": "x", "slug": "ley-x"})
        assert response.status_code == 403
