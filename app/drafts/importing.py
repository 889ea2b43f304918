"""Reading a bill from text: the drafts/ Markdown format and plain published Peruvian law text.

Pure: text in, a tree of parsed provisions out, or an ImportProblem naming the line. The numbers
written in the text are checked (articles must go up) but not kept: labels come from position.
"""

import re
import unicodedata
from dataclasses import dataclass, field

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
# After a number: ".", ".-", "°.-", "º.", ":", "—", "-" and spaces, then the heading (if any).
_SEPARATOR = r"\s*[°º]?\s*(?:\.\s*-|\.|:|—|–|-)?\s*"
# The end of a number: "4º" must read as 4, though "º" is a letter to \b.
_END = r"(?![0-9A-Za-zÁÉÍÓÚáéíóúÑñ])"
_ARTICLE = re.compile(r"^art[íi]culo\s+([0-9]+|[IVXLCDM]+)" + _END + _SEPARATOR + r"(.*)$", re.I)
_STRUCTURE = re.compile(
    r"^(T[ÍI]TULO|CAP[ÍI]TULO|SUBCAP[ÍI]TULO|SECCI[ÓO]N)\s+([IVXLCDM]+|[0-9]+|PRELIMINAR)"
    + _END
    + _SEPARATOR
    + r"(.*)$",
    re.I,
)
_GROUP = re.compile(
    r"^DISPOSICI(?:ONES|[ÓO]N)\s+COMPLEMENTARIAS?\s+"
    r"(FINAL(?:ES)?|TRANSITORIAS?|MODIFICATORIAS?|DEROGATORIAS?)\s*$",
    re.I,
)
_DISPOSITION = re.compile(r"^((?:[A-ZÁÉÍÓÚ]+\s+)?[A-ZÁÉÍÓÚ]+)\s*(?:\.\s*-|\.|:|—|–)\s*(.*)$")
# A line that starts a new paragraph even without a blank line before it.
_PARAGRAPH_START = re.compile(r"^(?:\d+(?:\.\d+)+\.?\s|[a-zñ]\)\s|[-•]\s)")
# Where the law's text ends in published text.
_CLOSING = re.compile(
    r"^(POR TANTO|Comun[íi]quese al se[ñn]or Presidente|Dado en la Casa de Gobierno|"
    r"En Lima, a los)",
    re.I,
)
_MARKDOWN_HEADING = re.compile(r"^#{1,6}\s+(.*?)\s*#*\s*$")
_STRUCTURE_KINDS = {
    "TITULO": Kind.TITULO,
    "CAPITULO": Kind.CAPITULO,
    "SUBCAPITULO": Kind.SUBCAPITULO,
    "SECCION": Kind.SECCION,
}
_GROUP_KINDS = {
    "FINAL": Kind.FINALES,
    "TRANSITORIA": Kind.TRANSITORIAS,
    "MODIFICATORIA": Kind.MODIFICATORIAS,
    "DEROGATORIA": Kind.DEROGATORIAS,
}
# In published text a heading that runs on into a sentence is text, not a heading.
MAX_HEADING_WORDS = 12


class ImportProblem(InvalidInput):
    """Bad input for the importer; `line` is 1-based, or None for the file as a whole."""

    code = "invalid_draft"

    def __init__(self, message: str, line: int | None = None) -> None:
        if line:
            message = _("line %(line)s: %(problem)s", line=line, problem=message)
        super().__init__(message, line=line)
        self.line = line


@dataclass
class ParsedProvision:
    kind: Kind
    heading: str
    line: int
    number: str | None = None  # an article's number as written ("12", "228-A"), if any
    paragraphs: list[str] = field(default_factory=list)
    children: list["ParsedProvision"] = field(default_factory=list)

    @property
    def text(self) -> str:
        return "\n".join(self.paragraphs)


@dataclass
class ParsedDraft:
    title: str
    slug: str | None
    provisions: list[ParsedProvision]

    def walk(self) -> list[ParsedProvision]:
        """Every provision in document order."""
        ordered: list[ParsedProvision] = []
        stack = list(reversed(self.provisions))
        while stack:
            node = stack.pop()
            ordered.append(node)
            stack.extend(reversed(node.children))
        return ordered


@dataclass
class _Heading:
    kind: Kind
    heading: str
    number: int | None  # the number written in the text, checked for order
    text: str = ""  # published text may start the body on the heading's line
    written: str | None = None  # an article's number as written, kept by a law in force


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
    """Published text may write "Artículo 3.- Heading.- Text…" or "PRIMERA.- Text…"."""
    heading, dash, text = rest.partition(".- ")
    if dash:
        return heading.strip(), text.strip()
    if len(rest.split()) > MAX_HEADING_WORDS or re.search(r"\.\s+\S", rest):
        return "", rest
    return rest.rstrip("."), ""


