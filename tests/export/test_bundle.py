"""DOCX through the service, the ZIP bundle and its manifest, and LibreOffice reading the DOCX."""

import hashlib
import io
import json
import zipfile
from pathlib import Path

import pytest
from docx import Document
from sqlmodel import Session

from app.amendments import service as amendments
from app.core.errors import InvalidInput
from app.drafts import snapshots
from app.drafts.models import Draft
from app.export import service as exports
from tests.factories import make_draft, make_member, uid_of
from tests.libreoffice import convert_to_pdf, require_libreoffice


def with_an_accepted_amendment(db: Session) -> tuple[Draft, str]:
    draft = make_draft(db)
    secretariat = make_member(db, role="secretariat")
    base = snapshots.freeze_snapshot(db, secretariat, draft, "Borrador 1")
    db.commit()
    author = make_member(
        db, name="Juana Mamani", organization="Federación de Mineros", sector="miners_organization"
    )
    amendment = amendments.submit_amendment(
        db,
        author,
        draft,
        kind="modify",
        target_uid=uid_of(db, draft, "Artículo 1."),
        rationale="Claridad",
        base_version=1,
        text="La presente Ley tiene por objeto ordenar la formalización.",
    )
    amendments.accept(
        db, secretariat, draft, amendment, expected_version=1, reason="Acogida por claridad"
    )
    db.commit()
    return draft, str(base.id)


def test_docx_with_the_comparative_table_names_the_source(db: Session) -> None:
    draft, base = with_an_accepted_amendment(db)
    file = exports.render(db, draft, "docx", base_id=base)
    word = Document(io.BytesIO(file.content))
    table_text = "\n".join(
        cell.text for table in word.tables for row in table.rows for cell in row.cells
    )
    assert "Federación de Mineros (Organizaciones de mineros): Acogida por claridad" in table_text


def test_tracked_changes_need_a_base(db: Session) -> None:
    draft, base = with_an_accepted_amendment(db)
    with pytest.raises(InvalidInput):
        exports.render(db, draft, "docx-tracked")
    tracked = exports.render(db, draft, "docx-tracked", base_id=base)
    with zipfile.ZipFile(io.BytesIO(tracked.content)) as package:
        xml = package.read("word/document.xml").decode()
    assert 'w:author="Federación de Mineros"' in xml


def test_the_bundle_manifest_matches_its_files(db: Session) -> None:
    draft, base = with_an_accepted_amendment(db)
    file = exports.render(db, draft, "zip", base_id=base)
    with zipfile.ZipFile(io.BytesIO(file.content)) as bundle:
        manifest = json.loads(bundle.read("manifest.json"))
        names = {entry["name"] for entry in manifest["files"]}
        assert names == {
            "ley-de-prueba.md",
            "ley-de-prueba.json",
            "ley-de-prueba.html",
            "ley-de-prueba.pdf",
            "ley-de-prueba.xml",
            "ley-de-prueba.docx",
            "ley-de-prueba.cambios.docx",
        }
        for entry in manifest["files"]:
            content = bundle.read(entry["name"])
            assert hashlib.sha256(content).hexdigest() == entry["sha256"]
            assert len(content) == entry["bytes"]
    assert manifest["base"]["label"] == "Borrador 1" and manifest["snapshot"] is None
    assert len(manifest["audit_head_hash"]) == 64


def test_libreoffice_converts_both_docx_to_pdf(db: Session, tmp_path: Path) -> None:
    require_libreoffice()
    draft, base = with_an_accepted_amendment(db)
    for fmt in ("docx", "docx-tracked"):
        file = exports.render(db, draft, fmt, base_id=base)
        source = tmp_path / file.filename
        source.write_bytes(file.content)
        convert_to_pdf(source, tmp_path)


def test_annexes_list_every_contribution_and_each_clause_consensus(db: Session) -> None:
    draft, _base = with_an_accepted_amendment(db)
    author = make_member(db, name="Rosa Villanueva", organization="Defensoría", sector="ombudsman")
    withdrawn = amendments.submit_amendment(
        db,
        author,
        draft,
        kind="modify",
        target_uid=uid_of(db, draft, "Artículo 2."),
        rationale="Otro alcance",
        base_version=1,
        text="2.1 Se aplica en todo el país.",
    )
    amendments.withdraw(db, author, withdrawn)
    db.commit()
    page = exports.render(db, draft, "html", with_annexes={"aportes", "consenso"}).content.decode()
    assert "Anexo: matriz de aportes" in page and "Anexo: informe de consenso" in page
    assert "Federación de Mineros" in page and "Acogida por claridad" in page
    assert "Retirada" in page and "Rosa Villanueva<br>Defensoría" in page
    assert page.count("Aún sin posiciones") == 8  # every clause of the test law, in the report
    plain = exports.render(db, draft, "html").content.decode()
    assert "Federación de Mineros" not in plain  # annexes only when asked for


def test_an_unknown_annex_is_refused(db: Session) -> None:
    draft = make_draft(db)
    with pytest.raises(InvalidInput):
        exports.render(db, draft, "html", with_annexes={"anexo-x"})


def test_a_base_later_than_the_exported_snapshot_is_allowed_and_said(db: Session) -> None:
    draft = make_draft(db)
    secretariat = make_member(db, role="secretariat")
    older = snapshots.freeze_snapshot(db, secretariat, draft, "Borrador 1")
    newer = snapshots.freeze_snapshot(db, secretariat, draft, "Borrador 2")
    db.commit()
    file = exports.render(db, draft, "docx", str(older.id), str(newer.id))
    assert file.note and "posterior" in file.note
    assert exports.render(db, draft, "docx", str(newer.id), str(older.id)).note is None
