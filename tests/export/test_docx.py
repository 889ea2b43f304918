"""Word exports: the bill as Peruvian bills are printed, the cuadro comparativo, and the
tracked-changes version whose "accept all" and "reject all" give back each text."""

import re
from collections.abc import Sequence
from dataclasses import dataclass
from io import BytesIO
from zipfile import ZipFile

import docx
import pytest
from docx.document import Document
from docx.enum.section import WD_ORIENT
from docx.shared import Cm
from docx.table import _Cell
from lxml import etree
from sqlmodel import Session

from app.core.i18n import _
from app.drafts import editing, snapshots
from app.export import document as documents
from app.export import docx as word
from app.export import history
from app.export.changes import History
from app.export.document import ExportDocument
from tests.factories import make_draft, make_member, uid_of

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
NEW_DEFINITIONS = (
    "Para efectos de la presente Ley se entiende por:\n"
    "3.1 Minero artesanal: quien trabaja en forma personal o familiar.\n"
    "3.2 “Pequeño productor minero”: quien explota hasta 2 000 hectáreas."
)
# Written in Artículo 3; the deletion of Artículo 2 makes it Artículo 2, and its numerales with it.
NEW_DEFINITIONS_RENUMBERED = NEW_DEFINITIONS.replace("\n3.", "\n2.")
OLD_DEFINITIONS = (
    "Para efectos de la presente Ley, conforme al artículo 1, se entiende por minero "
    "artesanala quien trabaja en forma personal."
)


@dataclass
class Versions:
    base: ExportDocument
    new: ExportDocument
    revised: str
    deleted: str
    added: str
    principles: str
    histories: dict[str, History]


@pytest.fixture
def versions(db: Session) -> Versions:
    """Borrador 1, then: Artículo 3 rewritten into numerales, a literal of Artículo I replaced,
    Artículo 2 deleted, an article added after Artículo 4."""
    draft = make_draft(db)
    secretariat = make_member(db, role="secretariat")
    frozen = snapshots.freeze_snapshot(db, secretariat, draft, "Borrador 1")
    db.commit()
    revised, deleted = uid_of(db, draft, "Artículo 3."), uid_of(db, draft, "Artículo 2.")
    principles = uid_of(db, draft, "Artículo I.")
    editing.revise(
        db,
        secretariat,
        draft,
        uid=revised,
        expected_version=1,
        text=NEW_DEFINITIONS,
        heading="Definiciones básicas",
        reason="Precisión",
    )
    editing.revise(
        db,
        secretariat,
        draft,
        uid=principles,
        expected_version=1,
        text="La presente Ley se rige por los principios siguientes:\na) Legalidad.\n"
        "b) Sostenibilidad.\nc) Participación.",
        heading=None,
        reason="Acuerdo",
    )
    editing.delete_provision(db, secretariat, draft, uid=deleted, reason="Se integra al artículo 1")
    added = editing.insert_provision(
        db,
        secretariat,
        draft,
        kind="articulo",
        after_uid=uid_of(db, draft, "Artículo 3."),
        heading="Plazo",
        text="Plazo de un año.",
        reason="Acuerdo",
    ).uid
    db.commit()
    base, new = documents.build(db, draft, str(frozen.id)), documents.build(db, draft)
    return Versions(base, new, revised, deleted, added, principles, history.load(db, new, base))


def read(content: bytes) -> Document:
    return docx.Document(BytesIO(content))


def clause_line(label: str, heading: str) -> str:
    return f"{label} {heading}" if heading else label


def body_xml(content: bytes) -> etree._Element:
    with ZipFile(BytesIO(content)) as package:
        return etree.fromstring(package.read("word/document.xml"))


