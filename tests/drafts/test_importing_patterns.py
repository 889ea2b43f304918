"""Patterns of published laws the corpus does not hold, each written as real laws print it:
TÍTULO PRELIMINAR named on the next line, ÚNICO, Arabic capítulos restarting per título, LIBRO,
SECCIÓN, SUBCAPÍTULO, unnumbered sub-headings, "3 bis" and "228-A", older groups, ordinals alone
on their line, a printed table of contents; and Word files."""

import io
from pathlib import Path

import docx
import pytest

from app.drafts.importing import ImportProblem, parse_file, parse_published
from app.drafts.numbering import Kind

REAL = Path(__file__).parent / "data" / "real"

CODE = """\
LEY Nº 99998

LEY GENERAL DE PRUEBA

ÍNDICE
TÍTULO PRELIMINAR ........ 1
LIBRO PRIMERO ........ 2
Artículo 1.- Objeto ........ 2

TÍTULO PRELIMINAR

PRINCIPIOS

Artículo I.- Legalidad

La autoridad actúa conforme a la ley.

LIBRO PRIMERO
DE LAS CONCESIONES

TÍTULO PRIMERO
DISPOSICIONES GENERALES

CAPÍTULO 1
OBJETO

Artículo 1.- Objeto

La presente ley regula las concesiones.

CAPÍTULO 2
DEFINICIONES

De los términos

Artículo 2.- Definiciones

Para efectos de esta ley se entiende por concesión el título que otorga el Estado.

Artículo 3 bis.- Incorporado

Texto del artículo incorporado.

TÍTULO SEGUNDO

CAPÍTULO 1
DEL PROCEDIMIENTO

SUBCAPÍTULO I
DEL PETITORIO

SECCIÓN I
REQUISITOS

Artículo 228-A.- Requisitos del petitorio

El petitorio se presenta por escrito.

TÍTULO ÚNICO
DEL REGISTRO

CAPÍTULO ÚNICO
DEL CATASTRO

Artículo 229.- Catastro

El catastro es público.

DISPOSICIONES TRANSITORIAS, COMPLEMENTARIAS Y FINALES

Primera.- Plazo

El reglamento se aprueba en noventa días.

Décimo Primera.- Vigencia

La ley rige desde su publicación.

DÉCIMO SEGUNDA

Deróganse las normas que se opongan a la presente ley.

DISPOSICIONES FINALES

ÚNICA.- Publicación

La presente ley se publica en el diario oficial.

POR TANTO:

Mando se publique y cumpla.
"""


