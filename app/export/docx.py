"""The bill as a Word document, laid out as Peruvian bills are printed, with its cuadro
comparativo; and a second document carrying the changes as Word's own tracked revisions, so the
committee can accept or reject them one by one in the program it already uses."""

import re
from collections.abc import Mapping, Sequence
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
from docx.text.paragraph import Paragraph

from app.core.escaping import xml_text
from app.core.i18n import _
from app.core.models import as_utc
from app.drafts.diffing import Op
from app.drafts.numbering import DISPOSITION_GROUPS, Kind
from app.drafts.text import mark_of
from app.export import cuadro
from app.export.changes import LINE_BREAK, Credit, History, Span, attribute, diff, prepared
from app.export.document import BILL_NUMBER, ExportDocument, ExportProvision
from app.export.history import SECRETARIAT, unaccounted

# As the law itself prints it: Spanish whatever the interface language.
ENACTING_FORMULA = ("EL CONGRESO DE LA REPÚBLICA;", "Ha dado la Ley siguiente:")
# Who a tracked change is attributed to when its history does not say (a renumbering).
DEFAULT_AUTHOR = SECRETARIAT
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
_LINE_BREAK = LINE_BREAK
# Cuadro comparativo, landscape A4 with 2 cm margins: 25.7 cm to share among the columns.
_COLUMNS = (Cm(3.2), Cm(8.5), Cm(8.5), Cm(5.5))
_TABLE_FONT = Pt(9)
_PROVENANCE_FONT = Pt(8)
_SUMILLA_INDENT = Cm(7)
SIGNATURE_LINE = "_" * 40

# Each paragraph's runs, whether its paragraph mark is kept ("="), inserted or deleted, and
# whom that mark's change is credited to.
Paragraphs = list[tuple[list[Span], Op, Credit]]


def render(
    document: ExportDocument,
    base: ExportDocument | None = None,
    histories: Mapping[str, History] | None = None,
    *,
    every_row: bool = False,
) -> bytes:
    """The bill and its exposición de motivos; with a base, followed by the cuadro comparativo
    the committee asks for: the clauses that changed (`every_row`: all), each edit credited by
    `histories` (app/export/history.py)."""
    word = _new_document(document)
    for provision in document.provisions:
        if provision.is_clause:
            heading = word.add_paragraph(style=_CLAUSE_STYLE)
            heading.add_run(prepared(_clause_line(provision))).bold = True
            lines = [line.strip() for line in prepared(provision.text).split("\n")]
            lines = [line for line in lines if line]
            for line, level in zip(lines, _levels(lines), strict=True):
                _format_body(word.add_paragraph(line), level)
        else:
            word.add_paragraph(
                prepared(_structure_line(provision)).replace(_LINE_BREAK, "\n"),
                style=_HEADING_STYLES[provision.kind],
            )
    _signatures(word, document)
    if document.motives is not None:
        _motives(word, document)
    if base is not None:
        rows = cuadro.rows(document, base, histories or {}, unaccounted(document), every=every_row)
        _comparative_table(word, document, base, rows)
    return _saved(word)


def _signatures(word: WordDocument, document: ExportDocument) -> None:
    """Place and date, and a line to sign above the proposing body's name."""
    cover = document.cover()
    word.add_paragraph(prepared(cover.place_and_date)).alignment = WD_ALIGN_PARAGRAPH.RIGHT
    line = word.add_paragraph("\n\n" + SIGNATURE_LINE)
    line.alignment = WD_ALIGN_PARAGRAPH.CENTER
    if cover.proponent:
        word.add_paragraph(prepared(cover.proponent)).alignment = WD_ALIGN_PARAGRAPH.CENTER


def _motives(word: WordDocument, document: ExportDocument) -> None:
    """The exposición de motivos, on a page of its own after the articles."""
    heading = word.add_paragraph("EXPOSICIÓN DE MOTIVOS", style="Heading 1")
    heading.paragraph_format.page_break_before = True
    for title, text in document.motives_sections():
        word.add_paragraph(prepared(title), style="Heading 2")
        for line in prepared(text).split("\n"):
            if line.strip():
                _format_body(word.add_paragraph(line.strip()), 0)


