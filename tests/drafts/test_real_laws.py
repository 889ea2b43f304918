"""Real published Peruvian laws (tests/drafts/data/real/, counts established by reading, not by
Mesa: SOURCES.md): each imports as a law in force with every count expected, its SPIJ notes
kept apart from the law text, and its Markdown export reads back to the same structure."""

import json
import re
from collections import Counter
from pathlib import Path

import pytest
from sqlmodel import Session, select

from app.drafts import service
from app.drafts.importing import ParsedDraft, parse_draft, parse_file
from app.drafts.models import Numbering
from app.drafts.notes import EditorialNote
from app.drafts.numbering import GROUP_HEADINGS, Kind
from app.export import service as exports

REAL = Path(__file__).parent / "data" / "real"
EXPECTED: dict[str, dict] = json.loads((REAL / "expected.json").read_text())  # type: ignore[type-arg]
# expected.json names each group by its heading as written.
GROUP_KINDS = {
    "complementarias_finales": Kind.FINALES,
    "complementarias_transitorias": Kind.TRANSITORIAS,
    "complementarias_modificatorias": Kind.MODIFICATORIAS,
    "complementarias_derogatorias": Kind.DEROGATORIAS,
    "complementarias": Kind.COMPLEMENTARIAS,
    "finales": Kind.SOLO_FINALES,
    "complementarias_y_finales": Kind.COMPLEMENTARIAS_Y_FINALES,
    "finales_y_transitorias": Kind.FINALES_Y_TRANSITORIAS,
}
STRUCTURE_COUNTS = {
    "titulos": Kind.TITULO,
    "capitulos": Kind.CAPITULO,
    "subcapitulos": Kind.SUBCAPITULO,
    "secciones": Kind.SECCION,
    "libros": Kind.LIBRO,
}
# What SPIJ's apparatus looks like wherever it would leak into the law text.
APPARATUS = re.compile(
    r"\(\*+\)|(?-i:CONCORDANCIA)|(?:Artículo|Disposición|Numeral|Literal|Párrafo|Denominación)\s+"
    r"(?:modificad|incorporad|adicionad|derogad|sustituid)[oa]\s+por|OTRAS CONCORDANCIAS|"
    r"DIARIO DE LOS DEBATES|Enlace Web|RECTIFICADO POR FE DE ERRATAS|El Pe[a-z]+ano Pág|Pág\. \d",
    re.I,
)
LAWS = sorted(EXPECTED)


def parsed(name: str) -> ParsedDraft:
    return parse_file((REAL / name).read_bytes(), name)


@pytest.fixture(scope="module")
def laws() -> dict[str, ParsedDraft]:
    return {name: parsed(name) for name in LAWS}


@pytest.mark.parametrize("name", LAWS)
class TestEveryCount:
    def test_imported_law_has_every_expected_count(self, db: Session, name: str) -> None:
        expected = EXPECTED[name]
        law = parsed(name)
        draft = service.import_draft(db, law, name.removesuffix(".txt"), numbering=Numbering.FIXED)
        outline = service.load_outline(db, draft)
        kinds = Counter(entry.kind for entry in outline.entries)

        articles = [e for e in outline.entries if e.kind is Kind.ARTICULO]
        assert len(articles) == expected["articulos"]
        for key, kind in STRUCTURE_COUNTS.items():
            assert kinds[kind] == expected[key], key
        groups = [
            (entry.kind, entry.label.text, len(entry.children))
            for entry in outline.entries
            if entry.kind in GROUP_HEADINGS
        ]
        assert groups == [
            (GROUP_KINDS[g["kind"]], g["heading"], g["count"])
            for g in expected["disposition_groups"]
        ]
        notes = db.exec(select(EditorialNote).where(EditorialNote.draft_id == draft.id)).all()
        inline = expected["notes_detail"].get("concordancias_inline", 0)
        assert len(notes) == expected["notes"] + inline
        detail = Counter(note.kind for note in notes)
        assert detail["spij"] == expected["notes_detail"]["star_notes"]
        assert detail["concordancias"] == expected["notes_detail"]["concordancias_blocks"] + inline
        assert detail["nota"] == expected["notes_detail"]["nota_lines"]

        numbers = [entry.label.written for entry in articles]
        assert [n for n in numbers if not n.isdigit()] == expected["suffixed_articles"]
        assert numbers[-1] == expected["last_article_number"]
        assert len(set(numbers)) == len(numbers)
        for number in expected.get("articles_repealed_still_listed", []):
            assert number in numbers
        first_heading = re.sub(r"^Artículo \S+?\.-\s*", "", expected["first_article_heading"])
        assert articles[0].heading == first_heading
        before = expected.get("articles_before_first_capitulo")
        if before:
            assert [a.label.written for a in articles if a.parent is None] == before

    def test_no_note_is_law_text(self, laws: dict[str, ParsedDraft], name: str) -> None:
        law = laws[name]
        texts = [f"{p.heading}\n{p.text}" for p in law.walk()]
        for text in texts:
            assert not APPARATUS.search(text), APPARATUS.search(text)
        law_text = "\n".join(texts)
        for note in law.all_notes():
            assert note.text.splitlines()[0] not in law_text

    def test_the_markdown_export_reads_back_to_the_same_structure(
        self, db: Session, name: str
    ) -> None:
        law = parsed(name)
        draft = service.import_draft(db, law, name.removesuffix(".txt"), numbering=Numbering.FIXED)
        again = parse_draft(exports.render(db, draft, "md").content, markdown=True)

        def shape(law: ParsedDraft) -> list[tuple[Kind, str | None, str, str]]:
            return [
                (p.kind, p.number if p.kind is Kind.ARTICULO else None, p.heading, p.text)
                for p in law.walk()
            ]

        assert shape(again) == shape(law)


