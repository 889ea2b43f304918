"""The print-ready HTML and the PDF printed from it."""

import io
import re

from pypdf import PdfReader
from sqlmodel import Session

from app.core.config import ROOT
from app.drafts import service
from app.export import service as exports

SHIPPED = ROOT / "drafts" / "mineria-artesanal.md"


def test_html_is_self_contained_and_holds_every_article(db: Session) -> None:
    draft = service.import_file(db, SHIPPED)
    page = exports.render(db, draft, "html").content.decode()
    assert "<title>Ley de la Minería Artesanal y de Pequeña Escala</title>" in page
    assert "Ha dado la Ley siguiente:" in page
    assert "http" not in page.replace('lang="es"', "")  # nothing to fetch from anywhere
    clauses = service.load_outline(db, draft).clauses
    positions = [page.index(f'id="{entry.uid}"') for entry in clauses]
    assert positions == sorted(positions)
    assert all(f">{entry.label.text} {entry.heading}<" in page for entry in clauses)


def embedded(font: dict) -> bool:  # type: ignore[type-arg]
    """A font's program is inside the PDF (a composite font keeps it in its descendant)."""
    if "/DescendantFonts" in font:
        font = font["/DescendantFonts"][0].get_object()
    descriptor = font["/FontDescriptor"].get_object()
    return any(key in descriptor for key in ("/FontFile", "/FontFile2", "/FontFile3"))


def test_pdf_has_the_title_on_page_one_and_embeds_its_fonts(db: Session) -> None:
    draft = service.import_file(db, SHIPPED)
    pdf = exports.render(db, draft, "pdf").content
    reader = PdfReader(io.BytesIO(pdf))
    assert len(reader.pages) > 5
    first = " ".join(reader.pages[0].extract_text().split())
    assert "LEY DE LA MINERÍA ARTESANAL Y DE PEQUEÑA ESCALA" in first.upper()
    fonts = [font.get_object() for font in reader.pages[0]["/Resources"]["/Font"].values()]
    assert fonts and all(embedded(font) for font in fonts)
    # The law runs to its last disposition; the place, date and signature line close it (on a
    # page of their own when they do not fit under it).
    end = " ".join(" ".join(page.extract_text().split()) for page in reader.pages[-2:])
    assert "DEROGATORIA" in end.upper() or "ÚNICA" in end.upper()
    last = " ".join(reader.pages[-1].extract_text().split())
    assert re.search(r"Lima, \d{1,2} de \w+ de \d{4}", last)
