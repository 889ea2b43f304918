"""Word-level differences between two versions of a clause, for amendments and history. Pure.

The diff runs on tokens, not characters: each distinct word, run of spaces or punctuation mark
stands for one character (diff_match_patch's line-mode trick, applied to words), so a change is
always shown as whole words ("artesanal" → "informal", never "artes" → "inform").
"""

import re
import unicodedata
from collections.abc import Iterable
from functools import lru_cache
from typing import Literal, TypeVar

from diff_match_patch import diff_match_patch as DiffMatchPatch

Op = Literal["=", "-", "+"]
_OpT = TypeVar("_OpT", bound=str)

# Editors swap these in silently, so they count as the same text; «» are a choice, kept as typed.
_SAME_TEXT = (
    {"\u00a0": " ", "\u202f": " ", "\u2007": " "}
    | dict.fromkeys("“”„″", '"')
    | dict.fromkeys("‘’‚′", "'")
)
_SAME_TEXT_CHARS = re.compile("[" + "".join(_SAME_TEXT) + "]")
# A word: letters and digits (with any combining accent NFC could not compose), and "." or ","
# between digits so that "12.1" and "1,000" stay whole; otherwise a run of blanks or one mark.
_WORD = re.compile(r"(?:[^\W_]|[\u0300-\u036f]|(?<=\d)[.,](?=\d))+")
_TOKEN = re.compile(_WORD.pattern + r"|\s+|.", re.DOTALL)
# Private use first: neither letters nor spaces, so the library's boundary scores treat every
# token alike; then the other planes. Never a surrogate: it is not a character, UTF-8 refuses it.
_STAND_IN_RANGES = ((0xE000, 0xF900), (0xF0000, 0x110000), (0x10000, 0xF0000))

# Work allowed to one diff, in steps of the bisection (about 0.5 µs each): past it, what is left
# is shown as replaced. Enough for a full rewrite of ~1,000 words, or a fifth of 5,000 changed.
_STEPS = 2_000_000


class _Budget:
    """Stands in for diff_match_patch's deadline, counted in steps instead of seconds.

    Its default 1 s time-out silently returns a coarser diff when the machine is busy, and no
    time-out at all lets a rewritten 5,000-word clause take over 20 s: a count of steps bounds
    the work and still gives the same diff for the same texts, always.
    """

    def __init__(self, steps: int) -> None:
        self.steps = steps
        self.distance = 0

    def __lt__(self, _now: float) -> bool:
        # diff_bisect asks `time.time() > deadline` (so, deadline < now) once per edit distance
        # it tries, and trying distance d costs about d steps.
        self.distance += 1
        self.steps -= self.distance
        return self.steps < 0


class _Differ(DiffMatchPatch):  # type: ignore[misc]  # the library has no type hints
    def diff_bisect(self, text1: str, text2: str, deadline: _Budget) -> list[tuple[int, str]]:
        deadline.distance = 0  # each bisection starts again from distance 0
        diffs: list[tuple[int, str]] = super().diff_bisect(text1, text2, deadline)
        return diffs


_DMP = _Differ()
# The default 1 s time-out silently degrades the diff whenever the machine is busy; 0 turns the
# clock off (and with it the half-match short cut, which gives non-minimal diffs).
_DMP.Diff_Timeout = 0
_OPS: dict[int, Op] = {
    DiffMatchPatch.DIFF_EQUAL: "=",
    DiffMatchPatch.DIFF_DELETE: "-",
    DiffMatchPatch.DIFF_INSERT: "+",
}


def normalize(text: str) -> str:
    """NFC, plain spaces and quotes, LF line ends: texts a reader sees as equal compare equal."""
    text = _SAME_TEXT_CHARS.sub(
        lambda match: _SAME_TEXT[match[0]], unicodedata.normalize("NFC", text)
    )
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _stand_in(index: int) -> str:
    for start, end in _STAND_IN_RANGES:
        if index < end - start:
            return chr(start + index)
        index -= end - start
    raise ValueError("too many distinct words to compare")


class _Tokens:
    """Two-way table between distinct tokens and the single characters standing for them."""

    def __init__(self) -> None:
        self.char_of: dict[str, str] = {}
        self.token_of: dict[str, str] = {}

    def encode(self, text: str) -> str:
        chars = []
        for token in _TOKEN.findall(text):
            char = self.char_of.get(token)
            if char is None:
                char = self.char_of[token] = _stand_in(len(self.char_of))
                self.token_of[char] = token
            chars.append(char)
        return "".join(chars)

    def decode(self, chars: str) -> str:
        return "".join(self.token_of[char] for char in chars)


def _merged(ops: Iterable[tuple[_OpT, str]]) -> list[tuple[_OpT, str]]:
    """Without empty segments, and neighbours of one kind joined."""
    result: list[tuple[_OpT, str]] = []
    for kind, text in ops:
        if not text:
            continue
        if result and result[-1][0] == kind:
            result[-1] = (kind, result[-1][1] + text)
        else:
            result.append((kind, text))
    return result


def word_diff(old: str, new: str) -> list[tuple[Op, str]]:
    """The edits that turn `old` into `new`, in whole words, on the normalized texts."""
    return list(_word_diff(old, new, _STEPS))


# One page asks for the same pair several times (the rebase, the collision check, the display),
# and the secretariat reloads the queue often: the result depends only on the two texts.
@lru_cache(maxsize=512)
def _word_diff(old: str, new: str, steps: int) -> tuple[tuple[Op, str], ...]:
    tokens = _Tokens()
    old_chars, new_chars = tokens.encode(normalize(old)), tokens.encode(normalize(new))
    diffs = _DMP.diff_main(old_chars, new_chars, False, _Budget(steps))
    # On the encoded text, so neither the clean-up nor its overlap search can cut into a word.
    _DMP.diff_cleanupSemantic(diffs)
    return tuple(_merged((_OPS[kind], tokens.decode(chars)) for kind, chars in diffs))


def old_text(ops: Iterable[tuple[Op, str]]) -> str:
    return "".join(text for kind, text in ops if kind != "+")


def new_text(ops: Iterable[tuple[Op, str]]) -> str:
    return "".join(text for kind, text in ops if kind != "-")


def changed(old: str, new: str) -> bool:
    """Whether a reader would see a difference: typographic quotes, no-break spaces, Unicode
    forms and line ends aside, as normalize() does."""
    return normalize(old) != normalize(new)


def side_by_side(
    ops: Iterable[tuple[Op, str]],
) -> tuple[list[tuple[Literal["=", "-"], str]], list[tuple[Literal["=", "+"], str]]]:
    """The old text with its deletions marked, and the new text with its insertions."""
    left: list[tuple[Literal["=", "-"], str]] = []
    right: list[tuple[Literal["=", "+"], str]] = []
    for kind, text in ops:
        if kind != "+":
            left.append((kind, text))
        if kind != "-":
            right.append((kind, text))
    return _merged(left), _merged(right)


def diff_stats(ops: Iterable[tuple[Op, str]]) -> tuple[int, int]:
    """Words inserted and words deleted; spaces and punctuation do not count."""
    inserted = deleted = 0
    for kind, text in ops:
        if kind == "+":
            inserted += len(_WORD.findall(text))
        elif kind == "-":
            deleted += len(_WORD.findall(text))
    return inserted, deleted
