"""The bill as a Word document, laid out as Peruvian bills are printed, with its cuadro
comparativo; and a second document carrying the changes as Word's own tracked revisions, so the
committee can accept or reject them one by one in the program it already uses."""

import re
import unicodedata
from collections.abc import Sequence
from io import BytesIO

from docx import Document
from docx.document import Document as WordDocument
from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.oxml.xmlchemy import BaseOxmlElement
from docx.section import Section
from docx.shared import Cm, Length, Pt
from docx.styles.style import ParagraphStyle
from docx.table import _Cell
from docx.text.paragraph import Paragraph

from app.core.escaping import xml_text
from app.core.i18n import _
from app.core.models import as_utc
from app.drafts import diffing
from app.drafts.diffing import Op
from app.drafts.numbering import DISPOSITION_GROUPS, Kind
from app.drafts.text import mark_of
from app.export.document import ExportDocument, ExportProvision

# As the law itself prints it: Spanish whatever the interface language.
ENACTING_FORMULA = ("EL CONGRESO DE LA REPÚBLICA;", "Ha dado la Ley siguiente:")
# Who a tracked change is attributed to when the caller does not say.
DEFAULT_AUTHOR = "Secretaría Técnica"
FONT = "Arial"
LANGUAGE = "es-PE"

_HEADING_STYLES = {
    Kind.LIBRO: "Heading 1",
    Kind.TITULO_PRELIMINAR: "Heading 1",
    Kind.TITULO: "Heading 1",
    **dict.fromkeys(DISPOSITION_GROUPS, "Heading 1"),
    Kind.CAPITULO: "Heading 2",
    Kind.SUBCAPITULO: "Heading 3",
    Kind.SECCION: "Heading 3",
    Kind.EPIGRAFE: "Heading 3",
}
_CLAUSE_STYLE = "Heading 4"
# Numerales by their depth ("12.1" → 1, "12.1.1" → 2); literales ("a)", "ii)") one step inside.
_INDENT = Cm(0.75)
# A line break inside a paragraph, ours only: clean() turns a typed \v into a space.
_LINE_BREAK = "\v"
# Cuadro comparativo, landscape A4 with 2 cm margins: 25.7 cm to share among the columns.
_COLUMNS = (Cm(3.2), Cm(8.5), Cm(8.5), Cm(5.5))
_TABLE_FONT = Pt(9)

Pair = tuple[ExportProvision | None, ExportProvision | None]
Paragraphs = list[tuple[list[tuple[Op, str]], Op]]


def render(
    document: ExportDocument,
    base: ExportDocument | None = None,
    sources: dict[str, list[str]] | None = None,
) -> bytes:
    """The bill and its exposición de motivos; with a base, followed by the cuadro comparativo
    the committee asks for."""
    word = _new_document(document)
    for provision in document.provisions:
        if provision.is_clause:
            heading = word.add_paragraph(style=_CLAUSE_STYLE)
            heading.add_run(_prepared(_clause_line(provision))).bold = True
            lines = [line.strip() for line in _prepared(provision.text).split("\n")]
            lines = [line for line in lines if line]
            for line, level in zip(lines, _levels(lines), strict=True):
                _format_body(word.add_paragraph(line), level)
        else:
            word.add_paragraph(
                _prepared(_structure_line(provision)).replace(_LINE_BREAK, "\n"),
                style=_HEADING_STYLES[provision.kind],
            )
    if document.motives is not None:
        _motives(word, document)
    if base is not None:
        _comparative_table(word, document, base, sources or {})
    return _saved(word)


MOTIVES_SECTIONS = (
    ("I. FUNDAMENTOS", "fundamentos"),
    ("II. EFECTO DE LA VIGENCIA DE LA NORMA SOBRE LA LEGISLACIÓN NACIONAL", "efecto_vigencia"),
    ("III. ANÁLISIS COSTO-BENEFICIO", "costo_beneficio"),
)


