"""How an amendment written against an old version of a clause can be merged into the current one.

Pure: no database, no HTTP, no translated strings. The amendment's word edits are placed on the
current text through the edits made since its base; diff-match-patch's fuzzy patch must agree,
and any doubt is a conflict for the secretariat, never a guess.
"""

import difflib
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Literal

from diff_match_patch import diff_match_patch as DiffMatchPatch

from app.drafts.diffing import Op, normalize, word_diff

Outcome = Literal["fast_forward", "clean", "conflict", "obsolete"]
# overlap: both sides edited the passage; patch_failed: a hunk of the fuzzy patch found no place;
# patch_misplaced: the fuzzy patch applied but changed another passage than the amendment did.
Reason = Literal["overlap", "patch_failed", "patch_misplaced"]

# Set up as diffing's: the default 1 s time-out gives a coarser result when the machine is busy.
# Not diffing._DMP itself: its diff_bisect needs the step budget that patch_apply does not pass.
_PATCHER = DiffMatchPatch()
_PATCHER.Diff_Timeout = 0
_PATCH_OPS: dict[Op, int] = {
    "=": DiffMatchPatch.DIFF_EQUAL,
    "-": DiffMatchPatch.DIFF_DELETE,
    "+": DiffMatchPatch.DIFF_INSERT,
}


@dataclass(frozen=True)
class Edit:
    """`text` replaces the normalized old text's [start, end); start == end is an insertion."""

    start: int
    end: int
    text: str


@dataclass(frozen=True)
class Conflict:
    """A passage of the base, as the amendment wanted it and as the current text has it; when
    the fuzzy patch is at fault the passage is the whole clause, as it cannot say where. The
    words around it (`before`, `after`) put a passage of a few words in its sentence."""

    reason: Reason
    base: str
    proposed: str
    current: str
    before: str = field(default="", compare=False)
    after: str = field(default="", compare=False)


CONTEXT = 40  # characters of the text shown around a collision, cut at a word


@dataclass(frozen=True)
class Rebase:
    """`text` is what the clause would become, None when the secretariat must write it."""

    outcome: Outcome
    text: str | None
    conflicts: list[Conflict]


def edits(old: str, new: str) -> list[Edit]:
    """The word edits turning `old` into `new`, on offsets of normalize(old), in order."""
    return _edits(word_diff(old, new))


def _edits(ops: list[tuple[Op, str]]) -> list[Edit]:
    result: list[Edit] = []
    position = 0
    pending: Edit | None = None
    for op, text in ops:
        if op == "=":
            if pending is not None:
                result.append(pending)
                pending = None
            position += len(text)
            continue
        if pending is None:
            pending = Edit(position, position, "")
        if op == "-":
            position += len(text)
            pending = Edit(pending.start, position, pending.text)
        else:
            pending = Edit(pending.start, pending.end, pending.text + text)
    if pending is not None:
        result.append(pending)
    return result


def _collides(a: Edit, b: Edit) -> bool:
    # Overlapping ranges; with an empty range, an insertion strictly inside the other's range.
    if a.start < b.end and b.start < a.end:
        return True
    # Two insertions at one point: which goes first is anyone's guess.
    return a.start == a.end == b.start == b.end


def collide(a: list[Edit], b: list[Edit]) -> bool:
    """Whether two sets of edits of the same text touch the same passage."""
    return any(_collides(x, y) for x in a for y in b)


def _render(base: str, changes: list[Edit], start: int, end: int) -> str:
    """base[start:end] with those of `changes` that lie inside it applied."""
    pieces: list[str] = []
    position = start
    for edit in changes:
        if start <= edit.start and edit.end <= end:
            pieces += [base[position : edit.start], edit.text]
            position = edit.end
    return "".join(pieces) + base[position:end]


def _conflicts(base: str, amendment: list[Edit], meanwhile: list[Edit]) -> list[Conflict]:
    """One conflict per group of edits chained by collisions, with the amendment in it."""
    groups: list[tuple[list[Edit], list[Edit]]] = []
    for edit in amendment:
        hits = [other for other in meanwhile if _collides(edit, other)]
        if not hits:
            continue
        # An edit made meanwhile can span two amendment edits: they share one passage.
        if groups and set(hits) & set(groups[-1][1]):
            groups[-1][0].append(edit)
            groups[-1][1].extend(hit for hit in hits if hit not in groups[-1][1])
        else:
            groups.append(([edit], hits))
    conflicts = []
    for ours, theirs in groups:
        start = min(edit.start for edit in ours + theirs)
        end = max(edit.end for edit in ours + theirs)
        conflicts.append(
            Conflict(
                reason="overlap",
                base=base[start:end],
                proposed=_render(base, ours, start, end),
                current=_render(base, theirs, start, end),
                before=_words_before(base, start),
                after=_words_after(base, end),
            )
        )
    return conflicts


def _words_before(text: str, position: int) -> str:
    line_start = text.rfind("\n", 0, position) + 1
    start = max(line_start, position - CONTEXT)
    if start > line_start and " " in text[start:position]:
        start = text.index(" ", start) + 1  # not half a word
    return ("…" if start > line_start else "") + text[start:position]


def _words_after(text: str, position: int) -> str:
    line_end = text.find("\n", position)
    line_end = len(text) if line_end < 0 else line_end
    end = min(line_end, position + CONTEXT)
    if end < line_end and " " in text[position:end]:
        end = text.rindex(" ", position, end)
    return text[position:end] + ("…" if end < line_end else "")