def recognize(line: str, in_group: bool, published: bool) -> _Heading | None:
    """What heading, if any, a line is; `published` allows heading and text on one line."""
    if match := _ARTICLE.match(line):
        written, rest = match.groups()
        number = int(written) if written.isdigit() else from_roman(written.upper())
        heading, text = _split_heading_and_text(rest) if published else (rest.rstrip("."), "")
        return _Heading(Kind.ARTICULO, heading, number, text, written)
    if match := _STRUCTURE.match(line):
        word, written, rest = match.groups()
        word = _fold(word)
        if _fold(written) == "PRELIMINAR":
            return _Heading(Kind.TITULO_PRELIMINAR, rest, None) if word == "TITULO" else None
        number = int(written) if written.isdigit() else from_roman(written.upper())
        return _Heading(_STRUCTURE_KINDS[word], rest.rstrip("."), number)
    if match := _GROUP.match(line.strip()):
        which = _fold(match.group(1)).removesuffix("S").removesuffix("E")
        which = "FINAL" if which.startswith("FINAL") else which
        return _Heading(_GROUP_KINDS[which], "", None)
    if in_group and (match := _DISPOSITION.match(line)):
        written, rest = match.groups()
        number = parse_ordinal(written)
        if number is None:
            return None
        heading, text = _split_heading_and_text(rest) if published else (rest.rstrip("."), "")
        return _Heading(Kind.DISPOSICION, heading, number, text)
    return None


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
        self.last_article: dict[bool, tuple[int, int]] = {}

    def add(self, heading: _Heading, line: int) -> ParsedProvision:
        node = ParsedProvision(
            heading.kind, normalize_heading(heading.heading), line, number=heading.written
        )
        if heading.text:
            node.paragraphs.append(normalize_text(heading.text))
        allowed = ALLOWED_PARENTS[heading.kind]
        # Close open containers until one may hold this kind (or we reach the top level).
        while self.stack and self.stack[-1].kind not in allowed:
            self.stack.pop()
        parent = self.stack[-1] if self.stack else None
        if parent is None and None not in allowed:
            raise ImportProblem(_misplaced(heading.kind), line)
        self._check_number(heading, parent, line)
        (parent.children if parent else self.roots).append(node)
        if heading.kind not in CLAUSE_KINDS:
            self.stack.append(node)
        self.current = node
        return node

    def _check_number(self, heading: _Heading, parent: ParsedProvision | None, line: int) -> None:
        if heading.kind is Kind.ARTICULO:
            preliminary = any(p.kind is Kind.TITULO_PRELIMINAR for p in self.stack)
            number = heading.number
            if number is None:
                raise ImportProblem(_("the article number cannot be read"), line)
            previous = self.last_article.get(preliminary)
            if previous and number == previous[0]:
                raise ImportProblem(
                    _(
                        "article %(number)s already appeared on line %(line)s",
                        number=number,
                        line=previous[1],
                    ),
                    line,
                )
            if previous and number < previous[0]:
                raise ImportProblem(
                    _(
                        "numbering goes backwards: article %(number)s comes after article "
                        "%(previous)s (line %(line)s)",
                        number=number,
                        previous=previous[0],
                        line=previous[1],
                    ),
                    line,
                )
            self.last_article[preliminary] = (number, line)
        elif heading.number:
            scope = (id(parent), heading.kind)
            previous = self.last_number.get(scope)
            if previous and heading.number <= previous[0]:
                raise ImportProblem(
                    _(
                        "numbering does not go forward: %(number)s after %(previous)s "
                        "(line %(line)s)",
                        number=heading.number,
                        previous=previous[0],
                        line=previous[1],
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
    try:
        content = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        bad_line = raw[: error.start].count(b"\n") + 1
        raise ImportProblem(_("the file is not in UTF-8"), bad_line) from None
    # Markdown ends lines at LF, CR or CRLF only; splitlines() would also split at U+2028 and
    # the like, which a text may hold. Published text is split as any text file.
    lines = re.split(r"\r\n|\r|\n", content) if markdown else content.splitlines()
    if not any(line.strip() for line in lines):
        raise ImportProblem(_("the file is empty"))

    meta, start = _front_matter(lines) if markdown else ({}, 0)
    builder = _TreeBuilder()
    title = meta.get("title", "")
    preamble: list[str] = []
    paragraph_break = True
    awaiting_heading: ParsedProvision | None = None

    for number, raw_line in enumerate(lines[start:], start=start + 1):
        line = normalize_text(raw_line)
        in_group = any(node.kind in GROUP_HEADINGS for node in builder.stack)
        if markdown:
            match = _MARKDOWN_HEADING.match(line)
            candidate = match.group(1) if match else None
            heading = recognize(candidate, in_group, published=False) if candidate else None
            if candidate and heading is None and builder.current is None and not title:
                title = candidate
                continue
            if candidate and heading is None:
                raise ImportProblem(
                    _("heading not recognized: «%(heading)s»", heading=candidate), number
                )
            if heading:
                heading.heading = unescape_markdown(heading.heading)
            line = unescape_markdown(line)
        else:
            if _CLOSING.match(line):
                break  # the promulgation formula and signatures follow the last disposition
            heading = recognize(line, in_group, published=True) if line else None

        if heading:
            node = builder.add(heading, number)
            # Published text puts a título's or capítulo's heading on the next line.
            heading_may_follow = not markdown and node.kind in STRUCTURE_WORDS
            awaiting_heading = node if heading_may_follow and not node.heading else None
            paragraph_break = True
            continue
        if not line:
            paragraph_break = True
            continue
        if awaiting_heading is not None:
            awaiting_heading.heading = normalize_heading(line)
            awaiting_heading = None
            continue
        current = builder.current
        if current is None:
            preamble.append(line)
        elif current.kind not in CLAUSE_KINDS:
            raise ImportProblem(
                _("text outside an article or disposition (is a heading missing?)"), number
            )
        elif markdown and not paragraph_break and not _PARAGRAPH_START.match(line):
            current.paragraphs[-1] += " " + line
        else:
            current.paragraphs.append(line)
        paragraph_break = not markdown

    parsed = ParsedDraft(
        title=title or _title_from_preamble(preamble),
        slug=meta.get("slug") or default_slug,
        provisions=builder.roots,
    )
    _check_complete(parsed)
    return parsed


def _title_from_preamble(preamble: list[str]) -> str:
    """The law's name in published text: the first line naming a law, else the first line."""
    for line in preamble:
        folded = _fold(line)
        if folded.startswith(("LEY ", "DECRETO")) and not re.match(r"^(LEY|DECRETO.*)\s+N", folded):
            return line
    return preamble[0] if preamble else ""


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