def _motives(word: WordDocument, document: ExportDocument) -> None:
    """The exposición de motivos, on a page of its own after the articles."""
    assert document.motives is not None
    heading = word.add_paragraph("EXPOSICIÓN DE MOTIVOS", style="Heading 1")
    heading.paragraph_format.page_break_before = True
    for title, field in MOTIVES_SECTIONS:
        word.add_paragraph(title, style="Heading 2")
        for line in _prepared(getattr(document.motives, field)).split("\n"):
            if line.strip():
                _format_body(word.add_paragraph(line.strip()), 0)


def render_tracked(
    document: ExportDocument, base: ExportDocument, authors: dict[str, str] | None = None
) -> bytes:
    """The bill with every change since `base` as a Word revision: accepting them all gives
    `document`, rejecting them all gives `base`."""
    word = _new_document(document)
    settings = word.settings.element
    if settings.find(qn("w:trackRevisions")) is None:
        # So that the committee's own edits are tracked as well.
        settings.insert_element_before(
            OxmlElement("w:trackRevisions"),
            *_SETTINGS_AFTER_TRACK_REVISIONS,
        )
    revisions = _Revisions(_revision_date(document))
    for new, old in _aligned(document.provisions, base.provisions):
        either = new or old
        assert either is not None
        author = (authors or {}).get(either.uid, DEFAULT_AUTHOR)
        end: Op = "=" if new and old else ("+" if new else "-")
        if either.is_clause:
            header = word.add_paragraph(style=_CLAUSE_STYLE)
            ops = _diff(_clause_line(old) if old else "", _clause_line(new) if new else "")
            _tracked_paragraph(header, ops, end, revisions, author, bold=True)
            old_text, new_text = (old.text if old else ""), (new.text if new else "")
            if not (old_text or new_text):
                continue
            paragraphs = _paragraphs(_diff(old_text, new_text), end)
            for (runs, mark), (level, old_level) in zip(
                paragraphs, _tracked_levels(paragraphs), strict=True
            ):
                paragraph = word.add_paragraph()
                _format_body(paragraph, old_level if mark == "-" else level)
                _tracked_paragraph(paragraph, runs, mark, revisions, author)
                if mark == "=" and level != old_level:
                    _track_indent(paragraph, old_level, revisions, author)
        else:
            paragraph = word.add_paragraph(style=_HEADING_STYLES[either.kind])
            ops = _diff(_structure_line(old) if old else "", _structure_line(new) if new else "")
            _tracked_paragraph(paragraph, ops, end, revisions, author)
    return _saved(word)


# w:settings is a sequence: trackRevisions goes before the first of these that is present.
_SETTINGS_AFTER_TRACK_REVISIONS = (
    "w:doNotTrackMoves",
    "w:doNotTrackFormatting",
    "w:documentProtection",
    "w:autoFormatOverride",
    "w:styleLockTheme",
    "w:styleLockQFSet",
    "w:defaultTabStop",
    "w:autoHyphenation",
    "w:consecutiveHyphenLimit",
    "w:hyphenationZone",
    "w:doNotHyphenateCaps",
    "w:showEnvelope",
    "w:summaryLength",
    "w:clickAndTypeStyle",
    "w:defaultTableStyle",
    "w:evenAndOddHeaders",
    "w:bookFoldRevPrinting",
    "w:bookFoldPrinting",
    "w:bookFoldPrintingSheets",
    "w:drawingGridHorizontalSpacing",
    "w:drawingGridVerticalSpacing",
    "w:displayHorizontalDrawingGridEvery",
    "w:displayVerticalDrawingGridEvery",
    "w:doNotUseMarginsForDrawingGridOrigin",
    "w:drawingGridHorizontalOrigin",
    "w:drawingGridVerticalOrigin",
    "w:doNotShadeFormData",
    "w:noPunctuationKerning",
    "w:characterSpacingControl",
    "w:printTwoOnOne",
    "w:strictFirstAndLastChars",
    "w:noLineBreaksAfter",
    "w:noLineBreaksBefore",
    "w:savePreviewPicture",
    "w:doNotValidateAgainstSchema",
    "w:saveInvalidXml",
    "w:ignoreMixedContent",
    "w:alwaysShowPlaceholderText",
    "w:doNotDemarcateInvalidXml",
    "w:saveXmlDataOnly",
    "w:useXSLTWhenSaving",
    "w:saveThroughXslt",
    "w:showXMLTags",
    "w:alwaysMergeEmptyNamespace",
    "w:updateFields",
    "w:hdrShapeDefaults",
    "w:footnotePr",
    "w:endnotePr",
    "w:compat",
    "w:docVars",
    "w:rsids",
    "w:attachedSchema",
    "w:themeFontLang",
    "w:clrSchemeMapping",
    "w:doNotIncludeSubdocsInStats",
    "w:doNotAutoCompressPictures",
    "w:forceUpgrade",
    "w:captions",
    "w:readModeInkLockDown",
    "w:smartTagType",
    "w:shapeDefaults",
    "w:doNotEmbedSmartTags",
    "w:decimalSymbol",
    "w:listSeparator",
)


