"""Versions of a clause and the secretariat's edits: revise, insert, delete, move.

Every edit names the version (or, for structure, the provision) it acts on, writes a new
version or moves provisions without ever changing a uid, renumbers by position, and records an
audit event, all in the caller's transaction.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session, col, select, update

from app.audit import service as audit
from app.audit.service import actor_of
from app.core.errors import Conflict, InvalidInput
from app.core.i18n import N_, _, ngettext
from app.core.models import utcnow
from app.core.text import TextField, required_reason
from app.drafts import service, structure
from app.drafts.importing import normalize_heading, normalize_text
from app.drafts.models import Draft, Numbering, Provision, ProvisionVersion, VersionSource
from app.drafts.numbering import ALLOWED_PARENTS, CLAUSE_KINDS, Kind, next_suffixed
from app.members.models import Member

TEXT = TextField("text", N_("Text"), 20_000, required=N_("The text cannot be empty."))
HEADING = TextField("heading", N_("Heading"), 500, one_line=True)


class StaleVersion(Conflict):
    code = "stale_version"


class HasChildren(Conflict):
    code = "has_children"


class NumberingNeedsConfirmation(Conflict):
    code = "confirm_numbering"


@dataclass
class VersionView:
    number: int
    heading: str
    text: str
    source: str
    reason: str | None
    author: str | None
    created_at: datetime
    amendment_id: int | None = None


def versions(session: Session, entry: service.OutlineEntry) -> list[VersionView]:
    rows = session.exec(
        select(ProvisionVersion, Member.name)
        .join(Member, col(Member.id) == ProvisionVersion.author_id, isouter=True)
        .where(ProvisionVersion.provision_id == entry.id)
        .order_by(col(ProvisionVersion.number))
    ).all()
    return [
        VersionView(
            number=v.number,
            heading=v.heading,
            text=service.shown(entry, v.text),
            source=v.source,
            reason=v.reason,
            author=name,
            created_at=v.created_at,
            amendment_id=v.amendment_id,
        )
        for v, name in rows
    ]


def clean_text(text: str, *, heading: str | None) -> tuple[str, str | None]:
    """A clause's normalized text (one paragraph a line, no empty ones) and heading, or a form
    error saying what is wrong. Whoever takes a reason with them checks it apart."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")  # a lone CR ends a line too
    lines = [normalize_text(line) for line in text.split("\n")]
    text = TEXT.clean("\n".join(line for line in lines if line))
    # One line, as the importer reads it: a line break would start a line of its own in exports.
    return text, (normalize_heading(HEADING.clean(heading)) if heading is not None else None)


def add_version(
    session: Session,
    entry: service.OutlineEntry,
    *,
    expected_version: int,
    text: str,
    heading: str,
    source: VersionSource,
    author: Member | None,
    reason: str | None = None,
    amendment_id: int | None = None,
) -> ProvisionVersion:
    """Writes version expected+1, or raises StaleVersion if another change got there first.
    `text` is as a person reads it (current numbers); it is stored with them bound.

    The conditional UPDATE is the lock: of two concurrent writers expecting the same version,
    exactly one matches the row; the unique (provision, number) constraint stands behind it.
    """
    moved = session.exec(
        update(Provision)
        .where(col(Provision.id) == entry.id, col(Provision.current_version) == expected_version)
        .values(current_version=expected_version + 1)
    )
    if moved.rowcount != 1:
        current = session.exec(
            select(Provision.current_version).where(Provision.id == entry.id)
        ).one()
        raise StaleVersion(
            _(
                "%(label)s changed meanwhile: it is now at version %(current)s, not %(expected)s. "
                "Reload it and apply your change to the current text.",
                label=entry.label.name,
                current=current,
                expected=expected_version,
            ),
            current_version=current,
        )
    new = ProvisionVersion(
        provision_id=entry.id,
        number=expected_version + 1,
        heading=heading,
        text=structure.bind(text, entry.numbering, own_uid=entry.uid).text,
        source=source,
        reason=reason,
        author_id=author.id if author else None,
        amendment_id=amendment_id,
    )
    session.add(new)
    session.flush()
    entry.version = new.number
    return new


