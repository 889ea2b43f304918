"""Reading a bill from text: the drafts/ Markdown format, plain published Peruvian law text (El
Peruano, SPIJ copies with their editorial notes) and Word files.

Pure: text in, a tree of parsed provisions out, or an ImportProblem naming the line. Published
text keeps each article's number as written ("228-A", kept by a law in force), its SPIJ notes
apart from the law text, and a report of what every source line was read as.
"""

import io
import re
import unicodedata
import zipfile
from dataclasses import dataclass, field
from typing import Literal

from app.core.errors import InvalidInput
from app.core.i18n import _
from app.core.text import clean
from app.drafts.numbering import (
    ALLOWED_PARENTS,
    CLAUSE_KINDS,
    GROUP_HEADINGS,
    STRUCTURE_WORDS,
    Kind,
    from_roman,
    parse_ordinal,
)

SLUG_PATTERN = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
MAX_SLUG_LENGTH = 80
MAX_TITLE_LENGTH = 300
# After a number: ".", ".-", "°.-", "º.", ":", "—", "-" and spaces, then the heading (if any).
_SEPARATOR = r"\s*[°º]?\s*(?:\.\s*-|\.|:|—|–|-)?\s*"
# The end of a number: "4º" must read as 4, though "º" is a letter to \b.
_END = r"(?![0-9A-Za-zÁÉÍÓÚáéíóúÑñ])"
# "Artículo 12", "Artículo 228-A", "Artículo 3 bis", "Artículo IV" (título preliminar),
# "Artículo Único"; El Peruano's OCR leaves junk after the number ("Artículo 5%.-").
_ARTICLE = re.compile(
    r"^art[íi]culo\s+(?P<num>[0-9]+(?:\s*-\s*[A-Z](?![a-záéíóúñ])|\s+(?:bis|ter|qu[áa]ter)\b)?"
    r"|(?-i:[IVXLCDM]+)|[úu]nico)\s*[*\"”“%?'’]*" + _END + _SEPARATOR + r"(?P<rest>.*)$",
    re.I,
)
_STRUCTURE = re.compile(
    r"^(?P<word>LIBRO|T[ÍI]TULO|SUBCAP[ÍI]TULO|CAP[ÍI]TULO|SECCI[ÓO]N)\s+(?P<rest>\S.*)$", re.I
)
_HEADING_SEPARATOR = re.compile(r"^\s*[°º]?\s*(?:\.\s*-|\.|:|—|–|-)\s*")
_DISPOSITION = re.compile(
    r"^(?P<ord>[^\W\d_]+(?:\s+[^\W\d_]+)?)(?:\s+disposici[óo]n\b[^.:]*?)?"
    r"\s*(?:(?:\.\s*-|\.|:|—|–)\s*(?P<rest>.*))?$",
    re.I,
)
# A line that starts a new paragraph even without a blank line before it.
_PARAGRAPH_START = re.compile(r"^(?:\d+(?:\.\d+)+\.?\s|\d+\)\s|[a-zñ]\)\s|[-•]\s)")
# Where the law's text ends in published text: the promulgation formula and the signatures.
_CLOSING = re.compile(
    r"^(POR\s*TANTO|Comun[íi]quese al se[ñn]or Presidente|Dado en la Casa de Gobierno|"
    r"En Lima, al?\s)",
    re.I,
)
_MARKDOWN_HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")
# The drafts/ format marks an unnumbered sub-heading with five #.
EPIGRAFE_MARK = "#####"
_STRUCTURE_KINDS = {
    "LIBRO": Kind.LIBRO,
    "TITULO": Kind.TITULO,
    "CAPITULO": Kind.CAPITULO,
    "SUBCAPITULO": Kind.SUBCAPITULO,
    "SECCION": Kind.SECCION,
}
# In published text a heading that runs on into a sentence is text, not a heading.
MAX_HEADING_WORDS = 12
MAX_LONG_HEADING_WORDS = 40

