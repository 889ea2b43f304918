"""How a clause's text is laid out for reading: paragraphs, numerales and literales. Pure."""

import re
from dataclasses import dataclass

_NUMERAL = re.compile(r"^(\d+(?:\.\d+)+)\.?\s")
_LITERAL = re.compile(r"^([a-zñ])\)\s")


@dataclass(frozen=True)
class Paragraph:
    kind: str  # "numeral", "literal" or "paragraph"
    text: str


def paragraphs(text: str) -> list[Paragraph]:
    blocks = []
    for line in text.split("\n"):
        if not line.strip():
            continue
        if _NUMERAL.match(line):
            kind = "numeral"
        elif _LITERAL.match(line):
            kind = "literal"
        else:
            kind = "paragraph"
        blocks.append(Paragraph(kind, line))
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