def revise(
    session: Session,
    actor: Member,
    draft: Draft,
    *,
    uid: str,
    expected_version: int,
    text: str,
    heading: str | None,
    reason: str,
) -> ProvisionVersion:
    service.ensure_open(draft)
    entry = service.load_outline(session, draft).get(uid)
    if not entry.is_clause:
        raise InvalidInput(_("Only articles and dispositions have text to revise."))
    text, heading = clean_text(text, heading=heading)
    reason = required_reason(reason)
    current = service.current_version(session, entry)
    heading = current.heading if heading is None else heading
    if expected_version == current.number and (text, heading) == (current.text, current.heading):
        raise InvalidInput(_("Nothing changed: the text and heading are the same."), field="text")
    new = add_version(
        session,
        entry,
        expected_version=expected_version,
        text=text,
        heading=heading,
        source=VersionSource.EDIT,
        author=actor,
        reason=reason,
    )
    audit.record(
        session,
        actor_of(actor),
        "provision.revised",
        f"provision:{uid}",
        draft_id=draft.id,
        details={"label": entry.label.text, "version": new.number, "reason": reason},
    )
    return new


# Structure -------------------------------------------------------------------------------


@dataclass
class CrossReference:
    """A clause whose text refers to a provision a structural change renumbered or removed."""

    uid: str
    label: str
    mentions: list[str]  # the references, as they read now ("artículo 41")


@dataclass
class StructuralResult:
    uid: str
    label: str
    # References that followed the renumbering: bound, they now show the new numbers.
    renumbered_references: list[CrossReference]
    # References to the provision a deletion removed: they dangle, shown as written and marked.
    references: list[CrossReference]


def _current_texts(
    session: Session, outline: service.Outline
) -> list[tuple[service.OutlineEntry, str]]:
    """Every clause with its current stored text, in document order, in one query."""
    texts = service.version_texts(session, [(e.id, e.version) for e in outline.clauses])
    return [(e, texts[(e.id, e.version)][1]) for e in outline.clauses if (e.id, e.version) in texts]


def referring_clauses(
    session: Session, outline: service.Outline, uids: set[str]
) -> list[CrossReference]:
    """The clauses whose current text refers to any of `uids`, with those references."""
    found = []
    for entry, text in _current_texts(session, outline):
        mentions = [
            structure.phrase(outline.numbering, reference)
            for reference in structure.references(text)
            if reference.to in uids and reference.to != entry.uid
        ]
        if mentions:
            found.append(CrossReference(entry.uid, entry.label.text, mentions))
    return found


@dataclass
class ReferenceProblem:
    """A clause whose text names a provision of this law that does not exist (kept as
    written, never guessed) or one that was deleted."""

    uid: str
    label: str
    unresolved: list[str]
    dangling: list[str]


def reference_problems(session: Session, outline: service.Outline) -> list[ReferenceProblem]:
    """What the secretariat should look at in the draft's references, clause by clause."""
    found = []
    for entry, stored in _current_texts(session, outline):
        text = structure.render(stored, outline.numbering, own_uid=entry.uid)
        unresolved = outline.bind(text, uid=entry.uid).unresolved
        dangling = [
            reference.written
            for reference in structure.references(stored)
            if reference.to not in outline.by_uid
        ]
        if unresolved or dangling:
            found.append(ReferenceProblem(entry.uid, entry.label.text, unresolved, dangling))
    return found


def _renumbered(before: service.Outline, after: service.Outline) -> set[str]:
    return {
        entry.uid
        for entry in after.entries
        if entry.uid in before.by_uid
        and before.by_uid[entry.uid].label.written != entry.label.written
    }


def _siblings(session: Session, draft: Draft, parent_id: int | None) -> Sequence[Provision]:
    return session.exec(
        select(Provision)
        .where(
            Provision.draft_id == draft.id,
            Provision.parent_id == parent_id,
            col(Provision.removed_at).is_(None),
        )
        .order_by(col(Provision.position))
    ).all()


