"""Where a quoted passage stands in a newer text of its clause, and which passages a reader
can choose without a mouse. Pure: no DB, no HTTP."""

import re
from dataclasses import dataclass

from app.drafts import diffing

_SENTENCE_END = re.compile(r"(?<=[.;:])\s+(?=[A-ZÁÉÍÓÚÑ¿¡(\"«])")
SHORT_PASSAGE = 90


@dataclass(frozen=True)
class Passage:
    text: str  # exactly as it stands in the clause
    start: int  # offset in the clause's text

    @property
    def short(self) -> str:
        """The start of the passage, for a list to choose from."""
        if len(self.text) <= SHORT_PASSAGE:
            return self.text
        return self.text[: SHORT_PASSAGE - 1].rsplit(" ", 1)[0] + "…"


def passages(text: str) -> list[Passage]:
    """Each paragraph (numeral, literal) and, where a paragraph has several, each sentence."""
    found: list[Passage] = []
    offset = 0
    for line in text.split("\n"):
        if line.strip():
            found.append(Passage(line, offset))
            pieces = _SENTENCE_END.split(line)
            if len(pieces) > 1:
                position = 0
                for piece in pieces:
                    position = line.index(piece, position)
                    found.append(Passage(piece, offset + position))
                    position += len(piece)
        offset += len(line) + 1
    return found


def find_quote(text: str, quote: str, near: int | None = None) -> int | None:
    """Where `quote` starts in `text` (the occurrence nearest `near`), or None."""
    starts = [m.start() for m in re.finditer(re.escape(quote), text)] if quote else []
    if not starts:
        return None
    return min(starts, key=lambda start: abs(start - (near or 0)))


def reanchor(original: str, start: int, quote: str, current: str) -> int | None:
    """Where a passage quoted from `original` (at `start`) stands in `current`, or None when
    the passage itself changed or is gone.

    The passage is followed through the word diff between the two texts: if every word of it
    is unchanged, its new place is where the diff carries it. An identical passage elsewhere
    does not count: with eight near-identical numerales it would be the wrong one.
    """
    original, current, quote = (diffing.normalize(t) for t in (original, current, quote))
    end = start + len(quote)
    old_position = new_position = 0
    mapped: int | None = None
    for op, piece in diffing.word_diff(original, current):
        if op == "+":
            new_position += len(piece)
            continue
        piece_end = old_position + len(piece)
        overlaps = old_position < end and start < piece_end
        if op == "-" and overlaps:
            return None
        if op == "=" and old_position <= start < piece_end:
            mapped = new_position + (start - old_position)
        old_position = piece_end
        if op == "=":
            new_position += len(piece)
    if mapped is not None and current[mapped : mapped + len(quote)] == quote:
        return mapped
    return None
