"""How a clause's text is laid out for reading: paragraphs, numerales and literales. Pure."""

import re
from dataclasses import dataclass

# The one grammar of the marks inside a clause's text, read the same by the page, the DOCX and
# Akoma Ntoso: numerales "12.1 " or "12.1.3. ", literales "a) ", "ñ) " and roman "ii) ".
# ASCII digits only: `\d` would take other scripts' digits too.
_NUMERAL = re.compile(r"([0-9]+(?:\.[0-9]+)+)\.?\s+(.*)", re.S)
_LITERAL = re.compile(r"([a-zñ]|[ivxlc]+)\)\s+(.*)", re.S)


@dataclass(frozen=True)
class Mark:
    kind: str  # "numeral" or "literal"
    mark: str  # "12.1", "a", "ii"
    depth: int  # a numeral's: 12.1 is 1, 12.1.3 is 2; a literal's is 0 (it follows its numeral)
    rest: str  # the paragraph after its mark


def mark_of(line: str) -> Mark | None:
    """The numeral or literal a paragraph starts with, if any."""
    line = line.lstrip()
    if numeral := _NUMERAL.match(line):
        return Mark("numeral", numeral[1], numeral[1].count("."), numeral[2])
    if literal := _LITERAL.match(line):
        return Mark("literal", literal[1], 0, literal[2])
    return None


@dataclass(frozen=True)
class Paragraph:
    kind: str  # "numeral", "literal" or "paragraph"
    text: str


def paragraphs(text: str) -> list[Paragraph]:
    blocks = []
    for line in text.split("\n"):
        if not line.strip():
            continue
        mark = mark_of(line)
        blocks.append(Paragraph(mark.kind if mark else "paragraph", line))
    return blocks


def diff_paragraphs(ops: list[tuple[str, str]]) -> list[list[tuple[str, str]]]:
    """A diff laid out as paragraphs (the text's lines), each a list of (op, text) pieces."""
    result: list[list[tuple[str, str]]] = [[]]
    for op, text in ops:
        for index, piece in enumerate(text.split("\n")):
            if index:
                result.append([])
            if piece:
                result[-1].append((op, piece))
    return [paragraph for paragraph in result if paragraph]


def changed_paragraphs(
    ops: list[tuple[str, str]], *, context: int = 1
) -> list[list[tuple[str, str]] | None]:
    """The paragraphs of a diff that change, each with `context` unchanged paragraphs around
    it; None where unchanged ones are left out (shown as "…")."""
    laid_out = diff_paragraphs(ops)
    changed = [i for i, paragraph in enumerate(laid_out) if any(op != "=" for op, _t in paragraph)]
    keep = {j for i in changed for j in range(i - context, i + context + 1)}
    shown: list[list[tuple[str, str]] | None] = []
    for index, paragraph in enumerate(laid_out):
        if index in keep:
            shown.append(paragraph)
        elif not shown or shown[-1] is not None:  # one "…" for a run left out
            shown.append(None)
    return shown
