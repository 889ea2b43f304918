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