def render_tracked(
    document: ExportDocument,
    base: ExportDocument,
    histories: Mapping[str, History] | None = None,
) -> bytes:
    """The bill with every change since `base` as a Word revision: accepting them all gives
    `document`, rejecting them all gives `base`. Each revision's author and date are those of
    the amendment or edit that made it, as `histories` tells."""
    word = _new_document(document)
    settings = word.settings.element
    if settings.find(qn("w:trackRevisions")) is None:
        # So that the committee's own edits are tracked as well.
        settings.insert_element_before(
            OxmlElement("w:trackRevisions"),
            *_SETTINGS_AFTER_TRACK_REVISIONS,
        )
    revisions = _Revisions()
    renumbered = unaccounted(document)
    for new, old in cuadro.aligned(document.provisions, base.provisions):
        either = new or old
        assert either is not None
        history = (histories or {}).get(either.uid, History())
        end: Op = "=" if new and old else ("+" if new else "-")
        whole = history.created_or_removed or renumbered
        line = _clause_line if either.is_clause else _structure_line
        spans = attribute(
            diff(line(old) if old else "", line(new) if new else ""),
            old.heading if old else "",
            history.headings,
            fallback=whole,
            prefix=(_label_size(old), _label_size(new)),
            prefix_credit=whole if end != "=" else renumbered,
        )
        if not either.is_clause:
            paragraph = word.add_paragraph(style=_HEADING_STYLES[either.kind])
            _tracked_paragraph(paragraph, spans, end, whole, revisions)
            continue
        header = word.add_paragraph(style=_CLAUSE_STYLE)
        _tracked_paragraph(header, spans, end, whole, revisions, bold=True)
        old_text, new_text = (old.text if old else ""), (new.text if new else "")
        if not (old_text or new_text):
            continue
        text_spans = attribute(diff(old_text, new_text), old_text, history.texts, fallback=whole)
        paragraphs = _paragraphs(text_spans, end, whole)
        for (runs, mark, credit), (level, old_level) in zip(
            paragraphs, _tracked_levels(paragraphs), strict=True
        ):
            paragraph = word.add_paragraph()
            _format_body(paragraph, old_level if mark == "-" else level)
            _tracked_paragraph(paragraph, runs, mark, credit, revisions)
            if mark == "=" and level != old_level:
                changed = [c for op, _piece, c in runs if op != "=" and c is not None]
                _track_indent(paragraph, old_level, revisions, changed[0] if changed else whole)
    return _saved(word)


def _label_size(provision: ExportProvision | None) -> int:
    """How much of its header line is the label and the separator before the heading."""
    return len(provision.label) + 1 if provision else 0


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
    properties.title = prepared(document.title)
    properties.author = properties.last_modified_by = "Mesa"
    properties.language = LANGUAGE
    properties.created = properties.modified = as_utc(document.generated_at).replace(tzinfo=None)
    properties.revision = 1
    provenance = [prepared(line) for line in document.provenance()]
    properties.comments = "\n".join(provenance)
    properties.identifier = document.audit_head or ""

    # The proyecto de ley's first page: its number (Congress's), sumilla, proposer, place and
    # date; then the fórmula legal and the title in capitals.
    cover = document.cover()
    word.add_paragraph().add_run(BILL_NUMBER).bold = True
    if document.snapshot is not None:
        label = word.add_paragraph(prepared(document.snapshot.label))
        label.alignment = WD_ALIGN_PARAGRAPH.CENTER
        label.runs[0].italic = True
    if cover.sumilla:
        sumilla = word.add_paragraph()
        sumilla.add_run(prepared(cover.sumilla)).bold = True
        sumilla.paragraph_format.left_indent = _SUMILLA_INDENT
        sumilla.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
    if cover.proponent:
        word.add_paragraph(prepared(cover.proponent))
    word.add_paragraph(prepared(cover.place_and_date)).alignment = WD_ALIGN_PARAGRAPH.RIGHT
    said = word.add_paragraph()
    said.alignment = WD_ALIGN_PARAGRAPH.CENTER
    for index, line in enumerate(provenance):
        run = said.add_run(("\n" if index else "") + line)
        run.font.size = _PROVENANCE_FONT
    congress, formula = ENACTING_FORMULA
    word.add_paragraph().add_run(congress).bold = True
    word.add_paragraph(formula)
    word.add_paragraph(prepared(document.title).upper(), style="Title")

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