# SPIJ's editorial apparatus (never law text).
_STAR_NOTE = re.compile(r"^\(\*+\)")
_CONCORDANCIAS = re.compile(r"^CONCORDANCIAS?\b", re.I)
_NOTA = re.compile(r"^NOTA\s*:", re.I)
# SPIJ sometimes runs a CONCORDANCIAS block on at the end of a text line ("…Ley."CONCORDANCIAS:").
_INLINE_CONCORDANCIAS = re.compile(r"(?<=[.”\"])\s*(CONCORDANCIAS?\s*:.*)$")
# A note's call mark at the end of a text line, and the inline fe de erratas mark.
_CALL_MARK = re.compile(
    r"(?:\s*\(\*+\))+(?:\s*RECTIFICADO POR FE DE ERRATAS(?P<end>\.?))?\s*$", re.I
)
# Captions SPIJ puts before the law: links, not law and not notes.
_CAPTION = re.compile(r"^(DIARIO DE LOS DEBATES\b|Enlace Web:)", re.I)
# "(*) Numeral modificado por … cuyo texto es el siguiente:": the next text replaces a part.
_PARTIAL_CHANGE = re.compile(
    r"^\(\*+\)\s*(?:Numeral|Literal|Inciso|P[áa]rrafo|Ac[áa]pite)\b.*?"
    r"\b(?:modificad|sustituid)\w*\b.*cuyo texto es el siguiente",
    re.I,
)
# The numeral or literal that starts a paragraph: "9.4", "c.4", "a)", "2.".
# "(*) Párrafo 5.4) incorporado por …": the paragraph before it, printed in quotes, is law text.
_PART_ADDED = re.compile(
    r"^\(\*+\)\s*(?:Numeral|Literal|Inciso|P[áa]rrafo|Ac[áa]pite)\b.*?"
    r"\b(?:incorporad|adicionad|añadid)",
    re.I,
)
_MARKER = re.compile(r"^([0-9]+(?:\.[0-9]+)*|[a-zñ](?:\.[0-9]+)*)[.)]?\s", re.I)
_OPENING_QUOTE = re.compile(r"^[“\"«]\s*")
_CLOSING_QUOTE = re.compile(r"\s*([”\"»])(\s*[.;,]?)\s*$")
# Page furniture of a printed daily: separators, page numbers, "Pág. 253056 El Peruano".
_PAGE_FURNITURE = re.compile(
    r"^(?:-{3,}|\d{1,6}|.{0,40}\bP[áa]g\.?\s*\d{3,}\b.{0,40}|"
    r"Lima,\s+(?:lunes|martes|mi[ée]rcoles|jueves|viernes|s[áa]bado|domingo)\s+\d{1,2}\s+de\s+"
    r"\w+\s+de\s+\d{4})$",
    re.I,
)
_TABLE_OF_CONTENTS = re.compile(r"^(?:[ÍI]NDICE|CONTENIDO|SUMARIO|TABLA DE CONTENIDOS?)$", re.I)
# An entry of a printed table of contents may end in dots and a page number.
_TOC_PAGE = re.compile(r"[\s.·…]*\d*\s*$")
_LATIN_SUFFIXES = {"BIS": 2, "TER": 3, "QUATER": 4}
# How much of a law's indentation marks a CONCORDANCIAS block's continuation lines in SPIJ.
_CONTINUATION_INDENT = 10

Role = Literal[
    "blank", "preamble", "heading", "text", "note", "caption", "furniture", "contents",
    "closing", "unplaced",
]  # fmt: skip


class ImportProblem(InvalidInput):
    """Bad input for the importer; `line` is 1-based, or None for the file as a whole."""

    code = "invalid_draft"

    def __init__(self, message: str, line: int | None = None) -> None:
        if line:
            message = _("line %(line)s: %(problem)s", line=line, problem=message)
        super().__init__(message, line=line)
        self.line = line


@dataclass
class ParsedNote:
    """A note of the SPIJ's editorial apparatus: never law text. `superseded` holds the text a
    modification it reports replaced, which the consolidated text no longer shows."""

    line: int
    text: str
    kind: str  # "spij" ((*) lines), "concordancias", "nota"
    superseded: str = ""


@dataclass
class ParsedProvision:
    kind: Kind
    heading: str
    line: int
    # An article's number as written ("12", "228-A"), or "ÚNICO" for a sole título or capítulo.
    number: str | None = None
    paragraphs: list[str] = field(default_factory=list)
    children: list["ParsedProvision"] = field(default_factory=list)
    notes: list[ParsedNote] = field(default_factory=list)
    order: tuple[int, int] | None = None  # the number, for checking order; not kept
    quoted: bool = False  # printed in quotes (a modified or incorporated text): quotes stripped
    # What followed the number on its heading line: the text, if no other text comes.
    heading_line: str = field(default="", repr=False)

    @property
    def text(self) -> str:
        return "\n".join(self.paragraphs)


@dataclass(frozen=True)
class SourceLine:
    """What the importer read a line of the source as, for the preview."""

    number: int
    text: str
    role: Role


@dataclass
class ParsedDraft:
    title: str
    slug: str | None
    provisions: list[ParsedProvision]
    notes: list[ParsedNote] = field(default_factory=list)  # the law's own, not an article's
    lines: list[SourceLine] = field(default_factory=list)
    # Modifications whose notes did not say which paragraph they replace: both texts were kept.
    warnings: list[tuple[int, str]] = field(default_factory=list)

    def walk(self) -> list[ParsedProvision]:
        """Every provision in document order."""
        ordered: list[ParsedProvision] = []
        stack = list(reversed(self.provisions))
        while stack:
            node = stack.pop()
            ordered.append(node)
            stack.extend(reversed(node.children))
        return ordered

    def all_notes(self) -> list[ParsedNote]:
        return [*self.notes, *(note for node in self.walk() for note in node.notes)]

    @property
    def unrecognized(self) -> list[SourceLine]:
        return [line for line in self.lines if line.role == "unplaced"]


@dataclass
class _Heading:
    kind: Kind
    heading: str
    number: int | None  # the number written in the text, checked for order
    text: str = ""  # published text may start the body on the heading's line
    written: str | None = None  # an article's number as written, kept by a law in force
    order: tuple[int, int] | None = None  # (number, suffix): 13-A is (13, 1), 3 bis (3, 2)
    rest: str = ""  # what followed the number on the heading line, as written


def _fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFD", text.upper())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def normalize_text(text: str) -> str:
    """NFC, unified spaces and no trailing blanks, so equal texts compare equal."""
    text = clean(text).replace("\u00a0", " ").replace("\u202f", " ")
    return re.sub(r"[ \t]+", " ", text).strip()


def normalize_heading(heading: str) -> str:
    """A heading as Mesa keeps it, whoever wrote it: one line, no final period (the label has
    one). The importer and the services that accept headings share it, so a heading read back
    from an export is the heading that was exported."""
    one_line = " ".join(heading.splitlines())
    return re.sub(r"[\s.]+$", "", normalize_text(one_line))


def unescape_markdown(line: str) -> str:
    """The drafts/ format's one escape: a backslash that starts a text line or a heading is
    dropped, so that what follows it is read as written (app/export/markdown.py writes it)."""
    return line[1:] if line.startswith("\\") else line