class TestStructureOfCodes:
    def test_every_heading_variant_is_placed(self) -> None:
        law = parse_published(CODE.splitlines())
        found = [(p.kind, p.number, p.heading) for p in law.walk()]
        assert found == [
            (Kind.TITULO_PRELIMINAR, None, "PRINCIPIOS"),
            (Kind.ARTICULO, "I", "Legalidad"),
            (Kind.LIBRO, None, "DE LAS CONCESIONES"),
            (Kind.TITULO, None, "DISPOSICIONES GENERALES"),
            (Kind.CAPITULO, None, "OBJETO"),
            (Kind.ARTICULO, "1", "Objeto"),
            (Kind.CAPITULO, None, "DEFINICIONES"),
            (Kind.EPIGRAFE, None, "De los términos"),
            (Kind.ARTICULO, "2", "Definiciones"),
            (Kind.ARTICULO, "3 bis", "Incorporado"),
            (Kind.TITULO, None, ""),
            (Kind.CAPITULO, None, "DEL PROCEDIMIENTO"),
            (Kind.SUBCAPITULO, None, "DEL PETITORIO"),
            (Kind.SECCION, None, "REQUISITOS"),
            (Kind.ARTICULO, "228-A", "Requisitos del petitorio"),
            (Kind.TITULO, "ÚNICO", "DEL REGISTRO"),
            (Kind.CAPITULO, "ÚNICO", "DEL CATASTRO"),
            (Kind.ARTICULO, "229", "Catastro"),
            (Kind.TRANSITORIAS_COMPLEMENTARIAS_Y_FINALES, None, ""),
            (Kind.DISPOSICION, None, "Plazo"),
            (Kind.DISPOSICION, None, "Vigencia"),
            (Kind.DISPOSICION, None, ""),
            (Kind.SOLO_FINALES, None, ""),
            (Kind.DISPOSICION, None, "Publicación"),
        ]
        assert law.title == "LEY GENERAL DE PRUEBA"
        assert not law.unrecognized

    def test_the_printed_table_of_contents_is_not_the_law(self) -> None:
        law = parse_published(CODE.splitlines())
        roles = {line.number: line.role for line in law.lines}
        index = CODE.splitlines().index("ÍNDICE") + 1
        assert [roles[n] for n in range(index, index + 4)] == ["contents"] * 4

    def test_a_line_that_fits_nowhere_is_reported_with_its_number(self) -> None:
        text = CODE.replace(
            "CAPÍTULO 2\nDEFINICIONES\n",
            "CAPÍTULO 2\nDEFINICIONES\n\nUna frase suelta, que no es un epígrafe.\n",
        )
        law = parse_published(text.splitlines())
        [line] = law.unrecognized
        assert line.text == "Una frase suelta, que no es un epígrafe."
        assert text.splitlines()[line.number - 1] == line.text

    @pytest.mark.parametrize(
        ("heading", "kind"),
        [
            ("DISPOSICIONES COMPLEMENTARIAS Y FINALES", Kind.COMPLEMENTARIAS_Y_FINALES),
            ("Disposiciones Finales y Transitorias", Kind.FINALES_Y_TRANSITORIAS),
            ("DISPOSICIÓN FINAL", Kind.SOLO_FINALES),
            ("DISPOSICIONES TRANSITORIAS", Kind.SOLO_TRANSITORIAS),
            ("disposiciones complementarias", Kind.COMPLEMENTARIAS),
            ("DISPOSICIÓN COMPLEMENTARIA FINAL", Kind.FINALES),
        ],
    )
    def test_groups_are_what_their_heading_says(self, heading: str, kind: Kind) -> None:
        text = f"LEY X\n\nArtículo 1.- Objeto\n\nTexto.\n\n{heading}\n\nÚnica.- Texto final.\n"
        assert parse_published(text.splitlines()).walk()[1].kind is kind

    def test_an_ambiguous_repeat_is_an_error_naming_its_line(self) -> None:
        text = "LEY X\n\nArtículo 1.- A\n\nTexto.\n\nArtículo 1.- B\n\nOtro.\n"
        with pytest.raises(ImportProblem) as problem:
            parse_published(text.splitlines())
        assert problem.value.line == 7


def test_a_word_file_reads_as_its_headings_and_paragraphs() -> None:
    """A Word file made from a real law (Ley 28315, SPIJ), one paragraph a line, headings styled."""
    source = (REAL / "ley-28315-spij.txt").read_text().splitlines()
    document = docx.Document()
    for line in (line.strip() for line in source):
        if not line:
            continue
        if line.startswith("Artículo"):
            document.add_heading(line, level=3)
        else:
            document.add_paragraph(line)
    buffer = io.BytesIO()
    document.save(buffer)

    from_word = parse_file(buffer.getvalue(), "ley-28315.docx")
    from_text = parse_file((REAL / "ley-28315-spij.txt").read_bytes(), "ley-28315-spij.txt")
    shape = [(p.kind, p.number, p.heading, p.text) for p in from_word.walk()]
    assert shape == [(p.kind, p.number, p.heading, p.text) for p in from_text.walk()]
    assert len(from_word.all_notes()) == len(from_text.all_notes()) == 5


def test_a_file_that_is_not_word_is_refused() -> None:
    with pytest.raises(ImportProblem):
        parse_file(b"not a zip", "ley.docx")