def _clause_line(provision: ExportProvision) -> str:
    """ "Artículo 12. Objeto de la Ley", "PRIMERA. Reglamentación"."""
    return f"{provision.label} {provision.heading}" if provision.heading else provision.label


def _structure_line(provision: ExportProvision) -> str:
    """The label, and the heading below it: "TÍTULO I", "DISPOSICIONES GENERALES"."""
    if provision.heading and provision.label:
        return f"{provision.label}{_LINE_BREAK}{provision.heading}"
    return provision.label or provision.heading


def _paragraphs(spans: Sequence[Span], end: Op, end_credit: Credit) -> Paragraphs:
    """The edits cut at line ends: each paragraph's runs, and whether its paragraph mark is
    kept ("="), inserted or deleted: the line end's own edit, or `end` for the last one."""
    paragraphs: Paragraphs = []
    runs: list[Span] = []
    for op, piece, credit in spans:
        for index, line in enumerate(piece.split("\n")):
            if index:
                paragraphs.append((runs, op, credit or end_credit))
                runs = []
            if line:
                runs.append((op, line, credit))
    paragraphs.append((runs, end, end_credit))
    return paragraphs


def _tracked_levels(paragraphs: Paragraphs) -> list[tuple[int, int]]:
    """Each paragraph's indent once the changes are accepted, and once they are rejected.

    A paragraph whose mark goes joins the next one, so what is indented is the line that
    paragraph ends in each view, and only there; where its mark goes, its level is moot (0).
    """

    def view(drop: Op) -> list[int]:
        lines, owners, current = [], [], ""
        for index, (runs, mark, _credit) in enumerate(paragraphs):
            current += "".join(piece for op, piece, _c in runs if op != drop)
            if mark != drop:
                lines.append(current)
                owners.append(index)
                current = ""
        levels = [0] * len(paragraphs)
        for owner, level in zip(owners, _levels(lines), strict=True):
            levels[owner] = level
        return levels

    return list(zip(view("-"), view("+"), strict=True))


# --- Cuadro comparativo -----------------------------------------------------------------------