def _split_heading_and_text(rest: str) -> tuple[str, str]:
    """Published text may write "Artículo 3.- Heading.- Text…" or "PRIMERA.- Text…"; a heading
    may be long ("Apoyo de la fuerza pública, de los sectores, …") but is no sentence."""
    heading, dash, text = rest.partition(".- ")
    if dash and len(heading.split()) <= MAX_LONG_HEADING_WORDS:
        return heading.strip(), text.strip()
    words = len(rest.split())
    sentence = (
        re.search(r"\.\s+\S", rest)
        or rest.endswith((",", ";", ":"))
        or rest[:1].islower()
        or (rest.endswith(".") and words > MAX_HEADING_WORDS)
        or words > MAX_LONG_HEADING_WORDS
    )
    return ("", rest) if sentence else (rest.rstrip("."), "")


def _article_number(written: str) -> tuple[str, int | None, tuple[int, int] | None]:
    """("228-A", 228, (228, 1)) for "228 - a"; ("IV", 4, (4, 0)) for a preliminary "IV"."""
    folded = _fold(written)
    if folded == "UNICO":
        return "Único", 1, (1, 0)
    if match := re.fullmatch(r"([0-9]+)\s*-\s*([A-Z])", folded):
        digits, letter = match.groups()
        return f"{int(digits)}-{letter}", int(digits), (int(digits), ord(letter) - 64)
    if match := re.fullmatch(r"([0-9]+)\s+([A-Z]+)", folded):
        digits, latin = match.groups()
        rank = _LATIN_SUFFIXES.get(latin, 9)
        return f"{int(digits)} {written.split()[-1].lower()}", int(digits), (int(digits), rank)
    if folded.isdigit():
        return str(int(folded)), int(folded), (int(folded), 0)
    roman = from_roman(folded)
    return folded, roman, (roman, 0) if roman else None


def _structure_number(rest: str) -> tuple[str, int | None, str] | None:
    """The number after LIBRO/TÍTULO/CAPÍTULO…: (as written, value, what follows), or None when
    what follows the word is no number (a sentence that starts with "Título")."""
    words = rest.split(maxsplit=2)
    first = words[0].rstrip(".:-–—") if words else ""
    folded = _fold(first)
    candidates: list[tuple[str, int]] = []
    if folded == "PRELIMINAR":
        candidates.append(("PRELIMINAR", -1))
    elif first.isdigit():
        candidates.append((first, int(first)))
    elif (value := from_roman(first)) is not None and first.isupper():
        candidates.append((first, value))
    elif len(words) > 1 and (value := parse_ordinal(f"{first} {words[1]}")) is not None:
        return "", value, rest.split(maxsplit=2)[2] if len(words) > 2 else ""
    elif (value := parse_ordinal(first)) is not None:
        candidates.append((first, value))
    if not candidates:
        return None
    written, value = candidates[0]
    following = rest[rest.index(first) + len(first) :]
    return written, value, following


def recognize(line: str, in_group: bool, published: bool) -> _Heading | None:
    """What heading, if any, a line is; `published` allows heading and text on one line."""
    if match := _ARTICLE.match(line):
        written, number, order = _article_number(match["num"])
        rest = match["rest"]
        heading, text = _split_heading_and_text(rest) if published else (rest.rstrip("."), "")
        return _Heading(Kind.ARTICULO, heading, number, text, written, order, rest)
    if match := _STRUCTURE.match(line):
        return _structure_heading(match["word"], match["rest"], published)
    if (group := group_kind(line)) is not None:
        return _Heading(group, "", None)
    if in_group and (match := _DISPOSITION.match(line)):
        number = parse_ordinal(match["ord"])
        if number is None:
            return None
        rest = match["rest"] or ""
        heading, text = _split_heading_and_text(rest) if published else (rest.rstrip("."), "")
        return _Heading(Kind.DISPOSICION, heading, number, text, rest=rest)
    return None


def _structure_heading(word: str, rest: str, published: bool) -> _Heading | None:
    found = _structure_number(rest)
    if found is None:
        return None
    _written, value, following = found
    kind = _STRUCTURE_KINDS[_fold(word)]
    name = following
    if separator := _HEADING_SEPARATOR.match(following):
        name = following[separator.end() :]
    elif following.strip() and published and not (word + following).isupper():
        return None  # "Título II de la presente Ley…" is a sentence, not a heading
    if value == -1:
        return _Heading(Kind.TITULO_PRELIMINAR, name.strip(), None) if kind is Kind.TITULO else None
    sole = "ÚNICO" if value == 0 else None
    return _Heading(kind, name.strip().rstrip("."), value or None, written=sole)


def _group_spellings() -> dict[str, Kind]:
    spellings: dict[str, Kind] = {}
    for kind, headings in GROUP_HEADINGS.items():
        for heading in headings:
            spellings[_letters(heading)] = kind
    return spellings


def _letters(text: str) -> str:
    return " ".join(re.sub(r"[^A-Z]+", " ", _fold(text)).split())


_GROUP_SPELLINGS = _group_spellings()


def group_kind(line: str) -> Kind | None:
    """The group of dispositions a heading names, singular or plural, in any case:
    "DISPOSICIONES COMPLEMENTARIAS Y FINALES", "Disposición final"."""
    bare = _without_call_mark(line).strip().rstrip(".:")
    if not _fold(bare).startswith("DISPOSICI") or len(bare) > 80:
        return None
    return _GROUP_SPELLINGS.get(_letters(bare))


