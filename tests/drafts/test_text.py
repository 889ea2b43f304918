"""One grammar of numerales and literales for the page, the DOCX and Akoma Ntoso."""

import pytest

from app.drafts.text import Mark, mark_of, paragraphs


@pytest.mark.parametrize(
    ("line", "mark"),
    [
        ("12.1 El registro es público.", Mark("numeral", "12.1", 1, "El registro es público.")),
        ("12.1.3. Los plazos.", Mark("numeral", "12.1.3", 2, "Los plazos.")),
        ("a) Legalidad.", Mark("literal", "a", 0, "Legalidad.")),
        ("ñ) Otros.", Mark("literal", "ñ", 0, "Otros.")),
        ("ii) Segundo inciso.", Mark("literal", "ii", 0, "Segundo inciso.")),
        ("  b) Sangrado.", Mark("literal", "b", 0, "Sangrado.")),
        ("12. El artículo.", None),  # an article number, not a numeral
        ("١٢.١ Cifras de otra escritura.", None),
        ("A) Mayúscula.", None),
        ("El registro (a) es público.", None),
    ],
)
def test_marks(line: str, mark: Mark | None) -> None:
    assert mark_of(line) == mark


def test_the_page_reads_roman_literales_as_the_docx_does() -> None:
    kinds = [p.kind for p in paragraphs("1.1 Uno.\ni) Primero.\nii) Segundo.\nTexto.")]
    assert kinds == ["numeral", "literal", "literal", "paragraph"]