# --- The document and its styles -------------------------------------------------------------


def _new_document(document: ExportDocument) -> WordDocument:
    """A4, Arial, Spanish, black headings: the title, the enacting formula, page numbers."""
    word = Document()
    _page_setup(word.sections[0])
    _restyle(word)
    properties = word.core_properties
    properties.title = _prepared(document.title)
    properties.author = properties.last_modified_by = "Mesa"
    properties.language = LANGUAGE
    properties.created = properties.modified = as_utc(document.generated_at).replace(tzinfo=None)
    properties.revision = 1
    properties.comments = ""

    word.add_paragraph(_prepared(document.title), style="Title")
    if document.snapshot is not None:
        label = word.add_paragraph(_prepared(document.snapshot.label))
        label.alignment = WD_ALIGN_PARAGRAPH.CENTER
        label.runs[0].italic = True
    congress, formula = ENACTING_FORMULA
    word.add_paragraph().add_run(congress).bold = True
    word.add_paragraph(formula)

    footer = word.sections[0].footer.paragraphs[0]
    footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
    page = OxmlElement("w:fldSimple", {qn("w:instr"): "PAGE"})
    page.append(_run("1"))
    footer._p.append(page)
    return word


def _page_setup(section: Section) -> None:
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    section.top_margin = section.bottom_margin = Cm(2.5)
    section.left_margin, section.right_margin = Cm(3), Cm(2.5)


def _restyle(word: WordDocument) -> None:
    """The template's blue theme headings in Calibri/Cambria, English-checked, become black
    Arial in Spanish: a law is printed in black, and the committee spell-checks in Spanish."""
    defaults = word.styles.element.find(qn("w:docDefaults"))
    assert defaults is not None
    run_defaults = defaults.find(f"{qn('w:rPrDefault')}/{qn('w:rPr')}")
    assert run_defaults is not None
    for fonts in run_defaults.findall(qn("w:rFonts")):
        run_defaults.remove(fonts)
    run_defaults.insert(
        0, OxmlElement("w:rFonts", {qn(f"w:{kind}"): FONT for kind in ("ascii", "hAnsi", "cs")})
    )
    for lang in run_defaults.findall(qn("w:lang")):
        lang.set(qn("w:val"), LANGUAGE)

    for name, size, centered in (
        ("Title", 16, True),
        ("Heading 1", 12, True),
        ("Heading 2", 12, True),
        ("Heading 3", 11, True),
        ("Heading 4", 11, False),
    ):
        style = word.styles[name]
        assert isinstance(style, ParagraphStyle)
        rpr = style.element.rPr
        if rpr is not None:
            for element in rpr.findall(qn("w:rFonts")) + rpr.findall(qn("w:color")):
                rpr.remove(element)
        ppr = style.element.pPr
        if ppr is not None:
            for border in ppr.findall(qn("w:pBdr")):
                ppr.remove(border)
        style.font.size = Pt(size)
        style.font.bold = True
        style.font.italic = False
        if centered:
            style.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER


def _format_body(paragraph: Paragraph, level: int) -> None:
    paragraph.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
    if level:
        paragraph.paragraph_format.left_indent = Length(_INDENT * level)