def _front_matter(lines: list[str]) -> tuple[dict[str, str], int]:
    if not lines or lines[0].strip() != "---":
        return {}, 0
    values: dict[str, str] = {}
    for index, line in enumerate(lines[1:], start=1):
        if line.strip() == "---":
            return values, index + 1
        key, colon, value = line.partition(":")
        if not colon:
            raise ImportProblem(_("the header must have «key: value» lines"), index + 1)
        values[key.strip().lower()] = value.strip()
    raise ImportProblem(_("the header that starts with «---» is never closed"), 1)


class _TreeBuilder:
    """Places each heading under the right parent and checks the numbers written in the text."""

    def __init__(self) -> None:
        self.roots: list[ParsedProvision] = []
        self.stack: list[ParsedProvision] = []
        self.current: ParsedProvision | None = None
        self.last_number: dict[tuple[int, Kind], tuple[int, int]] = {}
        self.last_article: dict[bool, tuple[tuple[int, int], int, str]] = {}
        self.articles: dict[bool, ParsedProvision] = {}

    def add(self, heading: _Heading, line: int) -> ParsedProvision:
        node = ParsedProvision(
            heading.kind,
            normalize_heading(heading.heading),
            line,
            number=heading.written,
            order=heading.order,
        )
        if heading.text:
            node.paragraphs.append(normalize_text(heading.text))
        parent = self.parent_for(heading.kind, line)
        self._check_number(heading, parent, line)
        (parent.children if parent else self.roots).append(node)
        if heading.kind not in CLAUSE_KINDS:
            self.stack.append(node)
        if heading.kind is Kind.ARTICULO:
            self.articles[self.in_preliminary()] = node
        self.current = node
        return node

    def parent_for(self, kind: Kind, line: int) -> ParsedProvision | None:
        """Closes open containers until one may hold `kind` (or the top level is reached)."""
        allowed = ALLOWED_PARENTS[kind]
        while self.stack and self.stack[-1].kind not in allowed:
            self.stack.pop()
        parent = self.stack[-1] if self.stack else None
        if parent is None and None not in allowed:
            raise ImportProblem(_misplaced(kind), line)
        return parent

    def in_preliminary(self) -> bool:
        return any(p.kind is Kind.TITULO_PRELIMINAR for p in self.stack)

    def last_article_order(self) -> tuple[int, int] | None:
        previous = self.last_article.get(self.in_preliminary())
        return previous[0] if previous else None

    def last_sibling(self, kind: Kind) -> ParsedProvision | None:
        """The last provision of `kind` where a new one would go: a repeated heading's first."""
        stack = list(self.stack)
        allowed = ALLOWED_PARENTS[kind]
        while stack and stack[-1].kind not in allowed:
            stack.pop()
        siblings = stack[-1].children if stack else self.roots
        return next((node for node in reversed(siblings) if node.kind is kind), None)

    def _check_number(self, heading: _Heading, parent: ParsedProvision | None, line: int) -> None:
        if heading.kind is Kind.ARTICULO:
            preliminary = self.in_preliminary()
            order, written = heading.order, heading.written or ""
            if order is None:
                raise ImportProblem(_("the article number cannot be read"), line)
            previous = self.last_article.get(preliminary)
            if previous and order == previous[0]:
                raise ImportProblem(
                    _(
                        "article %(number)s already appeared on line %(line)s",
                        number=written,
                        line=previous[1],
                    ),
                    line,
                )
            if previous and order < previous[0]:
                raise ImportProblem(
                    _(
                        "numbering goes backwards: article %(number)s comes after article "
                        "%(previous)s (line %(line)s)",
                        number=written,
                        previous=previous[2],
                        line=previous[1],
                    ),
                    line,
                )
            self.last_article[preliminary] = (order, line, written)
        elif heading.number:
            scope = (id(parent), heading.kind)
            last = self.last_number.get(scope)
            if last and heading.number <= last[0]:
                raise ImportProblem(
                    _(
                        "numbering does not go forward: %(number)s after %(previous)s "
                        "(line %(line)s)",
                        number=heading.number,
                        previous=last[0],
                        line=last[1],
                    ),
                    line,
                )
            self.last_number[scope] = (heading.number, line)


def _misplaced(kind: Kind) -> str:
    if kind is Kind.DISPOSICION:
        return _("a disposition must be inside a group of disposiciones complementarias")
    return _("«%(kind)s» cannot go here", kind=STRUCTURE_WORDS.get(kind, kind.value))


def parse_draft(raw: bytes, *, markdown: bool, default_slug: str | None = None) -> ParsedDraft:
    """Parse a bill. `markdown` chooses the drafts/ format over plain published text."""
    content = _decode(raw)
    if markdown:
        # Markdown ends lines at LF, CR or CRLF only; splitlines() would also split at U+2028
        # and the like, which a text may hold.
        return _parse_markdown(re.split(r"\r\n|\r|\n", content), default_slug)
    return parse_published(content.splitlines(), default_slug)


def parse_file(raw: bytes, filename: str, default_slug: str | None = None) -> ParsedDraft:
    """Parse an uploaded or given file by its kind: .md the drafts/ format, .docx a Word file,
    anything else published text."""
    name = filename.lower()
    if name.endswith(".docx"):
        return parse_published(docx_lines(raw), default_slug)
    return parse_draft(raw, markdown=name.endswith(".md"), default_slug=default_slug)


def _decode(raw: bytes) -> str:
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        bad_line = raw[: error.start].count(b"\n") + 1
        raise ImportProblem(_("the file is not in UTF-8"), bad_line) from None


