"""Who made each change: the word edits between two texts, each credited to the version that
introduced it.

Pure: no database. The history of a provision between the base and the exported text is a list
of steps, one per version; each consecutive pair is diffed at word level and every character
remembers the step that inserted it, every base character the step that deleted it. The net
edits base → exported text (what the documents show) then take their credit from there. A hand
merge credits a span to the cited amendment it came from when only one of them made that edit,
and otherwise to the secretariat's decision.
"""

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from app.core.escaping import xml_text
from app.drafts import diffing
from app.drafts.diffing import Op

# A line break inside a paragraph, ours only: clean() turns a typed \v into a space.
LINE_BREAK = "\v"


@dataclass(frozen=True)
class Credit:
    """Whom a change is attributed to (an organization, or the secretariat), when it was decided,
    and the line that says so in the cuadro comparativo ("" for none: a renumbering)."""

    author: str
    date: datetime
    source: str = ""


@dataclass(frozen=True)
class Proposal:
    """One amendment a hand-merged text may draw on: its text before and as proposed."""

    before: str
    proposed: str
    credit: Credit


@dataclass(frozen=True)
class Step:
    """A version of one field (a text or a heading) and who made it. `drawn_on`: for a hand
    merge, the amendments it cites (its own included); `credit` is then the decision."""

    text: str
    credit: Credit
    drawn_on: tuple[Proposal, ...] = ()


# An edit, and whom it is credited to (None for text kept).
Span = tuple[Op, str, Credit | None]


def prepared(text: str) -> str:
    """NFC with LF line ends and nothing XML cannot hold (lxml refuses it) but our line break;
    every other character as written."""
    text = unicodedata.normalize("NFC", text).replace("\r\n", "\n").replace("\r", "\n")
    return LINE_BREAK.join(xml_text(part) for part in text.split(LINE_BREAK))


def diff(old: str, new: str) -> list[tuple[Op, str]]:
    """word_diff's edits, each cut from the texts as written.

    word_diff compares normalized texts, where typographic quotes and no-break spaces are plain;
    normalizing keeps every length, so its pieces map back onto the originals and the document
    keeps the law's typography. Unchanged pieces are taken from the new text.
    """
    old, new = prepared(old), prepared(new)
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


def attribute(
    ops: Sequence[tuple[Op, str]],
    base: str,
    steps: Sequence[Step],
    *,
    fallback: Credit,
    prefix: tuple[int, int] = (0, 0),
    prefix_credit: Credit | None = None,
) -> list[Span]:
    """`ops` (the net edits, as `diff` gives them) with each edit credited by `steps`.

    `prefix`: the first characters of the old and new sides that are not the tracked field (a
    clause's label before its heading): credited to `prefix_credit`. What the history cannot
    place (a word the net diff matches differently) takes its neighbour's credit, or `fallback`.
    """
    inserted, deleted = _track(prepared(base), steps)
    old_prefix, new_prefix = prefix
    spans: list[Span] = []
    i = j = 0
    for op, piece in ops:
        size = len(piece)
        if op == "=":
            spans.append((op, piece, None))
            i, j = i + size, j + size
            continue
        credits: list[Credit | None] = []
        for k in range(size):
            if op == "+":
                position = j + k - new_prefix
                origin = inserted[position] if 0 <= position < len(inserted) else None
                in_prefix = j + k < new_prefix
                credits.append(
                    prefix_credit if in_prefix else origin if isinstance(origin, Credit) else None
                )
            else:
                position = i + k - old_prefix
                in_prefix = i + k < old_prefix
                credits.append(prefix_credit if in_prefix else deleted.get(position))
        spans += [(op, text, credit) for text, credit in _runs(piece, credits, fallback)]
        if op == "+":
            j += size
        else:
            i += size
    return spans