def resolved(content: bytes, keep: str) -> list[str]:
    """The body's paragraphs once every revision is accepted (keep "ins") or rejected (keep
    "del"), as Word does it: the dropped kind's text goes, and a dropped paragraph mark joins its
    paragraph to the next one."""
    drop = W + ("del" if keep == "ins" else "ins")
    lines, current = [], ""
    for paragraph in body_xml(content).iter(f"{W}p"):
        for node in paragraph.iter(f"{W}t", f"{W}delText", f"{W}br", f"{W}tab"):
            if any(ancestor.tag == drop for ancestor in node.iterancestors()):
                continue
            current += {f"{W}br": "\n", f"{W}tab": "\t"}.get(node.tag, node.text or "")
        if paragraph.find(f"{W}pPr/{W}rPr/{drop}") is None:
            lines.append(current)
            current = ""
    assert not current, "the last paragraph mark cannot be dropped"
    return lines


def the_law(lines: list[str]) -> list[str]:
    """From the enacting formula on: the title block may name another snapshot."""
    return lines[lines.index(word.ENACTING_FORMULA[0]) :]


class TestBill:
    def test_every_clause_in_order_with_its_label_heading_and_text(
        self, versions: Versions
    ) -> None:
        paragraphs = read(word.render(versions.new)).paragraphs
        headings = [p for p in paragraphs if p.style is not None and p.style.name == "Heading 4"]
        assert [p.text for p in headings] == [
            clause_line(c.label, c.heading) for c in versions.new.clauses
        ]
        assert [p.text.split(" ")[1] for p in headings[:5]] == ["I.", "1.", "2.", "3.", "4."]
        assert all(p.runs[0].bold for p in headings)
        texts = [p.text for p in paragraphs]
        for clause in versions.new.clauses:
            start = texts.index(clause_line(clause.label, clause.heading)) + 1
            lines = clause.text.split("\n")
            assert texts[start : start + len(lines)] == lines

    def test_a4_title_formula_and_structure_headings(self, versions: Versions) -> None:
        bill = read(word.render(versions.new))
        section = bill.sections[0]
        assert section.orientation == WD_ORIENT.PORTRAIT
        assert abs(section.page_width - Cm(21)) < Cm(0.01)  # type: ignore[operator]
        assert abs(section.page_height - Cm(29.7)) < Cm(0.01)  # type: ignore[operator]
        texts = [p.text for p in bill.paragraphs]
        assert texts[0] == "PROYECTO DE LEY N.° ____________"  # Congress fills the number in
        formula = texts.index(word.ENACTING_FORMULA[0])
        assert texts[formula + 1] == word.ENACTING_FORMULA[1]
        title = bill.paragraphs[formula + 2]
        assert (title.style.name if title.style else None, title.text) == (
            "Title",
            "LEY DE PRUEBA",
        )
        styles = {p.text: p.style.name if p.style else None for p in bill.paragraphs}
        assert styles["TÍTULO PRELIMINAR"] == "Heading 1"
        assert styles["TÍTULO I\nDISPOSICIONES GENERALES"] == "Heading 1"
        assert styles["CAPÍTULO I\nOBJETO"] == "Heading 2"
        assert styles["DISPOSICIONES COMPLEMENTARIAS FINALES"] == "Heading 1"
        assert bill.tables == [] and len(bill.sections) == 1

    def test_numerales_and_literales_are_indented(self, versions: Versions) -> None:
        paragraphs = {p.text: p for p in read(word.render(versions.new)).paragraphs}
        indent = {text: p.paragraph_format.left_indent or 0 for text, p in paragraphs.items()}
        assert indent["a) Legalidad."] > 0
        assert indent["2.1 Minero artesanal: quien trabaja en forma personal o familiar."] > 0
        assert indent["La presente Ley se rige por los principios siguientes:"] == 0


def row_of(table: Sequence[Sequence[_Cell]], label: str) -> Sequence[_Cell]:
    return next(row for row in table if row[0].paragraphs[0].text == label)


def marked(cell: _Cell) -> tuple[str, str]:
    """The text a cell underlines and the text it strikes through."""
    runs = [run for paragraph in cell.paragraphs for run in paragraph.runs]
    return (
        "".join(run.text for run in runs if run.underline),
        "".join(run.text for run in runs if run.font.strike),
    )