def docx_lines(raw: bytes) -> list[str]:
    """A Word file's paragraphs (and table cells) as lines of published text, a blank line
    between paragraphs: headings and paragraphs as the secretariat received them."""
    import docx  # python-docx; imported here, as only Word imports need it

    try:
        document = docx.Document(io.BytesIO(raw))
    except (zipfile.BadZipFile, KeyError, ValueError):
        raise ImportProblem(_("the file is not a Word document (.docx)")) from None
    lines: list[str] = []
    for paragraph in document.paragraphs:
        # A manual line break inside a paragraph is a line of its own, as when copying.
        lines.extend(paragraph.text.replace("\v", "\n").split("\n"))
        lines.append("")
    for table in document.tables:
        for row in table.rows:
            lines.append(" | ".join(cell.text for cell in row.cells))
            lines.append("")
    return lines


def _parse_markdown(lines: list[str], default_slug: str | None) -> ParsedDraft:
    if not any(line.strip() for line in lines):
        raise ImportProblem(_("the file is empty"))
    meta, start = _front_matter(lines)
    builder = _TreeBuilder()
    title = meta.get("title", "")
    paragraph_break = True

    for number, raw_line in enumerate(lines[start:], start=start + 1):
        line = normalize_text(raw_line)
        in_group = any(node.kind in GROUP_HEADINGS for node in builder.stack)
        match = _MARKDOWN_HEADING.match(line)
        candidate = match.group(2) if match else None
        heading = recognize(candidate, in_group, published=False) if candidate else None
        if match and heading is None and match.group(1) == EPIGRAFE_MARK and builder.current:
            heading = _Heading(Kind.EPIGRAFE, match.group(2), None)
        if candidate and heading is None and builder.current is None and not title:
            title = candidate
            continue
        if candidate and heading is None:
            raise ImportProblem(
                _("heading not recognized: «%(heading)s»", heading=candidate), number
            )
        if heading:
            heading.heading = unescape_markdown(heading.heading)
            builder.add(heading, number)
            paragraph_break = True
            continue
        line = unescape_markdown(line)
        if not line:
            paragraph_break = True
            continue
        current = builder.current
        if current is None:
            continue  # before the first heading: not part of the law
        if current.kind not in CLAUSE_KINDS:
            raise ImportProblem(
                _("text outside an article or disposition (is a heading missing?)"), number
            )
        if not paragraph_break and not _PARAGRAPH_START.match(line):
            current.paragraphs[-1] += " " + line
        else:
            current.paragraphs.append(line)
        paragraph_break = False

    parsed = ParsedDraft(
        title=title, slug=meta.get("slug") or default_slug, provisions=builder.roots
    )
    _check_complete(parsed)
    return parsed


def parse_published(lines: list[str], default_slug: str | None = None) -> ParsedDraft:
    """Parse a law as published (El Peruano, SPIJ, a Word file's paragraphs)."""
    if not any(line.strip() for line in lines):
        raise ImportProblem(_("the file is empty"))
    return _PublishedReader(lines).read(default_slug)


@dataclass
class _PartialChange:
    """A note said the text after it replaces a numeral or literal of `node`."""

    node: ParsedProvision
    note: ParsedNote
    cut: int  # how many paragraphs the node had when the note came
    line: int