def _levels(lines: Sequence[str]) -> list[int]:
    """How far each paragraph of a clause is indented: numerales by their depth, literales one
    step inside the numeral they follow (or one step, when the article has no numerales)."""
    levels, numeral = [], 0
    for line in lines:
        mark = mark_of(line)
        if mark is None:
            levels.append(0)
        elif mark.kind == "numeral":
            numeral = mark.depth
            levels.append(numeral)
        else:
            levels.append(numeral + 1)
    return levels


def _saved(word: WordDocument) -> bytes:
    buffer = BytesIO()
    word.save(buffer)
    return buffer.getvalue()


# --- Texts and their differences --------------------------------------------------------------


def _prepared(text: str) -> str:
    """NFC with LF line ends and nothing XML cannot hold (lxml refuses it) but our line break;
    every other character as written."""
    text = unicodedata.normalize("NFC", text).replace("\r\n", "\n").replace("\r", "\n")
    return _LINE_BREAK.join(xml_text(part) for part in text.split(_LINE_BREAK))


def _clause_line(provision: ExportProvision) -> str:
    """ "Artículo 12. Objeto de la Ley", "PRIMERA. Reglamentación"."""
    return f"{provision.label} {provision.heading}" if provision.heading else provision.label


def _structure_line(provision: ExportProvision) -> str:
    """The label, and the heading below it: "TÍTULO I", "DISPOSICIONES GENERALES"."""
    if provision.heading and provision.label:
        return f"{provision.label}{_LINE_BREAK}{provision.heading}"
    return provision.label or provision.heading


def _diff(old: str, new: str) -> list[tuple[Op, str]]:
    """word_diff's edits, each cut from the texts as written.

    word_diff compares normalized texts, where typographic quotes and no-break spaces are plain;
    normalizing keeps every length, so its pieces map back onto the originals and the document
    keeps the law's typography. Unchanged pieces are taken from the new text.
    """
    old, new = _prepared(old), _prepared(new)
    ops = diffing.word_diff(old, new)
    result: list[tuple[Op, str]] = []
    i = j = 0
    for op, piece in ops:
        size = len(piece)
        if op == "-":
            result.append((op, old[i : i + size]))
            i += size
        elif op == "+":
            result.append((op, new[j : j + size]))
            j += size
        else:
            result.append((op, new[j : j + size]))
            i, j = i + size, j + size
    return result if (i, j) == (len(old), len(new)) else ops


def _paragraphs(ops: Sequence[tuple[Op, str]], end: Op) -> Paragraphs:
    """The edits cut at line ends: each paragraph's runs, and whether its paragraph mark is
    kept ("="), inserted or deleted: the line end's own edit, or `end` for the last one."""
    paragraphs: Paragraphs = []
    runs: list[tuple[Op, str]] = []
    for op, piece in ops:
        for index, line in enumerate(piece.split("\n")):
            if index:
                paragraphs.append((runs, op))
                runs = []
            if line:
                runs.append((op, line))
    paragraphs.append((runs, end))
    return paragraphs


def _tracked_levels(paragraphs: Paragraphs) -> list[tuple[int, int]]:
    """Each paragraph's indent once the changes are accepted, and once they are rejected.

    A paragraph whose mark goes joins the next one, so what is indented is the line that
    paragraph ends in each view, and only there; where its mark goes, its level is moot (0).
    """

    def view(drop: Op) -> list[int]:
        lines, owners, current = [], [], ""
        for index, (runs, mark) in enumerate(paragraphs):
            current += "".join(piece for op, piece in runs if op != drop)
            if mark != drop:
                lines.append(current)
                owners.append(index)
                current = ""
        levels = [0] * len(paragraphs)
        for owner, level in zip(owners, _levels(lines), strict=True):
            levels[owner] = level
        return levels

    return list(zip(view("-"), view("+"), strict=True))


def _aligned(new: Sequence[ExportProvision], old: Sequence[ExportProvision]) -> list[Pair]:
    """Every provision of either version, matched by uid, in the new order; removed ones stand
    right after the provision that preceded them, as snapshots.compare_states lists them."""
    before = {provision.uid: provision for provision in old}
    now = {provision.uid for provision in new}
    removed_after: dict[str | None, list[ExportProvision]] = {}
    anchor: str | None = None
    for provision in old:
        if provision.uid in now:
            anchor = provision.uid
        else:
            removed_after.setdefault(anchor, []).append(provision)
    pairs: list[Pair] = [(None, gone) for gone in removed_after.pop(None, [])]
    for provision in new:
        pairs.append((provision, before.get(provision.uid)))
        pairs.extend((None, gone) for gone in removed_after.pop(provision.uid, []))
    return pairs


