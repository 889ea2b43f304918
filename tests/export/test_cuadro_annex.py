"""The cuadro comparativo as an annex of the HTML and the PDF, the annexes fitting their pages,
and every export naming its snapshot, its base and the audit record's head."""

import io
import json
import re
import zipfile

import docx
import pytest
from fastapi.testclient import TestClient
from pypdf import PdfReader
from sqlmodel import Session, col, select

from app.audit.models import AuditEvent
from app.consensus import rules
from app.core.errors import InvalidInput
from app.core.i18n import _
from app.drafts.importing import parse_draft
from app.export import docx as word
from app.export import service as exports
from app.members.models import sector_names
from tests.export.test_bundle import with_an_accepted_amendment
from tests.factories import make_member, token_headers, uid_of

ANNEXES = {"cuadro", "aportes", "consenso"}


def cuadro_section(page: str) -> str:
    start = page.index('<section class="annex wide" id="cuadro">')
    return page[start : page.index("</section>", start)]


def head(db: Session) -> str:
    found = db.exec(select(AuditEvent.hash).order_by(col(AuditEvent.seq).desc())).first()
    assert found
    return found


class TestHtml:
    def test_only_the_changed_clauses_with_labelled_insertions_and_deletions(
        self, db: Session
    ) -> None:
        draft, base = with_an_accepted_amendment(db)
        page = exports.render(db, draft, "html", base_id=base, with_annexes={"cuadro"})
        cuadro = cuadro_section(page.content.decode())
        rows = re.findall(r'<tr id="cuadro-([0-9a-f-]+)">', cuadro)
        assert rows == [uid_of(db, draft, "Artículo 1.")]
        # "promover" gives way to "ordenar": struck, then a space, then underlined, each with
        # a label a screen reader says and a page does not show.
        assert re.search(
            r"<del><span class=\"visually-hidden\">\[[^]]+\] </span>promover<span"
            r"[^>]*> \[[^]]+\]</span></del> <ins><span class=\"visually-hidden\">",
            cuadro,
        ), cuadro
        assert ">ordenar<" in cuadro
        assert "Federación de Mineros (Organizaciones de mineros): Acogida por claridad" in cuadro
        every = exports.render(
            db, draft, "html", base_id=base, with_annexes={"cuadro"}, every_row=True
        ).content.decode()
        assert len(re.findall(r'<tr id="cuadro-', cuadro_section(every))) == 8

    def test_needs_a_base(self, db: Session) -> None:
        draft, _base = with_an_accepted_amendment(db)
        with pytest.raises(InvalidInput) as refused:
            exports.render(db, draft, "pdf", with_annexes={"cuadro"})
        assert refused.value.details["field"] == "base"

    def test_without_the_annex_there_is_no_cuadro(self, db: Session) -> None:
        draft, base = with_an_accepted_amendment(db)
        page = exports.render(db, draft, "html", base_id=base).content.decode()
        assert 'id="cuadro"' not in page


def pdf_pages(content: bytes) -> list[str]:
    return [" ".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(content)).pages]


def test_pdf_annexes_on_landscape_pages_with_every_column_and_sector(db: Session) -> None:
    draft, base = with_an_accepted_amendment(db)
    for sector in sector_names():  # a column for every sector in the consensus report
        make_member(db, sector=sector)
    content = exports.render(db, draft, "pdf", base_id=base, with_annexes=ANNEXES).content
    reader = PdfReader(io.BytesIO(content))
    pages = pdf_pages(content)
    title = _("Annex: comparative table").upper()
    first_annex = next(n for n, text in enumerate(pages) if title in text.upper())
    for page in reader.pages[first_annex:]:
        assert page.mediabox.width > page.mediabox.height  # landscape
    assert reader.pages[0].mediabox.width < reader.pages[0].mediabox.height
    annexes = " ".join(pages[first_annex:])
    headings = [
        *word.cuadro_titles(),
        _("No., date and channel"),
        _("Contributor"),
        _("Proposal"),
        _("Justification"),
        _("Outcome and reason"),
        _("Resulting version"),
        *rules.stance_names().values(),
        _("Status"),
        _("Explanation"),
        *sector_names().values(),
    ]
    missing = [heading for heading in headings if heading not in annexes]
    assert missing == []
    assert "ordenar" in annexes and "Acogida por claridad" in annexes


class TestProvenance:
    """Each file names its snapshot, its base and the record's head, to check at /registro."""

    def test_html_and_pdf_say_it_on_the_first_page(self, db: Session) -> None:
        draft, base = with_an_accepted_amendment(db)
        expected = head(db)
        page = exports.render(db, draft, "html", base_id=base).content.decode()
        assert f'<meta name="mesa-audit-head" content="{expected}">' in page
        assert f'<meta name="mesa-base" content="{base}">' in page
        first = pdf_pages(exports.render(db, draft, "pdf", base_id=base).content)[0]
        assert expected in first.replace(" ", "")
        assert "Borrador 1" in first

    def test_word_documents_say_it_on_the_first_page_and_in_their_properties(
        self, db: Session
    ) -> None:
        draft, base = with_an_accepted_amendment(db)
        for fmt in ("docx", "docx-tracked"):
            expected = head(db)
            file = exports.render(db, draft, fmt, base_id=base)
            document = docx.Document(io.BytesIO(file.content))
            assert document.core_properties.identifier == expected
            assert "Borrador 1" in document.core_properties.comments
            opening = "\n".join(p.text for p in document.paragraphs[:4])
            assert expected in opening and "Borrador 1" in opening
            exports.record(db, None, draft, file)  # the next export names the new head

    def test_markdown_says_it_in_its_header_and_still_imports(self, db: Session) -> None:
        draft, base = with_an_accepted_amendment(db)
        text = exports.render(db, draft, "md", base_id=base).content.decode()
        header = text[: text.index("---", 3)]
        assert f"audit_head: {head(db)}" in header
        assert f"base: {base} (Borrador 1)" in header
        assert parse_draft(text.encode(), markdown=True).slug == "ley-de-prueba"

    def test_json_and_the_bundle_manifest_name_the_same_head(self, db: Session) -> None:
        draft, base = with_an_accepted_amendment(db)
        body = json.loads(exports.render(db, draft, "json", base_id=base).content)
        assert body["audit_head_hash"] == head(db)
        assert body["base"]["label"] == "Borrador 1"
        bundle = exports.render(db, draft, "zip", base_id=base).content
        with zipfile.ZipFile(io.BytesIO(bundle)) as files:
            manifest = json.loads(files.read("manifest.json"))
            page = files.read("ley-de-prueba.html").decode()
        assert manifest["audit_head_hash"] == head(db)
        assert 'id="cuadro"' in page  # a bundle with a base carries the cuadro


def test_the_api_serves_the_cuadro_of_changed_or_all_clauses(
    client: TestClient, db: Session
) -> None:
    draft, base = with_an_accepted_amendment(db)
    headers = token_headers(db, "secretariat")
    url = f"/api/v1/drafts/{draft.slug}/export?format=html&base={base}&annexes=cuadro"
    changed = client.get(url, headers=headers)
    every = client.get(url + "&cuadro=all", headers=headers)
    assert changed.status_code == every.status_code == 200
    rows = [re.findall(r'<tr id="cuadro-', cuadro_section(r.text)) for r in (changed, every)]
    assert [len(found) for found in rows] == [1, 8]
    refused = client.get(
        f"/api/v1/drafts/{draft.slug}/export?format=pdf&annexes=cuadro", headers=headers
    )
    assert refused.status_code == 422 and refused.json()["error"]["code"] == "invalid_input"
