"""The importer: the drafts/ Markdown format, published law text, and bad input naming the line."""

import pytest

from app.drafts.importing import ImportProblem, parse_draft
from app.drafts.numbering import Kind
from tests.factories import SMALL_LAW

# A law laid out as Peruvian laws are published, with the variants the importer must read.
PUBLISHED = """\
LEY Nº 99999

EL PRESIDENTE DE LA REPÚBLICA

POR CUANTO:

El Congreso de la República ha dado la Ley siguiente:

EL CONGRESO DE LA REPÚBLICA;
Ha dado la Ley siguiente:

LEY DE PROMOCIÓN DE LA PEQUEÑA MINERÍA

TÍTULO PRELIMINAR

Artículo I.- Finalidad
La presente Ley busca el desarrollo sostenible.

Artículo II.- Principios
Son principios de la presente Ley la legalidad y la participación.

TÍTULO I
DISPOSICIONES GENERALES

CAPÍTULO I
OBJETO Y ÁMBITO

Artículo 1°.- Objeto de la Ley
La presente Ley tiene por objeto promover la pequeña minería.

Artículo 2.- Ámbito
2.1 La presente Ley se aplica en todo el territorio.
2.2 Comprende a:
a) los productores mineros artesanales;
b) los pequeños productores mineros.

CAPÍTULO II
DEFINICIONES

Artículo 3. Definiciones
Para efectos de la presente Ley se entiende por concesión el título otorgado por el Estado.

TÍTULO II

DE LA FORMALIZACIÓN

Artículo 4º.- Registro.- El registro es público y gratuito.

DISPOSICIONES COMPLEMENTARIAS FINALES

PRIMERA.- Reglamentación
El Poder Ejecutivo reglamenta la presente Ley en un plazo de noventa días.

SEGUNDA.- La presente Ley entra en vigencia al día siguiente de su publicación en el diario oficial.

DISPOSICIÓN COMPLEMENTARIA DEROGATORIA

ÚNICA. Derogación
Derógase toda norma que se oponga a la presente Ley.

POR TANTO:
Mando se publique y cumpla.
Dado en la Casa de Gobierno, en Lima, a los veinte días del mes de mayo.
"""


def outline(text: str, markdown: bool) -> list[tuple[Kind, str, list[str]]]:
    parsed = parse_draft(text.encode(), markdown=markdown)
    return [(p.kind, p.heading, p.paragraphs) for p in parsed.walk()]


class TestMarkdownFormat:
    def test_reads_structure_headings_and_paragraphs(self) -> None:
        parsed = parse_draft(SMALL_LAW.format(slug="prueba").encode(), markdown=True)
        assert (parsed.title, parsed.slug) == ("Ley de prueba", "prueba")
        kinds = [p.kind for p in parsed.walk()]
        assert kinds.count(Kind.ARTICULO) == 5
        assert kinds.count(Kind.DISPOSICION) == 3
        principles = parsed.walk()[1]
        assert principles.heading == "Principios"
        assert principles.paragraphs == [
            "La presente Ley se rige por los principios siguientes:",
            "a) Legalidad.",
            "b) Participación.",
        ]

    def test_joins_wrapped_lines_but_not_numerales_or_literales(self) -> None:
        text = "# Ley\n# Artículo 1. Objeto\nUna frase\nque sigue.\n1.1 Numeral\na) Literal\n"
        [(_kind, heading, paragraphs)] = outline(text, markdown=True)
        assert heading == "Objeto"
        assert paragraphs == ["Una frase que sigue.", "1.1 Numeral", "a) Literal"]

    def test_title_defaults_to_first_heading_and_slug_to_file_name(self) -> None:
        parsed = parse_draft(
            "# Ley de la Pesca\n\n# Artículo 1. Objeto\nTexto.\n".encode(),
            markdown=True,
            default_slug="pesca",
        )
        assert (parsed.title, parsed.slug) == ("Ley de la Pesca", "pesca")

    def test_unknown_heading_is_an_error_naming_the_line(self) -> None:
        with pytest.raises(ImportProblem) as problem:
            parse_draft(b"# Ley\n# Articulo 1. Objeto\nTexto.\n# Anexo 3\n", markdown=True)
        assert problem.value.line == 4
        assert problem.value.message == "línea 4: encabezado no reconocido: «Anexo 3»"