class _PublishedReader:
    """Reads published text line by line, with the state a reader keeps in mind: the open
    provision, a container waiting for its name, the open CONCORDANCIAS block, a modification
    note whose new text follows."""

    def __init__(self, lines: list[str]) -> None:
        self.raw = lines
        self.clean = [normalize_text(line) for line in lines]
        self.roles: list[Role] = ["blank"] * len(lines)
        self.builder = _TreeBuilder()
        self.notes: list[ParsedNote] = []
        self.preamble: list[str] = []
        self.warnings: list[tuple[int, str]] = []
        self.naming: ParsedProvision | None = None  # a container whose name is being read
        self.named_lines = 0
        self.paragraph_open = False  # the last line was text, with no blank line since
        self.page_break = False  # page furniture since the last text line
        self.since_note = False  # a note came after the current clause's heading
        self.concordancias: ParsedNote | None = None
        self.partial: _PartialChange | None = None
        self.skip_to = 0
        self.contents = _table_of_contents(self.clean)

    def read(self, default_slug: str | None) -> ParsedDraft:
        closed = False
        for index, line in enumerate(self.clean):
            if index < self.skip_to:
                continue
            if not line:
                self.paragraph_open = False
                continue
            if index in self.contents:
                self.roles[index] = "contents"
                continue
            if self._note(index, line, closed):
                continue
            if closed:
                self.roles[index] = "closing"
                continue
            if _CAPTION.match(line):
                self.roles[index] = "caption"
                continue
            if _PAGE_FURNITURE.match(line):
                self.roles[index] = "furniture"
                self.page_break = True
                continue
            if _CLOSING.match(line):
                closed = True
                self._finish(self.builder.current)
                self.roles[index] = "closing"
                continue
            if inline := _INLINE_CONCORDANCIAS.search(line):
                line = line[: inline.start()]
                self._line(index, _without_call_mark(line))
                self._attach(ParsedNote(index + 1, inline[1], "concordancias"), closed)
                continue
            self._line(index, _without_call_mark(line))
        self._finish(self.builder.current)
        parsed = ParsedDraft(
            title=_title_from_preamble(self.preamble),
            slug=default_slug,
            provisions=self.builder.roots,
            notes=self.notes,
            lines=[
                SourceLine(index + 1, raw.rstrip(), role)
                for index, (raw, role) in enumerate(zip(self.raw, self.roles, strict=True))
            ],
            warnings=self.warnings,
        )
        _check_complete(parsed)
        return parsed

    # Notes -------------------------------------------------------------------------------

    def _note(self, index: int, line: str, closed: bool) -> bool:
        indent = len(self.raw[index]) - len(self.raw[index].lstrip())
        if self.concordancias is not None:
            if indent >= _CONTINUATION_INDENT or _fold(line) == "OTRAS CONCORDANCIAS":
                self.concordancias.text += "\n" + line
                self.roles[index] = "note"
                return True
            self.concordancias = None
        kind = (
            "spij"
            if _STAR_NOTE.match(line)
            else "concordancias"
            if _CONCORDANCIAS.match(line)
            else "nota"
            if _NOTA.match(line)
            else None
        )
        if kind is None:
            return False
        note = ParsedNote(index + 1, line, kind)
        owner = self._attach(note, closed)
        self.roles[index] = "note"
        self.since_note = True
        self.paragraph_open = False
        if kind == "concordancias":
            self.concordancias = note
        elif owner is not None and owner.kind in CLAUSE_KINDS and _PARTIAL_CHANGE.match(line):
            self.partial = _PartialChange(owner, note, len(owner.paragraphs), index + 1)
        elif owner is not None and owner.paragraphs and _PART_ADDED.match(line):
            added = _unquote(owner.paragraphs[-1])
            if added[1]:
                owner.paragraphs[-1:] = [added[0]]
                _strip_closing_quotes(owner.paragraphs)
        return True

    def _attach(self, note: ParsedNote, closed: bool) -> ParsedProvision | None:
        """A note belongs to the provision it follows; before the law or after it, to the law."""
        owner = None if closed else self.builder.current
        (owner.notes if owner else self.notes).append(note)
        return owner

    # Headings and text -------------------------------------------------------------------

    def _line(self, index: int, line: str) -> None:
        number = index + 1
        bare, quoted = _unquote(line)
        in_group = any(node.kind in GROUP_HEADINGS for node in self.builder.stack)
        heading = recognize(bare, in_group, published=True) if bare else None
        if heading is None and bare and _fold(bare).startswith("DISPOSICI"):
            heading = self._wrapped_group(index, bare)
        # A container's name comes first: "DISPOSICIONES GENERALES" names a título.
        if (
            heading is not None
            and heading.kind not in (Kind.ARTICULO, *STRUCTURE_WORDS)
            and self.naming is not None
            and self.named_lines == 0
        ):
            heading = None
        if heading is not None and self._place(index, heading, quoted, line):
            self.roles[index] = "heading"
            return
        if not bare:
            self.roles[index] = "note"  # a lone call mark
            return
        if self.naming is not None and (self.named_lines == 0 or self.paragraph_open):
            name = _strip_quotes(bare)
            self.naming.heading = normalize_heading(
                _join(self.naming.heading, name) if self.named_lines else name
            )
            self.named_lines += 1
            self.roles[index] = "heading"
            self.paragraph_open = True
            return
        self.naming = None
        current = self.builder.current
        if current is not None and self._subheading(index, bare):
            self._finish(current)
            self.builder.add(_Heading(Kind.EPIGRAFE, _strip_quotes(bare), None), number)
            self.since_note = False
            self.roles[index] = "heading"
            return
        if current is None:
            self.preamble.append(line)
            self.roles[index] = "preamble"
        elif current.kind not in CLAUSE_KINDS:
            self.roles[index] = "unplaced"
        else:
            self._text(current, line, number)
            self.roles[index] = "text"
        self.paragraph_open = True

    def _wrapped_group(self, index: int, line: str) -> _Heading | None:
        """A group heading a column wrapped onto two lines ("DISPOSICIONES COMPLEMENTARIAS" /
        "FINALES"): read as one when the two together are a group and no blank line parts them."""
        following = self.clean[index + 1] if index + 1 < len(self.clean) else ""
        kind = group_kind(f"{line} {following}") if following else None
        if kind is None:
            return None
        self.skip_to = index + 2
        self.roles[index + 1] = "heading"
        return _Heading(kind, "", None)

    def _place(self, index: int, heading: _Heading, quoted: bool, line: str) -> bool:
        """Adds a heading to the tree, or reads a repeated one as the new text of the last;
        False when the line is a quotation of another law's article (text, then)."""
        number = index + 1
        builder = self.builder
        if heading.kind is Kind.ARTICULO:
            last = builder.articles.get(builder.in_preliminary())
            repeated = last is not None and last.order == heading.order
            if repeated and last is not None and (self.since_note or quoted):
                self._replace(last, heading, quoted, number)
                return True
            if quoted and not repeated and not _follows(builder.last_article_order(), heading):
                return False  # another law's article, quoted in this one's text
        elif heading.kind is Kind.DISPOSICION:
            last = builder.last_sibling(Kind.DISPOSICION)
            repeated = last is not None and last.order == (heading.number or 0, 0)
            if repeated and last is not None and (self.since_note or quoted):
                self._replace(last, heading, quoted, number)
                return True
            if quoted and last and last.order and heading.number != last.order[0] + 1:
                return False  # another law's disposition, quoted
        elif heading.kind in STRUCTURE_WORDS and heading.number:
            last = builder.last_sibling(heading.kind)
            if (
                last is not None
                and last.order == (heading.number, 0)
                and (self.since_note or quoted)
            ):
                self._finish(builder.current)
                self._rename(last, heading, number)
                return True
        self._finish(builder.current)
        if heading.kind is Kind.DISPOSICION:
            heading.order = (heading.number or 0, 0)
        elif heading.kind in STRUCTURE_WORDS and heading.number:
            heading.order = (heading.number, 0)
        node = builder.add(heading, number)
        node.quoted = quoted
        node.heading_line = heading.rest
        node.heading = normalize_heading(_strip_quotes(node.heading))
        self.since_note = False
        self.partial = None
        self.naming = None
        if node.kind in STRUCTURE_WORDS or node.kind is Kind.TITULO_PRELIMINAR:
            self.naming, self.named_lines = node, 0
            if node.heading:
                self.named_lines = 1
        elif not heading.text and node.heading:
            self._heading_continues(index, node)
        self.paragraph_open = bool(heading.text)
        return True

    def _replace(self, node: ParsedProvision, heading: _Heading, quoted: bool, line: int) -> None:
        """The consolidated text: a modified provision's new text replaces the old, which the
        note that announced it keeps."""
        self._finish(self.builder.current)
        superseded = node.text
        node.paragraphs = [normalize_text(heading.text)] if heading.text else []
        node.heading = normalize_heading(_strip_quotes(heading.heading)) or node.heading
        node.quoted = quoted
        changes = [note for note in node.notes if note.kind == "spij"]
        if changes and superseded:
            changes[-1].superseded = superseded
        self.builder.current = node
        self.since_note = False
        self.partial = None
        if not heading.text and heading.heading:
            self._heading_continues(line - 1, node)
        self.paragraph_open = bool(heading.text)

    def _rename(self, node: ParsedProvision, heading: _Heading, line: int) -> None:
        """A título or capítulo whose name a note says was changed, printed again."""
        changes = [note for note in node.notes if note.kind == "spij"]
        if changes:
            changes[-1].superseded = node.heading
        node.heading = normalize_heading(_strip_quotes(heading.heading))
        self.naming, self.named_lines = node, 1 if node.heading else 0
        self.since_note = False
        self.builder.current = node
        self.paragraph_open = False

    def _heading_continues(self, index: int, node: ParsedProvision) -> None:
        """A heading a column wrapped: "Artículo 6.- Obligación de Presentar el Plan de Cie-" /
        "rre de Minas" and then a blank line. A block that ends a sentence is text instead."""
        block: list[int] = []
        cursor = index + 1
        while cursor < len(self.clean) and self.clean[cursor] and len(block) < 3:
            block.append(cursor)
            cursor += 1
        if not block or len(block) > 2 or (cursor < len(self.clean) and self.clean[cursor]):
            return
        words = [self.clean[i] for i in block]
        joined = " ".join(words)
        if (
            joined.endswith((".", ",", ";", ":"))
            or len(joined.split()) > MAX_HEADING_WORDS
            or any(recognize(w, True, published=True) or _STAR_NOTE.match(w) for w in words)
            or _PARAGRAPH_START.match(joined)
        ):
            return
        for i in block:
            node.heading = normalize_heading(_join(node.heading, _strip_quotes(self.clean[i])))
            self.roles[i] = "heading"
        self.skip_to = cursor

    def _subheading(self, index: int, line: str) -> bool:
        """An unnumbered sub-heading: a short line, no sentence, right before an article."""
        current = self.builder.current
        words = line.split()
        if (
            current is None
            or self.paragraph_open
            or not 0 < len(words) <= MAX_HEADING_WORDS
            or line.endswith((".", ",", ";", ":"))
            or not line[:1].isupper()
            or _PARAGRAPH_START.match(line)
            or (current.kind in CLAUSE_KINDS and not line.isupper())
            or any(node.kind in GROUP_HEADINGS for node in self.builder.stack)
        ):
            return False
        cursor = index + 1
        while cursor < len(self.clean) and (
            not self.clean[cursor] or _STAR_NOTE.match(self.clean[cursor])
        ):
            cursor += 1
        following = self.clean[cursor] if cursor < len(self.clean) else ""
        return bool(_ARTICLE.match(_unquote(following)[0]))

    def _text(self, node: ParsedProvision, line: str, number: int) -> None:
        partial = self.partial
        if partial is not None and partial.node is node:
            self.partial = None
            bare = _unquote(line)[0]
            node.quoted = True
            marker = _MARKER.match(bare)
            old = next(
                (
                    i
                    for i in reversed(range(partial.cut))
                    if marker and _same_marker(node.paragraphs[i], marker[1])
                ),
                None,
            )
            if old is None:
                self.warnings.append(
                    (
                        partial.line,
                        _("the note does not say which paragraph the new text replaces"),
                    )
                )
            else:
                partial.note.superseded = "\n".join(node.paragraphs[old : partial.cut])
                del node.paragraphs[old : partial.cut]
            node.paragraphs.append(bare)
            return
        continues = node.paragraphs and (
            (self.paragraph_open and not _PARAGRAPH_START.match(line))
            or (self.page_break and line[:1].islower())
        )
        if continues and self.paragraph_open and _ends_sentence(node.paragraphs[-1]):
            continues = line[:1].islower()
        if continues:
            node.paragraphs[-1] = _join(node.paragraphs[-1], line)
        else:
            node.paragraphs.append(line)
        self.page_break = False

    def _finish(self, node: ParsedProvision | None) -> None:
        if node is None:
            return
        if node.kind in CLAUSE_KINDS and not node.paragraphs and node.heading_line:
            # "Única.- Deróganse las normas que se opongan." is a short text, not a heading.
            node.paragraphs, node.heading = [normalize_text(node.heading_line)], ""
        if node.quoted:
            _strip_closing_quotes(node.paragraphs)