def _comparative_table(
    word: WordDocument,
    document: ExportDocument,
    base: ExportDocument,
    rows: Sequence[cuadro.Row],
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
    legend = word.add_paragraph().add_run(cuadro.legend())
    legend.font.size = _TABLE_FONT

    table = word.add_table(rows=1, cols=len(_COLUMNS))
    table.style = word.styles["Table Grid"]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    for column, width in zip(table.columns, _COLUMNS, strict=True):
        column.width = width
    header = table.rows[0]
    for cell, title in zip(header.cells, cuadro_titles(), strict=True):
        _cell_runs(cell.paragraphs[0], [("=", title, None)], bold=True)
    header_properties = header._tr.get_or_add_trPr()
    header_properties.append(OxmlElement("w:tblHeader"))
    header_properties.append(OxmlElement("w:cantSplit"))

    for row in rows:
        cells = table.add_row().cells
        for cell, width in zip(cells, _COLUMNS, strict=True):
            cell.width = width
        _cell_runs(cells[0].paragraphs[0], [("=", row.label, None)], bold=True)
        for note in row.notes:
            _cell_runs(cells[0].add_paragraph(), [("=", note, None)], italic=True)
        if row.base is not None:
            _cell_runs(cells[1].paragraphs[0], [("=", row.base.line, None)], bold=True)
            for line in cuadro.base_paragraphs(row.base):
                _cell_runs(cells[1].add_paragraph(), [("=", line, None)])
        # The new text with what it adds underlined (and bold) and what it drops struck
        # through, so the marks survive a black-and-white photocopy.
        _cell_runs(cells[2].paragraphs[0], row.header, bold=True, row=row)
        for spans in row.paragraphs:
            _cell_runs(cells[2].add_paragraph(), spans, row=row)
        for index, source in enumerate(row.sources):
            paragraph = cells[3].paragraphs[0] if index == 0 else cells[3].add_paragraph()
            number = row.number(source)
            line = f"({number}) {source.source}" if number else source.source
            _cell_runs(paragraph, [("=", line, None)])


def cuadro_titles() -> tuple[str, str, str, str]:
    return (_("Provision"), _("Base text"), _("Proposed text"), _("Source of the change"))


def _version_name(document: ExportDocument) -> str:
    return prepared(document.snapshot.label) if document.snapshot else _("Current text")


def _cell_runs(
    paragraph: Paragraph,
    runs: Sequence[Span],
    *,
    bold: bool = False,
    italic: bool = False,
    row: cuadro.Row | None = None,
) -> None:
    """The runs; with `row`, each edit followed by its source's note number when the row has
    several sources."""
    numbered = cuadro.noted(runs, row) if row else [(op, piece, None) for op, piece, _c in runs]
    for op, piece, number in numbered:
        run = paragraph.add_run(prepared(piece).replace(_LINE_BREAK, " "))
        run.font.size = _TABLE_FONT
        run.bold = bold or op == "+" or None
        run.italic = italic or None
        if op == "+":
            run.underline = True
        elif op == "-":
            run.font.strike = True
        if number:
            note = paragraph.add_run(f"({number})")
            note.font.size = _TABLE_FONT
            note.font.superscript = True


# --- Tracked changes --------------------------------------------------------------------------


class _Revisions:
    """Makes w:ins / w:del marks: Word wants every revision's w:id unique in the document."""

    def __init__(self) -> None:
        self.next_id = 1

    def mark(self, kind: str, credit: Credit) -> BaseOxmlElement:
        """A revision element: "+" → w:ins, "-" → w:del, or any other tag given whole; by the
        credit's author, at its date."""
        tag = {"+": "w:ins", "-": "w:del"}.get(kind, kind)
        element = OxmlElement(
            tag,
            {
                qn("w:id"): str(self.next_id),
                qn("w:author"): xml_text(credit.author),
                qn("w:date"): as_utc(credit.date).strftime("%Y-%m-%dT%H:%M:%SZ"),
            },
        )
        self.next_id += 1
        return element


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


def _track_indent(
    paragraph: Paragraph, old_level: int, revisions: _Revisions, credit: Credit
) -> None:
    """Records the paragraph's former indent (w:pPrChange), so rejecting restores it too."""
    former = OxmlElement("w:pPr")
    if old_level:
        former.append(OxmlElement("w:ind", {qn("w:left"): str(_INDENT.twips * old_level)}))
    former.append(OxmlElement("w:jc", {qn("w:val"): "both"}))
    change = revisions.mark("w:pPrChange", credit)
    change.append(former)
    paragraph._p.get_or_add_pPr().append(change)  # the last child of w:pPr, by the schema


def _tracked_paragraph(
    paragraph: Paragraph,
    runs: Sequence[Span],
    mark: Op,
    mark_credit: Credit,
    revisions: _Revisions,
    *,
    bold: bool = False,
) -> None:
    """Appends the runs, inserted ones in w:ins and deleted ones in w:del, each by its credit,
    and marks the paragraph mark itself when the line end was inserted or deleted, so that
    accepting or rejecting joins the paragraphs as the text joins its lines. Call after any
    formatting."""
    for op, piece, credit in runs:
        run = _run(piece, deleted=op == "-", bold=bold)
        if op == "=":
            paragraph._p.append(run)
        else:
            revision = revisions.mark(op, credit or mark_credit)
            revision.append(run)
            paragraph._p.append(revision)
    if mark != "=":
        properties = OxmlElement("w:rPr")
        properties.append(revisions.mark(mark, mark_credit))
        paragraph._p.get_or_add_pPr().insert_element_before(properties, "w:sectPr", "w:pPrChange")