class TestComparativeTable:
    def cuadro(self, versions: Versions, *, every_row: bool = True) -> Document:
        return read(
            word.render(versions.new, versions.base, versions.histories, every_row=every_row)
        )

    def test_on_landscape_pages_with_a_repeating_header_row(self, versions: Versions) -> None:
        bill = self.cuadro(versions)
        assert len(bill.sections) == 2
        last = bill.sections[-1]
        assert last.orientation == WD_ORIENT.LANDSCAPE
        assert last.page_width > last.page_height  # type: ignore[operator]
        assert abs(last.page_width - Cm(29.7)) < Cm(0.01)  # type: ignore[operator]
        assert bill.sections[0].orientation == WD_ORIENT.PORTRAIT
        (table,) = bill.tables
        header = table.rows[0]
        assert header._tr.trPr is not None
        assert header._tr.trPr.find(f"{W}tblHeader") is not None
        assert all(
            row._tr.trPr is None or row._tr.trPr.find(f"{W}tblHeader") is None
            for row in table.rows[1:]
        )
        assert [c.text for c in header.cells] == [
            _("Provision"),
            _("Base text"),
            _("Proposed text"),
            _("Source of the change"),
        ]

    def test_one_row_per_clause_matched_by_uid(self, versions: Versions) -> None:
        (table,) = self.cuadro(versions).tables
        rows = [row.cells for row in table.rows[1:]]
        labels = [row[0].paragraphs[0].text for row in rows]
        # Artículo 2 was deleted: it stands where it was, under its old label.
        assert labels[:4] == ["Artículo I.", "Artículo 1.", "Artículo 2.", "Artículo 2."]
        assert len(rows) == len(versions.new.clauses) + 1

        gone = rows[2]
        assert gone[1].paragraphs[0].text == "Artículo 2. Ámbito"
        underlined, struck = marked(gone[2])
        assert underlined == "" and "Se aplica en todo el territorio nacional." in struck

        added = row_of(rows, "Artículo 4.")
        assert added[1].text == ""
        underlined, struck = marked(added[2])
        assert struck == "" and "Plazo de un año." in underlined

    def test_by_default_only_the_clauses_that_changed(self, versions: Versions) -> None:
        (table,) = self.cuadro(versions, every_row=False).tables
        labels = [row.cells[0].paragraphs[0].text for row in table.rows[1:]]
        # Artículo I and old 3 (now 2) revised, old 2 deleted, new 4 added; the rest only
        # renumbered or untouched.
        assert labels == ["Artículo I.", "Artículo 2.", "Artículo 2.", "Artículo 4."]

    def test_insertions_underlined_deletions_struck_and_the_source(
        self, versions: Versions
    ) -> None:
        (table,) = self.cuadro(versions).tables
        rows = [row.cells for row in table.rows[1:]]
        revised = rows[3]
        assert revised[0].paragraphs[0].text == "Artículo 2."
        assert _("before: %(label)s", label="Artículo 3.") in revised[0].text
        assert revised[1].text == f"Artículo 3. Definiciones\n{OLD_DEFINITIONS}"
        underlined, struck = marked(revised[2])
        assert "conforme al artículo 1" in struck
        assert "conforme" not in underlined
        assert "familiar" in underlined and "“Pequeño productor minero”" in underlined
        assert "básicas" in underlined and "Definiciones" not in underlined + struck
        assert [p.text for p in revised[3].paragraphs] == [
            _("Secretariat edit: %(reason)s", reason="Precisión")
        ]

        unchanged = row_of(rows, "Artículo 1.")
        assert marked(unchanged[2]) == ("", "")
        assert unchanged[3].text == ""