def _without_call_mark(line: str) -> str:
    return _CALL_MARK.sub(lambda match: match["end"] or "", line)


def _follows(previous: tuple[int, int] | None, heading: _Heading) -> bool:
    """Whether an article comes right after the last one (13 after 12, 13-A after 13): a quoted
    article that does is this law's own, incorporated; one that does not is quoted text."""
    order = heading.order
    if order is None:
        return False
    if previous is None:
        return order[0] == 1
    base, suffix = previous
    return (order[0] == base + 1 and order[1] == 0) or (order[0] == base and order[1] > suffix)


def _unquote(line: str) -> tuple[str, bool]:
    """A line without its opening quote (SPIJ quotes new texts), and whether it had one."""
    match = _OPENING_QUOTE.match(line)
    return (line[match.end() :], True) if match else (line, False)


def _strip_quotes(text: str) -> str:
    return text.strip().strip('“”"«»').strip()


def _strip_closing_quotes(paragraphs: list[str]) -> None:
    """Drops the closing quotes of a text printed in quotes, from the end, while they are more
    than the opening ones: the text's own quotations stay."""
    for index in reversed(range(len(paragraphs))):
        text = "\n".join(paragraphs)
        curly = text.count("”") + text.count("»") - text.count("“") - text.count("«")
        straight = text.count('"') % 2
        if curly <= 0 and not straight:
            return
        match = _CLOSING_QUOTE.search(paragraphs[index])
        if match and ((match[1] == '"' and straight) or (match[1] != '"' and curly > 0)):
            paragraphs[index] = paragraphs[index][: match.start()] + match[2].strip()


