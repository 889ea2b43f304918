"""Every XML export stays valid whatever characters a title, heading, text or name holds."""

from io import BytesIO
from zipfile import ZipFile

import docx
import pytest
from lxml import etree
from sqlmodel import Session

from app.drafts import editing, service, snapshots
from app.drafts.importing import parse_draft
from app.drafts.models import Draft
from app.export import document as documents
from app.export import docx as word
from app.export import service as exports
from app.export.changes import Credit, History, Step
from tests.factories import SMALL_LAW, make_member, uid_of

# What XML 1.0 forbids (Char production) and lxml refuses; a person can paste them.
FORBIDDEN = "\uffff\ufffe\x01\x1f"
TEXT = f"La presente Ley{FORBIDDEN} tiene por objeto promover la formalización."


@pytest.fixture
def draft(db: Session) -> Draft:
    law = SMALL_LAW.format(slug="ley-rara").replace("title: Ley de prueba", "title: Ley\uffff rara")
    draft = service.import_draft(db, parse_draft(law.encode(), markdown=True))
    secretariat = make_member(db, role="secretariat", organization="Secretaría\ufffe Técnica")
    snapshots.freeze_snapshot(db, secretariat, draft, "Borrador\uffff 1")
    uid = uid_of(db, draft, "Artículo 1.")
    editing.revise(
        db,
        secretariat,
        draft,
        uid=uid,
        expected_version=1,
        text=TEXT,
        heading=f"Objeto{FORBIDDEN} y fines",
        reason="Prueba",
    )
    db.commit()
    return draft


def parts(content: bytes) -> dict[str, bytes]:
    with ZipFile(BytesIO(content)) as package:
        return {name: package.read(name) for name in package.namelist() if name.endswith(".xml")}


def test_akoma_ntoso_is_well_formed(db: Session, draft: Draft) -> None:
    root = etree.fromstring(exports.render(db, draft, "akn").content)
    texts = " ".join(root.itertext())
    assert "Ley rara" in texts
    assert "Objeto y fines" in texts
    assert "La presente Ley tiene por objeto" in texts


@pytest.mark.parametrize("fmt", ["docx", "docx-tracked"])
def test_word_documents_are_well_formed(db: Session, draft: Draft, fmt: str) -> None:
    base = str(snapshots.list_snapshots(db, draft)[0].id)
    content = exports.render(db, draft, fmt, base_id=base).content
    for xml in parts(content).values():
        etree.fromstring(xml)  # raises on invalid XML
    document = docx.Document(BytesIO(content))
    assert document.core_properties.title == "Ley rara"
    assert any("Ley tiene por objeto" in p.text for p in document.paragraphs)


def test_a_tracked_change_author_with_forbidden_characters(db: Session, draft: Draft) -> None:
    base = documents.build(db, draft, str(snapshots.list_snapshots(db, draft)[0].id))
    new = documents.build(db, draft)
    uid = uid_of(db, draft, "Artículo 1.")
    federation = Credit("Federación\uffff de Mineros", new.generated_at)
    changed = History((Step(f"Objeto{FORBIDDEN} y fines", federation),), (Step(TEXT, federation),))
    content = word.render_tracked(new, base, {uid: changed})
    body = parts(content)["word/document.xml"]
    etree.fromstring(body)
    assert 'w:author="Federación de Mineros"' in body.decode()
