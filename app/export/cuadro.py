"""The cuadro comparativo: one row per clause matched by uid, its base text beside the proposed
one with every edit credited, the same rows for the Word document and the printed HTML/PDF."""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from app.core.i18n import _
from app.drafts import diffing
from app.drafts.diffing import Op
from app.export.changes import LINE_BREAK, Credit, History, Span, attribute, diff, prepared
from app.export.document import ExportDocument, ExportProvision

Pair = tuple[ExportProvision | None, ExportProvision | None]


def legend() -> str:
    """What the marks mean, for print where the accessible labels are not shown."""
    return _(
        "Inserted text is in bold and underlined; deleted text is struck through. A number "
        "after a change refers to its source in the last column."
    )


@dataclass(frozen=True)
class BaseText:
    """What a row compares with: the base snapshot's clause by default. A disposition that
    modifies a law in force will be compared with that law's article instead (texto vigente)."""

    label: str
    heading: str
    text: str

    @property
    def line(self) -> str:
        return f"{self.label} {self.heading}" if self.heading else self.label


@dataclass(frozen=True)
class Row:
    uid: str
    label: str
    notes: list[str]  # added, removed, modified, its former label
    base: BaseText | None
    header: list[Span]  # the proposed label and heading, with their edits
    paragraphs: list[list[Span]]  # the proposed text, one list of spans a paragraph
    sources: list[Credit]  # who made the row's changes, in the order they appear
    changed: bool

    def number(self, credit: Credit | None) -> int | None:
        """The note number of an edit's source, when the row has more than one."""
        if credit is None or len(self.sources) < 2 or credit not in self.sources:
            return None
        return self.sources.index(credit) + 1


def aligned(new: Sequence[ExportProvision], old: Sequence[ExportProvision]) -> list[Pair]:
    """Every provision of either version, matched by uid, in the new order; removed ones stand
    right after the provision that preceded them, as snapshots.compare_states lists them."""
    before = {provision.uid: provision for provision in old}
    now = {provision.uid for provision in new}
    removed_after: dict[str | None, list[ExportProvision]] = {}
    anchor: str | None = None
    for provision in old:
        if provision.uid in now:
            anchor = provision.uid
        else:
            removed_after.setdefault(anchor, []).append(provision)
    pairs: list[Pair] = [(None, gone) for gone in removed_after.pop(None, [])]
    for provision in new:
        pairs.append((provision, before.get(provision.uid)))
        pairs.extend((None, gone) for gone in removed_after.pop(provision.uid, []))
    return pairs


def rows(
    document: ExportDocument,
    base: ExportDocument,
    histories: Mapping[str, History],
    fallback: Credit,
    *,
    every: bool = False,
) -> list[Row]:
    """The clauses that changed (`every`: all of them), in the new order."""
    built = []
    for new, old in aligned(document.clauses, base.clauses):
        uid = (new or old).uid  # type: ignore[union-attr]
        history = histories.get(uid, History())
        built.append(row(new, old, history, fallback, compared_with=in_force(document, uid)))
    return [r for r in built if every or r.changed]


def in_force(document: ExportDocument, uid: str) -> BaseText | None:
    """For a provision that modifies a law in force, the article it modifies as the base: the
    "texto vigente | texto propuesto" committees compare."""
    found = document.in_force.get(uid)
    if found is None:
        return None
    label = _("Text in force — %(law)s, %(label)s", law=found.law_title, label=found.label)
    return BaseText(label, found.heading, found.text)


def row(
    new: ExportProvision | None,
    old: ExportProvision | None,
    history: History,
    fallback: Credit,
    compared_with: BaseText | None = None,
) -> Row:
    """One row. `compared_with` replaces the base clause (a text in force); the history then
    credits what it can and the fallback the rest."""
    either = new or old
    assert either is not None
    base = compared_with or (BaseText(old.label, old.heading, old.text) if old else None)
    label_op: Op = "=" if new and base else ("+" if new else "-")
    label_credit = history.created_or_removed if label_op != "=" else None
    header: list[Span] = [(label_op, either.label, label_credit)]
    heading_ops = diff(base.heading if base else "", new.heading if new else "")
    if heading_ops:
        header.append((label_op, " ", label_credit))
        header += attribute(
            heading_ops,
            base.heading if base else "",
            history.headings,
            fallback=history.created_or_removed or fallback,
        )
    old_text, new_text = (base.text if base else ""), (new.text if new else "")
    spans = attribute(
        diff(old_text, new_text),
        old_text,
        history.texts,
        fallback=history.created_or_removed or fallback,
    )
    paragraphs = [
        _spaced(line) for line in lines(spans) if "".join(piece for _op, piece, _c in line).strip()
    ]
    sources: list[Credit] = []
    for _op, _piece, credit in [*header, *(span for line in paragraphs for span in line)]:
        if credit is not None and credit.source and credit not in sources:
            sources.append(credit)
    for step in history.texts:  # a hand merge's decision is on the record even when each
        if step.drawn_on and step.credit not in sources:  # edit went to an amendment
            sources.append(step.credit)
    notes = []
    changed = new is None or base is None
    if base is None:
        notes.append(_("Added"))
    elif new is None:
        notes.append(_("Removed"))
    else:
        if diffing.changed(base.heading, new.heading) or diffing.changed(base.text, new.text):
            notes.append(_("Modified"))
            changed = True
        if base.label != new.label:
            notes.append(_("before: %(label)s", label=base.label))
    return Row(either.uid, either.label, notes, base, header, paragraphs, sources, changed)


def lines(spans: Sequence[Span]) -> list[list[Span]]:
    """The spans cut at line ends."""
    result: list[list[Span]] = [[]]
    for op, piece, credit in spans:
        for index, line in enumerate(piece.split("\n")):
            if index:
                result.append([])
            if line:
                result[-1].append((op, line, credit))
    return result


def _spaced(spans: list[Span]) -> list[Span]:
    """A space between a deletion and an insertion that touch, so that in print the struck and
    the underlined words never run together."""
    result: list[Span] = []
    for span in spans:
        if result:
            op, piece, _credit = result[-1]
            if {op, span[0]} == {"-", "+"} and not (piece[-1:].isspace() or span[1][:1].isspace()):
                result.append(("=", " ", None))
        result.append(span)
    return result


def noted(spans: Sequence[Span], row: Row) -> list[tuple[Op, str, int | None]]:
    """Each span with the note number of its source to print after it: after the last of a run
    of edits with one source, when the row has several sources; before a blank that ends the
    edit, so that the number sits on the words it is about."""
    result: list[tuple[Op, str, int | None]] = []
    for index, (op, piece, credit) in enumerate(spans):
        piece = piece.replace(LINE_BREAK, " ")
        following = spans[index + 1] if index + 1 < len(spans) else None
        ends = following is None or following[0] == "=" or following[2] != credit
        number = row.number(credit) if op != "=" and ends else None
        words = piece.rstrip()
        if number and words != piece:
            result += [(op, words, number), (op, piece[len(words) :], None)]
        else:
            result.append((op, piece, number))
    return result


def base_paragraphs(base: BaseText) -> list[str]:
    return [line.strip() for line in prepared(base.text).split("\n") if line.strip()]