def _track(base: str, steps: Sequence[Step]) -> tuple[list[int | Credit], dict[int, Credit]]:
    """Through the steps: for each character of the last text, the base position it comes from
    or the credit of the step that inserted it; and for each base position deleted, whose step."""
    origin: list[int | Credit] = list(range(len(base)))
    deleted: dict[int, Credit] = {}
    current = base
    for step in steps:
        text = prepared(step.text)
        ops = diffing.word_diff(current, text)
        if sum(len(p) for op, p in ops if op != "+") != len(current):
            return [], {}  # lengths do not map: nothing can be placed, all goes to the fallback
        following: list[int | Credit] = []
        i = 0
        for op, piece in ops:
            size = len(piece)
            if op == "=":
                following += origin[i : i + size]
                i += size
            elif op == "-":
                for k, credit in enumerate(_credits(step, piece, "-")):
                    before = origin[i + k]
                    if isinstance(before, int):  # a base character; inserted ones just go
                        deleted[before] = credit
                i += size
            else:
                following += _credits(step, piece, "+")
        origin, current = following, text
    return origin, deleted


_WORDS = re.compile(r"\S+|\s+")


def _credits(step: Step, piece: str, op: Op) -> list[Credit]:
    """Each character's credit for one edit of a step: the step's, or in a hand merge the cited
    amendment that made the same edit (the whole piece, else word by word), or the decision."""
    if not step.drawn_on:
        return [step.credit] * len(piece)
    made = [(proposal, _edits_of(proposal, op)) for proposal in step.drawn_on]

    def only_one(words: str) -> Credit | None:
        words = _spaced(words)
        found = {p.credit for p, edits in made if any(words in edit for edit in edits)}
        return found.pop() if words.strip() and len(found) == 1 else None

    whole = only_one(piece)
    if whole is not None:
        return [whole] * len(piece)
    credits: list[Credit | None] = []
    for match in _WORDS.finditer(piece):
        word = match[0]
        credits += [None if word.isspace() else only_one(word)] * len(word)
    return [credit or step.credit for credit in _between(credits)]


def _edits_of(proposal: Proposal, op: Op) -> list[str]:
    ops = diffing.word_diff(proposal.before, proposal.proposed)
    return [_spaced(piece) for kind, piece in ops if kind == op]


def _spaced(text: str) -> str:
    """Words one space apart with a space at each end: containment then means whole words."""
    return f" {' '.join(diffing.normalize(text).split())} "


def _between(credits: list[Credit | None]) -> list[Credit | None]:
    """Blanks between two words of one credit take it."""
    result = list(credits)
    k = 0
    while k < len(result):
        if result[k] is not None:
            k += 1
            continue
        end = k
        while end < len(result) and result[end] is None:
            end += 1
        if k > 0 and end < len(result) and result[k - 1] == result[end]:
            result[k:end] = [result[end]] * (end - k)
        k = end
    return result


def _runs(piece: str, credits: list[Credit | None], fallback: Credit) -> list[tuple[str, Credit]]:
    """The piece cut where its credit changes; an unplaced character takes the one before it,
    or after it, or the fallback."""
    known = [c for c in credits if c is not None]
    last: Credit = known[0] if known else fallback
    filled: list[Credit] = []
    for credit in credits:
        last = credit or last
        filled.append(last)
    runs: list[tuple[str, Credit]] = []
    for char, credit in zip(piece, filled, strict=True):
        if runs and runs[-1][1] == credit:
            runs[-1] = (runs[-1][0] + char, credit)
        else:
            runs.append((char, credit))
    joined: list[tuple[str, Credit]] = []
    for text, credit in runs:
        if joined and (text.isspace() or joined[-1][0].isspace()):
            credit = credit if joined[-1][0].isspace() else joined[-1][1]
            joined[-1] = (joined[-1][0] + text, credit)
        else:
            joined.append((text, credit))
    return joined


@dataclass(frozen=True)
class History:
    """A provision's versions after the base's, up to the exported one (a removal as a last step
    with empty texts), as steps for its heading and for its text."""

    headings: tuple[Step, ...] = ()
    texts: tuple[Step, ...] = ()
    # Whom its label is credited to when the provision itself is new or gone.
    created_or_removed: Credit | None = None