class TestConsolidatedText:
    """The law as in force: a modified provision reads as the note says it now reads."""

    def test_a_modified_article_keeps_only_its_new_text(self, laws: dict[str, ParsedDraft]) -> None:
        article = next(p for p in laws["ley-27651-spij.txt"].walk() if p.number == "14")
        assert article.text.startswith("Los gobiernos regionales tienen a su cargo")
        assert "OEFA" in article.text  # the 2012 text (DLeg 1100), not the 2008 one
        assert "Siendo rol del Estado" not in article.text
        # The superseded texts stay with the notes that replaced them.
        changes = [note for note in article.notes if note.kind == "spij"]
        assert changes[0].superseded.startswith("Siendo rol del Estado")

    def test_a_modified_numeral_replaces_that_numeral_only(
        self, laws: dict[str, ParsedDraft]
    ) -> None:
        article = next(p for p in laws["dleg-1100-spij.txt"].walk() if p.number == "9")
        numerals = [p.split()[0] for p in article.paragraphs if re.match(r"9\.\d", p)]
        assert numerals == ["9.1", "9.2", "9.3", "9.4", "9.5"]
        assert "declaración jurada bienal" in article.paragraphs[-1]  # the 2018 text of 9.5
        assert not parsed("dleg-1100-spij.txt").warnings

    def test_a_renamed_capitulo_takes_its_new_name(self, laws: dict[str, ParsedDraft]) -> None:
        capitulos = [
            p.heading for p in laws["ley-29325-spij.txt"].walk() if p.kind is Kind.CAPITULO
        ]
        assert capitulos[1] == "ÓRGANOS RESOLUTIVOS DEL PROCEDIMIENTO SANCIONADOR"

    def test_a_substituted_disposition_and_quotes_of_other_laws(
        self, laws: dict[str, ParsedDraft]
    ) -> None:
        finales = next(p for p in laws["ley-27651-spij.txt"].walk() if p.kind in GROUP_HEADINGS)
        assert finales.children[2].text.startswith("Se prohíbe el trabajo de las personas menores")
        # Ley 28992 quotes the new TERCERA inside its article 1: law text, not a group.
        article = laws["ley-28992-spij.txt"].walk()[0]
        assert "“TERCERA.- Se prohíbe" in article.text

    def test_el_peruano_ocr_reads_as_the_printed_law(self, laws: dict[str, ParsedDraft]) -> None:
        law = laws["ley-28090-elperuano.txt"]
        articles = {p.number: p for p in law.walk() if p.kind is Kind.ARTICULO}
        assert articles["6"].heading == "Obligación de Presentar el Plan de Cierre de Minas"
        assert articles["1"].text.startswith(
            "La presente ley tiene por objeto regular las obligaciones"
        )
        # A paragraph the page broke reads on, without the page header in it.
        assert "la fiscalización y control de las obligaciones" in articles["4"].text
        assert law.title == "LEY QUE REGULA EL CIERRE DE MINAS"
        assert not law.unrecognized