def _place(
    session: Session, draft: Draft, outline: service.Outline, kind: Kind, after_uid: str
) -> tuple[int | None, int]:
    """Where a new `kind` goes when placed "after" a provision: (parent id, position).

    After a container that may hold it (a capítulo, a group of dispositions), it becomes the
    first child; otherwise it follows the provision among its siblings.
    """
    after = outline.get(after_uid)
    if after.kind in ALLOWED_PARENTS[kind]:
        return after.id, 0
    parent = after.parent
    if (parent.kind if parent else None) not in ALLOWED_PARENTS[kind]:
        raise InvalidInput(
            _("A provision of this kind cannot go after %(label)s.", label=after.label.text),
            field="after",
        )
    return (parent.id if parent else None), after.position + 1


def _open_gap(session: Session, draft: Draft, parent_id: int | None, position: int) -> None:
    for sibling in reversed(_siblings(session, draft, parent_id)):
        if sibling.position >= position:
            sibling.position += 1
            session.add(sibling)
    session.flush()


def _close_gap(session: Session, draft: Draft, parent_id: int | None) -> None:
    for index, sibling in enumerate(_siblings(session, draft, parent_id)):
        if sibling.position != index:
            sibling.position = index
            session.add(sibling)
    session.flush()


def insert_provision(
    session: Session,
    actor: Member | None,
    draft: Draft,
    *,
    kind: str,
    after_uid: str,
    heading: str,
    text: str,
    reason: str,
    source: VersionSource = VersionSource.EDIT,
    amendment_id: int | None = None,
) -> StructuralResult:
    service.ensure_open(draft)
    if kind not in CLAUSE_KINDS:
        raise InvalidInput(_("Only an article or a disposition can be inserted."), field="kind")
    text, clean_heading = clean_text(text, heading=heading)
    reason = required_reason(reason)
    before = service.load_outline(session, draft)
    parent_id, position = _place(session, draft, before, Kind(kind), after_uid)
    _open_gap(session, draft, parent_id, position)
    assert draft.id is not None
    provision = Provision(draft_id=draft.id, parent_id=parent_id, kind=kind, position=position)
    session.add(provision)
    session.flush()
    assert provision.id is not None
    first = ProvisionVersion(
        provision_id=provision.id,
        number=1,
        heading=clean_heading or "",
        text=text,
        source=source,
        reason=reason,
        author_id=actor.id if actor else None,
        amendment_id=amendment_id,
    )
    session.add(first)
    session.flush()
    if draft.numbering == Numbering.FIXED and kind == Kind.ARTICULO:
        provision.fixed_number = _suffixed_number(
            service.load_outline(session, draft), provision.uid
        )
        session.add(provision)
        session.flush()
    after = service.load_outline(session, draft)
    # Bound once the new clause has its number: its numerales are written with that number.
    first.text = after.bind(text, uid=provision.uid).text
    session.flush()
    label = after.get(provision.uid).label.text
    audit.record(
        session,
        actor_of(actor),
        "provision.inserted",
        f"provision:{provision.uid}",
        draft_id=draft.id,
        details={"label": label, "after": after_uid, "reason": reason},
    )
    followed = referring_clauses(session, after, _renumbered(before, after))
    return StructuralResult(provision.uid, label, followed, [])


def _suffixed_number(outline: service.Outline, uid: str) -> str:
    """The number a new article of a law in force takes: the one before it, suffixed (12-A),
    and refused where no suffix fits between its neighbours."""
    articles = [e for e in outline.entries if e.kind is Kind.ARTICULO and e.label.written]
    index = next(i for i, e in enumerate(articles) if e.uid == uid)
    before = articles[index - 1].label.written if index else None
    taken = {e.label.written for e in articles if e.uid != uid}
    number = next_suffixed(before, taken)
    following = next((e for e in articles[index + 1 :] if e.fixed_number), None)
    if following and _order(number) >= _order(following.label.written):
        raise InvalidInput(
            _(
                "No article number fits between %(before)s and %(after)s in a law in force: "
                "insert the new article after %(after)s.",
                before=before or "—",
                after=following.label.written,
            ),
            field="after",
        )
    return number


def _order(number: str) -> tuple[int, str]:
    digits, _dash, letter = number.partition("-")
    return (int(digits) if digits.isdigit() else 0, letter)