def partial_merge(base: str, proposed: str, current: str, mark: Callable[[Conflict], str]) -> str:
    """The current text with every edit of the amendment that collides with nothing applied,
    and each collision written by `mark` for the secretariat to resolve: where to start the
    merged text of a conflict."""
    base, proposed, current = normalize(base), normalize(proposed), normalize(current)
    amendment, meanwhile = edits(base, proposed), edits(base, current)
    pieces: list[str] = []
    position = 0  # in base
    for start, end, kind in _spans(amendment, meanwhile):
        pieces.append(base[position:start])
        ours = [e for e in amendment if start <= e.start and e.end <= end]
        theirs = [e for e in meanwhile if start <= e.start and e.end <= end]
        if kind == "collision":
            conflict = Conflict(
                "overlap", base[start:end], _render(base, ours, start, end),
                _render(base, theirs, start, end),
            )  # fmt: skip
            # Both made the very same change: nothing to resolve.
            same = conflict.proposed == conflict.current
            pieces.append(conflict.current if same else mark(conflict))
        else:
            pieces.append(_render(base, ours + theirs, start, end))
        position = end
    pieces.append(base[position:])
    return "".join(pieces)


def _spans(amendment: list[Edit], meanwhile: list[Edit]) -> list[tuple[int, int, str]]:
    """Base ranges the edits touch, in order: "collision" where an edit of one side collides
    with one of the other (joined into one range), "edit" elsewhere."""
    sided = [(e, meanwhile) for e in amendment] + [(e, amendment) for e in meanwhile]
    spans: list[tuple[int, int, str]] = []
    for edit, others in sorted(sided, key=lambda pair: (pair[0].start, pair[0].end)):
        kind = "collision" if any(_collides(edit, other) for other in others) else "edit"
        if spans:
            start, end, was = spans[-1]
            overlaps = edit.start < end or (kind == was == "collision" and edit.start <= end)
            if overlaps:
                joined = "collision" if "collision" in (was, kind) else "edit"
                spans[-1] = (start, max(end, edit.end), joined)
                continue
        spans.append((edit.start, edit.end, kind))
    return spans


def _shift(edit: Edit, meanwhile: list[Edit]) -> int:
    """How far the edits made meanwhile before `edit` moved its place in the current text; an
    insertion made meanwhile at this very point stays before the amendment's edit."""
    return sum(
        len(other.text) - (other.end - other.start)
        for other in meanwhile
        if other.end <= edit.start
    )


def _mapped(current: str, amendment: list[Edit], meanwhile: list[Edit]) -> str:
    """The amendment's edits placed on `current`, each base offset shifted by the edits before."""
    pieces: list[str] = []
    position = 0
    for edit in amendment:
        start = edit.start + _shift(edit, meanwhile)
        pieces += [current[position:start], edit.text]
        position = start + edit.end - edit.start
    return "".join(pieces) + current[position:]


def rebase(base: str, proposed: str, current: str) -> Rebase:
    """Merge the amendment base → proposed into `current`, or say why it cannot be done safely."""
    base, proposed, current = normalize(base), normalize(proposed), normalize(current)
    if current == base:
        return Rebase("fast_forward", proposed, [])
    if current == proposed:
        return Rebase("obsolete", current, [])
    amendment_ops = word_diff(base, proposed)
    amendment, meanwhile = _edits(amendment_ops), edits(base, current)
    if collide(amendment, meanwhile):
        return Rebase("conflict", None, _conflicts(base, amendment, meanwhile))
    merged = _mapped(current, amendment, meanwhile)
    # The DESIGN's rule: merge only when every hunk of the fuzzy patch applied and it agrees with
    # the mapping. A failed hunk is a conflict even though the mapping is clean; a hunk applied
    # elsewhere is the known failure: among similar passages the fuzzy match picks the nearest.
    # The patch is made from the word diff: a character diff without time-out of a long rewritten
    # clause takes close to a minute, and words are what the DESIGN diffs on.
    patch = _PATCHER.patch_make(base, [(_PATCH_OPS[op], text) for op, text in amendment_ops])
    patched, applied = _PATCHER.patch_apply(patch, current)
    if patched != merged and not _on_their_lines(base, current, amendment, meanwhile):
        reason: Reason = "patch_failed" if not all(applied) else "patch_misplaced"
        return Rebase("conflict", None, [Conflict(reason, base, proposed, current)])
    return Rebase("clean", merged, [])


def _on_their_lines(base: str, current: str, amendment: list[Edit], meanwhile: list[Edit]) -> bool:
    """The arbiter when the fuzzy patch and the mapping disagree: whether the mapping puts each
    of the amendment's edits on the line of current that a line-by-line comparison of base and
    current (difflib, not the word diff the mapping comes from) says is its line. The fuzzy patch
    mostly disagrees because its context is a word changed meanwhile right beside the edit; an
    edit mapped to another paragraph (the look-alike numerales trap) is caught here. Edits that
    span or make lines are left to the secretariat."""
    where = _line_map(base.split("\n"), current.split("\n"))
    for edit in amendment:
        if "\n" in edit.text or "\n" in base[edit.start : edit.end]:
            return False
        line = base.count("\n", 0, edit.start)
        if where.get(line) != current.count("\n", 0, edit.start + _shift(edit, meanwhile)):
            return False
    return True


def _line_map(old: list[str], new: list[str]) -> dict[int, int]:
    """Each line of `old` that is still a line of `new`, or was rewritten in place."""
    mapped: dict[int, int] = {}
    matcher = difflib.SequenceMatcher(None, old, new, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal" or (tag == "replace" and i2 - i1 == j2 - j1):
            mapped.update(zip(range(i1, i2), range(j1, j2), strict=True))
    return mapped