class TestTrackedChanges:
    def test_revisions_have_an_author_a_date_and_unique_ids(self, versions: Versions) -> None:
        content = word.render_tracked(versions.new, versions.base, versions.histories)
        root = body_xml(content)
        insertions, deletions = root.findall(f".//{W}ins"), root.findall(f".//{W}del")
        assert insertions and deletions
        revisions = insertions + deletions
        ids = [r.get(f"{W}id") for r in revisions]
        assert None not in ids and len(set(ids)) == len(ids)
        assert all(
            re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", r.get(f"{W}date") or "")
            for r in revisions
        )
        # Every change here is the secretariat's (test_attribution.py has organizations').
        assert {r.get(f"{W}author") for r in revisions} == {word.DEFAULT_AUTHOR}
        # Deleted text is w:delText inside w:del, inserted text w:t inside w:ins.
        assert root.findall(f".//{W}del//{W}t") == []
        assert root.findall(f".//{W}ins//{W}delText") == []
        assert all(
            t.get("{http://www.w3.org/XML/1998/namespace}space") == "preserve"
            for t in root.findall(f".//{W}ins//{W}t") + root.findall(f".//{W}delText")
        )
        read(content)  # python-docx opens it

    def test_accept_all_gives_the_new_text_and_reject_all_the_base(
        self, versions: Versions
    ) -> None:
        content = word.render_tracked(versions.new, versions.base)
        accepted, rejected = resolved(content, "ins"), resolved(content, "del")

        start = accepted.index("Artículo 2. Definiciones básicas") + 1
        assert accepted[start : start + 4] == [
            *NEW_DEFINITIONS_RENUMBERED.split("\n"),
            "TÍTULO II\nFORMALIZACIÓN",
        ]
        start = rejected.index("Artículo 3. Definiciones") + 1
        assert rejected[start : start + 2] == [OLD_DEFINITIONS, "TÍTULO II\nFORMALIZACIÓN"]
        assert "Artículo 2. Ámbito" in rejected and "Artículo 2. Ámbito" not in accepted
        assert "Plazo de un año." in accepted and "Plazo de un año." not in rejected

        # The whole law: as the untracked export of each version would read.
        as_new = word.render_tracked(versions.new, versions.new)
        as_base = word.render_tracked(versions.base, versions.base)
        for plain in (as_new, as_base):
            assert body_xml(plain).find(f".//{W}ins") is None
            assert body_xml(plain).find(f".//{W}del") is None
        assert the_law(accepted) == the_law(resolved(as_new, "ins"))
        assert the_law(rejected) == the_law(resolved(as_base, "ins"))

    def test_a_replaced_literal_is_a_paragraph_inserted_and_one_kept(
        self, versions: Versions
    ) -> None:
        content = word.render_tracked(versions.new, versions.base)
        inserted = [
            "".join(t.text or "" for t in p.iter(f"{W}t"))
            for p in body_xml(content).iter(f"{W}p")
            if p.find(f"{W}pPr/{W}rPr/{W}ins") is not None
        ]
        assert "b) Sostenibilidad." in inserted
        assert "c) Participación." not in inserted

    def test_rejecting_restores_the_indent_of_a_paragraph_the_change_reshaped(
        self, versions: Versions
    ) -> None:
        # "3.2 …" is indented as a numeral; rejected, it is what is left of the base's
        # unindented paragraph: Word reads that from w:pPrChange.
        content = word.render_tracked(versions.new, versions.base)
        (last,) = [
            p
            for p in body_xml(content).iter(f"{W}p")
            if "hectáreas" in "".join(t.text or "" for t in p.iter(f"{W}t"))
        ]
        assert last.find(f"{W}pPr/{W}ind") is not None
        change = last.find(f"{W}pPr/{W}pPrChange")
        assert change is not None and change.get(f"{W}author") == word.DEFAULT_AUTHOR
        assert change.find(f"{W}pPr/{W}ind") is None
        (gone,) = [
            p
            for p in body_xml(content).iter(f"{W}p")
            if "".join(t.text or "" for t in p.iter(f"{W}delText")).startswith("2.1 ")
        ]
        assert gone.find(f"{W}pPr/{W}ind") is not None  # as the base had it
        ids = [
            e.get(f"{W}id") for e in body_xml(content).iter(f"{W}ins", f"{W}del", f"{W}pPrChange")
        ]
        assert len(set(ids)) == len(ids)