def delete_provision(
    session: Session, actor: Member | None, draft: Draft, *, uid: str, reason: str
) -> StructuralResult:
    service.ensure_open(draft)
    reason = required_reason(reason)
    before = service.load_outline(session, draft)
    entry = before.get(uid)
    if draft.numbering == Numbering.FIXED and entry.kind is Kind.ARTICULO:
        return _repeal(session, actor, draft, before, entry, reason)
    if entry.children:
        raise HasChildren(
            _(
                "%(label)s still contains other provisions: move or delete them first.",
                label=entry.label.name,
            )
        )
    provision = session.get(Provision, entry.id)
    assert provision is not None
    provision.removed_at = utcnow()
    session.add(provision)
    session.flush()
    _close_gap(session, draft, provision.parent_id)
    after = service.load_outline(session, draft)
    audit.record(
        session,
        actor_of(actor),
        "provision.deleted",
        f"provision:{uid}",
        draft_id=draft.id,
        details={"label": entry.label.text, "reason": reason},
    )
    followed = referring_clauses(session, after, _renumbered(before, after))
    dangling = referring_clauses(session, after, {uid})
    return StructuralResult(uid, entry.label.text, followed, dangling)


REPEALED = "Derogado."


def _repeal(
    session: Session,
    actor: Member | None,
    draft: Draft,
    outline: service.Outline,
    entry: service.OutlineEntry,
    reason: str,
) -> StructuralResult:
    """In a law in force an article is not removed but repealed: it keeps its number and its
    place, and reads "Derogado." (references to it stay, pointing to the repealed article)."""
    current = service.current_version(session, entry)
    if current.text == REPEALED:
        raise InvalidInput(_("%(label)s is already repealed.", label=entry.label.name))
    add_version(
        session,
        entry,
        expected_version=entry.version,
        text=REPEALED,
        heading="",
        source=VersionSource.EDIT,
        author=actor,
        reason=reason,
    )
    audit.record(
        session,
        actor_of(actor),
        "provision.repealed",
        f"provision:{entry.uid}",
        draft_id=draft.id,
        details={"label": entry.label.text, "reason": reason},
    )
    referring = referring_clauses(session, outline, {entry.uid})
    return StructuralResult(entry.uid, entry.label.text, [], referring)


def set_numbering(
    session: Session,
    actor: Member,
    draft: Draft,
    *,
    numbering: str,
    pending_amendments: int,
    confirmed: bool,
) -> None:
    """Switch a draft between renumbering (a new bill) and fixed numbers (a law in force).
    Fixing keeps every article's number as it is now; renumbering numbers them by place again
    (12-A becomes 13). With amendments pending it asks to be confirmed: their texts and
    references follow the new numbers."""
    service.ensure_open(draft)
    if numbering not in set(Numbering):
        raise InvalidInput(_("Unknown numbering: %(mode)s", mode=numbering), field="numbering")
    if numbering == draft.numbering:
        raise InvalidInput(_("The draft already has that numbering."), field="numbering")
    if pending_amendments and not confirmed:
        raise NumberingNeedsConfirmation(
            ngettext(
                "One amendment is pending. Its text and references will show the new numbers, "
                "and articles may change number. Confirm the change.",
                "%(num)s amendments are pending. Their texts and references will show the new "
                "numbers, and articles may change number. Confirm the change.",
                pending_amendments,
            ),
            field="confirmed",
        )
    outline = service.load_outline(session, draft)
    fixed = numbering == Numbering.FIXED
    for provision in session.exec(
        select(Provision).where(Provision.draft_id == draft.id, Provision.kind == Kind.ARTICULO)
    ).all():
        entry = outline.by_uid.get(provision.uid)
        # The título preliminar's articles (I, II…) keep their own count either way.
        keep = fixed and entry is not None and not _in_preliminary(entry)
        provision.fixed_number = entry.label.written if keep and entry else None
        session.add(provision)
    before = draft.numbering
    draft.numbering = numbering
    session.add(draft)
    session.flush()
    audit.record(
        session,
        actor_of(actor),
        "draft.numbering_changed",
        f"draft:{draft.slug}",
        draft_id=draft.id,
        details={"before": before, "after": numbering, "pending_amendments": pending_amendments},
    )


def _in_preliminary(entry: service.OutlineEntry) -> bool:
    parent = entry.parent
    while parent is not None:
        if parent.kind is Kind.TITULO_PRELIMINAR:
            return True
        parent = parent.parent
    return False