# --- Cuadro comparativo -----------------------------------------------------------------------


def _comparative_table(
    word: WordDocument,
    document: ExportDocument,
    base: ExportDocument,
    sources: dict[str, list[str]],
) -> None:
    """One row per clause matched by uid, on landscape pages whose header row repeats."""
    section = word.add_section(WD_SECTION.NEW_PAGE)
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = Cm(29.7), Cm(21)
    section.top_margin = section.bottom_margin = Cm(2)
    section.left_margin = section.right_margin = Cm(2)
    word.add_paragraph(_("Comparative table"), style="Heading 1")
    word.add_paragraph(
        _(
            "Base text: %(base)s. Proposed text: %(proposed)s.",
            base=_version_name(base),
            proposed=_version_name(document),
        )
    ).alignment = WD_ALIGN_PARAGRAPH.CENTER

    table = word.add_table(rows=1, cols=len(_COLUMNS))
    table.style = word.styles["Table Grid"]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    for column, width in zip(table.columns, _COLUMNS, strict=True):
        column.width = width
    header = table.rows[0]
    titles = (_("Provision"), _("Base text"), _("Proposed text"), _("Source of the change"))
    for cell, title in zip(header.cells, titles, strict=True):
        _cell_runs(cell.paragraphs[0], [("=", title)], bold=True)
    header_properties = header._tr.get_or_add_trPr()
    header_properties.append(OxmlElement("w:tblHeader"))
    header_properties.append(OxmlElement("w:cantSplit"))

    for new, old in _aligned(document.clauses, base.clauses):
        cells = table.add_row().cells
        for cell, width in zip(cells, _COLUMNS, strict=True):
            cell.width = width
        _label_cell(cells[0], new, old)
        if old is not None:
            _cell_runs(cells[1].paragraphs[0], [("=", _clause_line(old))], bold=True)
            for line in _prepared(old.text).split("\n"):
                if line.strip():
                    _cell_runs(cells[1].add_paragraph(), [("=", line)])
        _proposed_cell(cells[2], new, old)
        either = new or old
        assert either is not None
        for index, source in enumerate(sources.get(either.uid, [])):
            paragraph = cells[3].paragraphs[0] if index == 0 else cells[3].add_paragraph()
            _cell_runs(paragraph, [("=", source)])


def _version_name(document: ExportDocument) -> str:
    return _prepared(document.snapshot.label) if document.snapshot else _("Current text")


def _label_cell(cell: _Cell, new: ExportProvision | None, old: ExportProvision | None) -> None:
    either = new or old
    assert either is not None
    _cell_runs(cell.paragraphs[0], [("=", either.label)], bold=True)
    notes = []
    if old is None:
        notes.append(_("Added"))
    elif new is None:
        notes.append(_("Removed"))
    else:
        if diffing.changed(old.heading, new.heading) or diffing.changed(old.text, new.text):
            notes.append(_("Modified"))
        if old.label != new.label:
            notes.append(_("before: %(label)s", label=old.label))
    for note in notes:
        _cell_runs(cell.add_paragraph(), [("=", note)], italic=True)


def _proposed_cell(cell: _Cell, new: ExportProvision | None, old: ExportProvision | None) -> None:
    """The new text with what it adds underlined (and bold) and what it drops struck through,
    so the marks survive a black-and-white photocopy."""
    either = new or old
    assert either is not None
    label_op: Op = "=" if new and old else ("+" if new else "-")
    header: list[tuple[Op, str]] = [(label_op, either.label)]
    heading_ops = _diff(old.heading if old else "", new.heading if new else "")
    if heading_ops:
        header += [(label_op, " "), *heading_ops]
    _cell_runs(cell.paragraphs[0], header, bold=True)
    ops = _diff(old.text if old else "", new.text if new else "")
    for runs, _mark in _paragraphs(ops, "="):
        if "".join(piece for _op, piece in runs).strip():
            _cell_runs(cell.add_paragraph(), runs)