def _same_marker(paragraph: str, marker: str) -> bool:
    found = _MARKER.match(_unquote(paragraph)[0])
    return found is not None and found[1].lower() == marker.lower()


def _ends_sentence(text: str) -> bool:
    return text.rstrip('”"»)').endswith((".", ":", ";"))


def _join(first: str, second: str) -> str:
    """Two pieces of a line a column wrapped: "obligacio-" + "nes" is "obligaciones"."""
    if re.search(r"[a-záéíóúñ]-$", first) and second[:1].islower():
        return first[:-1] + second
    return f"{first} {second}" if first else second


def _table_of_contents(lines: list[str]) -> set[int]:
    """The lines of a printed table of contents before the law: from an «ÍNDICE» line, or from
    the law's first heading, to where that first heading is printed again."""
    keys = [_contents_key(line) for line in lines]
    first = next((i for i, key in enumerate(keys) if key), None)
    if first is None:
        return set()
    start = first
    marker = next((i for i in range(first) if _TABLE_OF_CONTENTS.match(lines[i])), None)
    if marker is not None:
        start = marker
    again = next((i for i in range(first + 1, len(lines)) if keys[i] == keys[first]), None)
    if again is None:
        return set()
    # A table of contents lists headings and names, never a sentence of text.
    if any(
        lines[i]
        and not keys[i]
        and (len(lines[i].split()) > MAX_HEADING_WORDS or lines[i].endswith("."))
        for i in range(first, again)
    ):
        return set()
    return set(range(start, again))


def _contents_key(line: str) -> str | None:
    """ "ARTICULO 1", "TITULO I", "TITULO PRELIMINAR": a heading as a table of contents lists it."""
    bare = _TOC_PAGE.sub("", _unquote(line)[0]) if line else ""
    if match := _ARTICLE.match(bare):
        return f"ARTICULO {_article_number(match['num'])[0]}"
    if match := _STRUCTURE.match(bare):
        first = match["rest"].split()[0].rstrip(".:-")
        return f"{_fold(match['word'])} {_fold(first)}"
    return None


def _title_from_preamble(preamble: list[str]) -> str:
    """The law's name in published text: the first line naming a law, else the first line."""
    numbered = re.compile(r"^(LEY|DECRETO(\s+(LEGISLATIVO|SUPREMO|DE URGENCIA))?)\s+N")
    for line in preamble:
        folded = _fold(line)
        if folded.startswith(("LEY ", "DECRETO")) and not numbered.match(folded):
            return _shortened(line)
    return _shortened(preamble[0]) if preamble else ""


def _shortened(title: str) -> str:
    """A title fits its column; a very long law name is cut at a word."""
    if len(title) <= MAX_TITLE_LENGTH:
        return title
    return title[: MAX_TITLE_LENGTH - 1].rsplit(" ", 1)[0] + "…"


def _check_complete(parsed: ParsedDraft) -> None:
    provisions = parsed.walk()
    if not any(p.kind is Kind.ARTICULO for p in provisions):
        raise ImportProblem(_("no article found («Artículo 1. …»)"))
    if not parsed.title:
        raise ImportProblem(_("the law has no title (a «title:» header or a «# …» line)"))
    if parsed.slug is not None and (
        not SLUG_PATTERN.match(parsed.slug) or len(parsed.slug) > MAX_SLUG_LENGTH
    ):
        raise ImportProblem(
            _(
                "the identifier «%(slug)s» may have only lower-case letters, digits and hyphens",
                slug=parsed.slug,
            )
        )
    for provision in provisions:
        if provision.kind in CLAUSE_KINDS and not provision.paragraphs:
            raise ImportProblem(_("the article or disposition has no text"), provision.line)
        if provision.kind in GROUP_HEADINGS and not provision.children:
            raise ImportProblem(_("the group of dispositions is empty"), provision.line)