def move_provision(
    session: Session, actor: Member, draft: Draft, *, uid: str, after_uid: str, reason: str
) -> StructuralResult:
    service.ensure_open(draft)
    reason = required_reason(reason)
    before = service.load_outline(session, draft)
    entry = before.get(uid)
    if after_uid == uid or _is_inside(before.get(after_uid), uid):
        raise InvalidInput(_("A provision cannot be moved after itself."), field="after")
    provision = session.get(Provision, entry.id)
    assert provision is not None
    old_parent = provision.parent_id
    provision.position = -1  # out of the way while its old siblings close ranks
    session.add(provision)
    session.flush()
    remaining = [s for s in _siblings(session, draft, old_parent) if s.id != provision.id]
    for index, sibling in enumerate(remaining):
        sibling.position = index
        session.add(sibling)
    session.flush()
    detached = service.load_outline(session, draft)
    parent_id, position = _place(session, draft, detached, entry.kind, after_uid)
    _open_gap(session, draft, parent_id, position)
    provision.parent_id, provision.position = parent_id, position
    session.add(provision)
    session.flush()
    after = service.load_outline(session, draft)
    label = after.get(uid).label.text
    audit.record(
        session,
        actor_of(actor),
        "provision.moved",
        f"provision:{uid}",
        draft_id=draft.id,
        details={"from": entry.label.text, "to": label, "after": after_uid, "reason": reason},
    )
    followed = referring_clauses(session, after, _renumbered(before, after))
    return StructuralResult(uid, label, followed, [])


def _is_inside(entry: service.OutlineEntry, uid: str) -> bool:
    while entry.parent is not None:
        if entry.parent.uid == uid:
            return True
        entry = entry.parent
    return False


# A law in force ---------------------------------------------------------------------------


@dataclass
class Modified:
    """The article of a law in force a provision modifies, as it reads there now."""

    law_slug: str
    law_title: str
    uid: str
    label: str
    heading: str
    text: str


def set_modifies(
    session: Session,
    actor: Member,
    draft: Draft,
    *,
    uid: str,
    law_slug: str | None,
    law_uid: str | None,
) -> Modified | None:
    """Link a provision of the draft to the article of a law in force (a draft with fixed
    numbering) it modifies, so the cuadro compares it with the text in force; None unlinks."""
    service.ensure_open(draft)
    entry = service.load_outline(session, draft).get(uid)
    if not entry.is_clause:
        raise InvalidInput(_("Only articles and dispositions modify a law."), field="uid")
    provision = session.get(Provision, entry.id)
    assert provision is not None
    target = None
    if law_slug is not None or law_uid is not None:
        law = service.get_draft(session, law_slug or "")
        if law.id == draft.id or law.numbering != Numbering.FIXED:
            raise InvalidInput(
                _(
                    "«%(slug)s» is not a law in force: import it with fixed numbering.",
                    slug=law.slug,
                ),
                field="law",
            )
        article = service.load_outline(session, law).get(law_uid or "")
        if article.kind is not Kind.ARTICULO:
            raise InvalidInput(_("A law in force is modified article by article."), field="uid")
        target = article
    provision.modifies_id = target.id if target else None
    session.add(provision)
    session.flush()
    audit.record(
        session,
        actor_of(actor),
        "provision.modifies_set",
        f"provision:{uid}",
        draft_id=draft.id,
        details={"label": entry.label.text, "law": law_slug, "article": law_uid},
    )
    return modified(session, provision.id or 0)


def modified(session: Session, provision_id: int) -> Modified | None:
    """What a provision modifies, with the article's current text in force, if anything."""
    provision = session.get(Provision, provision_id)
    if provision is None or provision.modifies_id is None:
        return None
    target = session.get(Provision, provision.modifies_id)
    law = session.get(Draft, target.draft_id) if target else None
    if target is None or law is None:
        return None
    entry = service.load_outline(session, law).by_uid.get(target.uid)
    if entry is None:  # the article is gone from the law as imported
        return None
    version = service.current_version(session, entry)
    return Modified(law.slug, law.title, entry.uid, entry.label.text, version.heading, version.text)