class TestPublishedText:
    def test_reads_every_heading_variant(self) -> None:
        parsed = parse_draft(PUBLISHED.encode(), markdown=False)
        assert parsed.title == "LEY DE PROMOCIÓN DE LA PEQUEÑA MINERÍA"
        found = [(p.kind, p.heading) for p in parsed.walk()]
        assert found == [
            (Kind.TITULO_PRELIMINAR, ""),
            (Kind.ARTICULO, "Finalidad"),
            (Kind.ARTICULO, "Principios"),
            (Kind.TITULO, "DISPOSICIONES GENERALES"),
            (Kind.CAPITULO, "OBJETO Y ÁMBITO"),
            (Kind.ARTICULO, "Objeto de la Ley"),
            (Kind.ARTICULO, "Ámbito"),
            (Kind.CAPITULO, "DEFINICIONES"),
            (Kind.ARTICULO, "Definiciones"),
            (Kind.TITULO, "DE LA FORMALIZACIÓN"),
            (Kind.ARTICULO, "Registro"),
            (Kind.FINALES, ""),
            (Kind.DISPOSICION, "Reglamentación"),
            (Kind.DISPOSICION, ""),
            (Kind.DEROGATORIAS, ""),
            (Kind.DISPOSICION, "Derogación"),
        ]

    def test_body_lines_numerales_and_literales_stay_in_the_article(self) -> None:
        parsed = parse_draft(PUBLISHED.encode(), markdown=False)
        ambito = parsed.walk()[6]
        assert ambito.paragraphs == [
            "2.1 La presente Ley se aplica en todo el territorio.",
            "2.2 Comprende a:",
            "a) los productores mineros artesanales;",
            "b) los pequeños productores mineros.",
        ]

    def test_text_on_the_heading_line_and_the_closing_formula(self) -> None:
        provisions = parse_draft(PUBLISHED.encode(), markdown=False).walk()
        assert provisions[10].paragraphs == ["El registro es público y gratuito."]
        assert provisions[13].paragraphs == [
            "La presente Ley entra en vigencia al día siguiente de su publicación en el diario "
            "oficial."
        ]
        # The promulgation formula after the last disposition is not part of its text.
        assert provisions[-1].paragraphs == ["Derógase toda norma que se oponga a la presente Ley."]


BAD_INPUT = {
    "empty file": (b"  \n\n", None, "vacío"),
    "no article": (b"# Ley\n\nSolo un preambulo.\n", None, "ningún artículo"),
    "duplicate article number": (
        "# Ley\n# Artículo 1. A\nx\n# Artículo 2. B\ny\n# Artículo 2. C\nz\n".encode(),
        6,
        "el artículo 2 ya apareció en la línea 4",
    ),
    "numbering going backwards": (
        "# Ley\n# Artículo 1. A\nx\n# Artículo 5. B\ny\n# Artículo 3. C\nz\n".encode(),
        6,
        "retrocede",
    ),
    "títulos going backwards": (
        "# Ley\n# TÍTULO II\n# Artículo 1. A\nx\n# TÍTULO I\n# Artículo 2. B\ny\n".encode(),
        5,
        "no avanza",
    ),
    "text that is not UTF-8": ("# Ley\n# Artículo 1. A\nañ".encode("latin-1"), 2, "UTF-8"),
    "a disposition outside its group": (
        "# Ley\n# Artículo 1. A\nx\n# PRIMERA. B\ny\n".encode(),
        4,
        "no reconocido",
    ),
    "an article without text": (
        "# Ley\n# Artículo 1. A\n# Artículo 2. B\nx\n".encode(),
        2,
        "no tiene texto",
    ),
    "a bad slug": (
        "---\nslug: Mi Ley\ntitle: Ley\n---\n# Artículo 1. A\nx\n".encode(),
        None,
        "identificador",
    ),
}


@pytest.mark.parametrize(("raw", "line", "words"), BAD_INPUT.values(), ids=BAD_INPUT.keys())
def test_bad_input_is_refused_with_a_clear_message(
    raw: bytes, line: int | None, words: str
) -> None:
    with pytest.raises(ImportProblem) as problem:
        parse_draft(raw, markdown=True)
    assert problem.value.line == line
    assert words.lower() in problem.value.message.lower()


def test_published_text_reports_backwards_numbering_at_its_line() -> None:
    text = PUBLISHED.replace("Artículo 3. Definiciones", "Artículo 1. Definiciones")
    with pytest.raises(ImportProblem) as problem:
        parse_draft(text.encode(), markdown=False)
    assert problem.value.line == PUBLISHED.splitlines().index("Artículo 3. Definiciones") + 1