def _cell_runs(
    paragraph: Paragraph,
    runs: Sequence[tuple[Op, str]],
    *,
    bold: bool = False,
    italic: bool = False,
) -> None:
    for op, piece in runs:
        run = paragraph.add_run(_prepared(piece).replace(_LINE_BREAK, " "))
        run.font.size = _TABLE_FONT
        run.bold = bold or op == "+" or None
        run.italic = italic or None
        if op == "+":
            run.underline = True
        elif op == "-":
            run.font.strike = True


# --- Tracked changes --------------------------------------------------------------------------


class _Revisions:
    """Makes w:ins / w:del marks: Word wants every revision's w:id unique in the document."""

    def __init__(self, date: str) -> None:
        self.date = date
        self.next_id = 1

    def mark(self, kind: str, author: str) -> BaseOxmlElement:
        """A revision element: "+" → w:ins, "-" → w:del, or any other tag given whole."""
        tag = {"+": "w:ins", "-": "w:del"}.get(kind, kind)
        element = OxmlElement(
            tag,
            {
                qn("w:id"): str(self.next_id),
                qn("w:author"): xml_text(author),
                qn("w:date"): self.date,
            },
        )
        self.next_id += 1
        return element


def _revision_date(document: ExportDocument) -> str:
    """When the new text was fixed: its snapshot's time, or now for the current text."""
    moment = document.snapshot.created_at if document.snapshot else document.generated_at
    return as_utc(moment).strftime("%Y-%m-%dT%H:%M:%SZ")


def _run(text: str, *, deleted: bool = False, bold: bool = False) -> BaseOxmlElement:
    """A w:r holding `text`: tabs and line breaks as Word's own elements; deleted text as
    w:delText, which is what Word expects inside w:del."""
    run = OxmlElement("w:r")
    if bold:
        properties = OxmlElement("w:rPr")
        properties.append(OxmlElement("w:b"))
        run.append(properties)
    for piece in re.split(f"([\t{_LINE_BREAK}])", text):
        if piece == "\t":
            run.append(OxmlElement("w:tab"))
        elif piece == _LINE_BREAK:
            run.append(OxmlElement("w:br"))
        elif piece:
            element = OxmlElement("w:delText" if deleted else "w:t")
            element.set(qn("xml:space"), "preserve")
            element.text = piece
            run.append(element)
    return run


def _track_indent(paragraph: Paragraph, old_level: int, revisions: _Revisions, author: str) -> None:
    """Records the paragraph's former indent (w:pPrChange), so rejecting restores it too."""
    former = OxmlElement("w:pPr")
    if old_level:
        former.append(OxmlElement("w:ind", {qn("w:left"): str(_INDENT.twips * old_level)}))
    former.append(OxmlElement("w:jc", {qn("w:val"): "both"}))
    change = revisions.mark("w:pPrChange", author)
    change.append(former)
    paragraph._p.get_or_add_pPr().append(change)  # the last child of w:pPr, by the schema


def _tracked_paragraph(
    paragraph: Paragraph,
    runs: Sequence[tuple[Op, str]],
    mark: Op,
    revisions: _Revisions,
    author: str,
    *,
    bold: bool = False,
) -> None:
    """Appends the runs, inserted ones in w:ins and deleted ones in w:del, and marks the
    paragraph mark itself when the line end was inserted or deleted, so that accepting or
    rejecting joins the paragraphs as the text joins its lines. Call after any formatting."""
    for op, piece in runs:
        run = _run(piece, deleted=op == "-", bold=bold)
        if op == "=":
            paragraph._p.append(run)
        else:
            revision = revisions.mark(op, author)
            revision.append(run)
            paragraph._p.append(revision)
    if mark != "=":
        properties = OxmlElement("w:rPr")
        properties.append(revisions.mark(mark, author))
        paragraph._p.get_or_add_pPr().insert_element_before(properties, "w:sectPr", "w:pPrChange")
