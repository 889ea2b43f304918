"""Exports: the Markdown round trip, JSON with everything, bad input, audit, the CLI."""

import json
import re
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, col, select

from app.amendments import service as amendments
from app.audit.models import AuditEvent
from app.core.config import ROOT
from app.drafts import editing, service, snapshots
from app.drafts.importing import parse_draft
from app.export import service as exports
from app.members import service as members
from tests.factories import make_draft, make_member, sign_in, uid_of

SHIPPED = ROOT / "drafts" / "mineria-artesanal.md"


def shape(markdown: str) -> list[tuple[str, str, str]]:
    parsed = parse_draft(markdown.encode(), markdown=True)
    return [(p.kind, p.heading, p.text) for p in parsed.walk()]


class TestMarkdown:
    def test_importing_an_export_gives_back_the_same_structure_and_text(self, db: Session) -> None:
        draft = service.import_file(db, SHIPPED)
        file = exports.render(db, draft, "md")
        assert shape(file.content.decode()) == shape(SHIPPED.read_text(encoding="utf-8"))
        again = parse_draft(file.content, markdown=True)
        assert (again.title, again.slug) == (
            "Ley de la Minería Artesanal y de Pequeña Escala",
            "mineria-artesanal",
        )

    def test_a_snapshot_exports_as_it_was(self, db: Session) -> None:
        draft = make_draft(db)
        secretariat = make_member(db, role="secretariat")
        frozen = snapshots.freeze_snapshot(db, secretariat, draft, "Borrador 1")
        editing.revise(
            db,
            secretariat,
            draft,
            uid=uid_of(db, draft, "Artículo 1."),
            expected_version=1,
            text="Texto nuevo.",
            heading=None,
            reason="x",
        )
        db.commit()
        then = exports.render(db, draft, "md", str(frozen.id)).content.decode()
        now = exports.render(db, draft, "md").content.decode()
        assert "promover la formalización" in then and "Texto nuevo." not in then
        assert "Texto nuevo." in now


class TestJson:
    def test_holds_every_provision_its_amendments_and_consensus(self, db: Session) -> None:
        draft = make_draft(db)
        author = make_member(db, name="Juana Mamani", organization="Federación")
        amendments.submit_amendment(
            db,
            author,
            draft,
            kind="modify",
            target_uid=uid_of(db, draft, "Artículo 1."),
            rationale="Claridad",
            base_version=1,
            text="Otro objeto.",
        )
        db.commit()
        body = json.loads(exports.render(db, draft, "json").content)
        assert body["draft"]["slug"] == "ley-de-prueba" and body["snapshot"] is None
        assert len(body["provisions"]) == 15
        article = next(p for p in body["provisions"] if p["label"] == "Artículo 1.")
        assert article["amendments"][0]["author"] == "Juana Mamani"
        assert article["consensus"]["status"] == "no_positions"


class TestApi:
    def headers(self, db: Session, role: str) -> dict[str, str]:
        _token, raw = members.create_api_token(db, make_member(db, role=role), "api")
        db.commit()
        return {"Authorization": f"Bearer {raw}"}

    def test_download_is_audited_with_its_hash(self, client: TestClient, db: Session) -> None:
        make_draft(db)
        response = client.get(
            "/api/v1/drafts/ley-de-prueba/export?format=md", headers=self.headers(db, "secretariat")
        )
        assert response.status_code == 200
        assert response.headers["content-disposition"] == 'attachment; filename="ley-de-prueba.md"'
        event = db.exec(select(AuditEvent).order_by(col(AuditEvent.seq).desc())).first()
        assert event is not None and event.action == "draft.exported"
        assert event.details["sha256"] == response.headers["x-content-sha256"]

    @pytest.mark.parametrize(
        ("query", "status", "code"),
        [("format=pptx", 422, "invalid_input"), ("format=md&snapshot=999", 404, "not_found")],
        ids=["unknown format", "unknown snapshot"],
    )
    def test_bad_input_gets_the_error_shape(
        self, client: TestClient, db: Session, query: str, status: int, code: str
    ) -> None:
        make_draft(db)
        response = client.get(
            f"/api/v1/drafts/ley-de-prueba/export?{query}", headers=self.headers(db, "secretariat")
        )
        assert response.status_code == status and response.json()["error"]["code"] == code

    def test_members_cannot_export(self, client: TestClient, db: Session) -> None:
        make_draft(db)
        response = client.get(
            "/api/v1/drafts/ley-de-prueba/export?format=md", headers=self.headers(db, "member")
        )
        assert response.status_code == 403


def test_a_draft_without_articles_is_a_clear_error(db: Session) -> None:
    from app.drafts.models import Provision

    draft = make_draft(db)
    for provision in db.exec(select(Provision).where(Provision.kind == "articulo")).all():
        editing.delete_provision(db, None, draft, uid=provision.uid, reason="vaciar")
    with pytest.raises(exports.documents.NothingToExport):
        exports.render(db, draft, "md")


def test_the_command_line_writes_the_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from app.cli import main
    from app.core import migrate
    from app.core.config import get_settings

    url = f"sqlite:///{tmp_path / 'export.db'}"
    monkeypatch.setenv("MESA_DATABASE_URL", url)
    get_settings.cache_clear()
    try:
        migrate.upgrade(url)
        assert main(["seed"]) == 0
        output = tmp_path / "ley.md"
        assert main(["export", "mineria-artesanal", "--format", "md", "-o", str(output)]) == 0
        assert shape(output.read_text(encoding="utf-8")) == shape(
            SHIPPED.read_text(encoding="utf-8")
        )
    finally:
        get_settings.cache_clear()


def test_akoma_ntoso_is_served_as_xml(db: Session) -> None:
    draft = make_draft(db)
    file = exports.render(db, draft, "akn")
    assert (file.filename, file.media_type) == ("ley-de-prueba.xml", "application/xml")
    assert b"http://docs.oasis-open.org/legaldocml/ns/akn/3.0" in file.content


def test_the_export_page_names_formats_in_words_with_word_first(
    client: TestClient, db: Session
) -> None:
    draft = make_draft(db)
    sign_in(client, make_member(db, role="secretariat"))
    page = client.get(f"/drafts/{draft.slug}/export").text
    options = re.findall(r'<option value="([a-z-]+)"( selected)?>([^<]+)</option>', page)
    assert options[0] == ("docx", " selected", "Word (.docx)")
    names = {value: name for value, _selected, name in options}
    assert names["docx-tracked"] == "Word con control de cambios frente a la base (.docx)"
    assert names["akn"] == "Akoma Ntoso (XML)" and names["zip"] == "Todo en un paquete ZIP"
    assert "Preparando el archivo" in page  # said while a long export renders (with JS)
