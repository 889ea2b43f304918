"""Rules and state changes for drafts and their provisions. Services flush; routes commit."""

from collections import defaultdict
from collections.abc import Callable, Hashable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from functools import cached_property
from pathlib import Path

from sqlalchemy import Connection, Engine, bindparam, tuple_
from sqlalchemy import select as sa_select
from sqlmodel import Session, col, select

from app.audit import service as audit
from app.audit.service import SYSTEM, Actor
from app.core.cache import RevisionCache
from app.core.db import unique_or
from app.core.errors import Conflict, Forbidden, InvalidInput, NotFound
from app.core.i18n import _
from app.drafts import structure
from app.drafts.importing import ParsedDraft, ParsedNote, ParsedProvision, parse_file
from app.drafts.models import (
    Draft,
    Numbering,
    Phase,
    Provision,
    ProvisionVersion,
    VersionSource,
)
from app.drafts.notes import EditorialNote
from app.drafts.numbering import CLAUSE_KINDS, Kind, Label, Node, compute_labels


class SlugTaken(Conflict):
    code = "slug_taken"


class PhaseClosed(Forbidden):
    code = "phase_closed"


def require_phase(draft: Draft, allowed: set[Phase], refusal: str) -> None:
    """Refuses, saying why, what the draft's current phase does not allow."""
    if draft.phase not in allowed:
        raise PhaseClosed(refusal, phase=draft.phase)


def ensure_open(draft: Draft) -> None:
    """Closed means read-only for everyone: every service that writes to a draft calls this
    first. Reads and exports stay allowed; only a change of phase reopens the draft."""
    require_phase(
        draft,
        {Phase.OPEN, Phase.CONSOLIDATION},
        _(
            "This draft is in its closed phase: it is read-only, and nothing in it can change. "
            "The secretariat can reopen it by changing its phase."
        ),
    )


def set_phase(session: Session, actor: Actor, draft: Draft, phase: str) -> None:
    if phase not in set(Phase):
        raise InvalidInput(_("Unknown phase: %(phase)s", phase=phase), field="phase")
    before = draft.phase
    draft.phase = phase
    session.add(draft)
    session.flush()
    audit.record(
        session,
        actor,
        "draft.phase_changed",
        f"draft:{draft.slug}",
        draft_id=draft.id,
        details={"before": before, "after": phase},
    )


@dataclass
class OutlineEntry:
    """A provision in document order, with its computed label and current heading."""

    id: int
    uid: str
    kind: Kind
    position: int
    version: int  # the current version's number
    heading: str
    depth: int
    parent: "OutlineEntry | None"
    label: Label = field(default_factory=lambda: Label("", None))
    children: list["OutlineEntry"] = field(default_factory=list)
    fixed_number: str | None = None
    # The numbers of the whole draft now, shared by its entries: what stored text is shown with.
    numbering: structure.Numbering = field(default_factory=lambda: structure.Numbering([]))

    @property
    def is_clause(self) -> bool:
        return self.kind in CLAUSE_KINDS


@dataclass
class Outline:
    """The whole structure of a draft, loaded in one query."""

    entries: list[OutlineEntry]
    by_uid: dict[str, OutlineEntry]
    numbering: structure.Numbering

    # Worked out once: an outline is not changed once built (load_outline shares it).
    @cached_property
    def roots(self) -> list[OutlineEntry]:
        return [entry for entry in self.entries if entry.parent is None]

    @cached_property
    def clauses(self) -> list[OutlineEntry]:
        return [entry for entry in self.entries if entry.is_clause]

    @cached_property
    def _clause_index(self) -> dict[str, int]:
        return {entry.uid: index for index, entry in enumerate(self.clauses)}

    def get(self, uid: str) -> OutlineEntry:
        try:
            return self.by_uid[uid]
        except KeyError:
            raise NotFound(_("There is no provision %(uid)s in this draft.", uid=uid)) from None

    def bind(self, text: str, *, uid: str | None) -> structure.Bound:
        """Text as a person wrote it, with its numerales and references bound to provisions."""
        return structure.bind(text, self.numbering, own_uid=uid)

    def neighbours(self, uid: str) -> tuple[OutlineEntry | None, OutlineEntry | None]:
        """The clauses before and after a clause, for reading article by article."""
        clauses = self.clauses
        index = self._clause_index[uid]
        previous = clauses[index - 1] if index > 0 else None
        following = clauses[index + 1] if index + 1 < len(clauses) else None
        return previous, following


def list_drafts(session: Session) -> Sequence[Draft]:
    return session.exec(select(Draft).order_by(col(Draft.created_at), col(Draft.id))).all()


# Built once, bound per call: a statement built for each call costs more than running it.
_BY_SLUG = select(Draft).where(Draft.slug == bindparam("slug"))


def get_draft(session: Session, slug: str) -> Draft:
    draft = session.exec(_BY_SLUG, params={"slug": slug}).first()
    if draft is None:
        raise NotFound(_("There is no draft «%(slug)s».", slug=slug))
    return draft


def public_revision(bind: Engine | Connection) -> Callable[[str], Hashable | None]:
    """What names a public draft as it is now, by its slug (None: no such public draft): one
    indexed read, for app/core/anonymous.py to tell whether a kept response is still current.
    On an engine, each read has a connection of its own; the tests give their connection."""
    query = sa_select(col(Draft.id), col(Draft.revision), col(Draft.created_at)).where(
        col(Draft.slug) == bindparam("slug"), col(Draft.is_public).is_(True)
    )

    def revision_of(slug: str) -> Hashable | None:
        if isinstance(bind, Engine):
            with bind.connect() as connection:
                row = connection.execute(query, {"slug": slug}).first()
        else:
            row = bind.execute(query, {"slug": slug}).first()
        return tuple(row) if row is not None else None

    return revision_of


_outlines: RevisionCache["Outline"] = RevisionCache()


def load_outline(session: Session, draft: Draft) -> Outline:
    """The draft's structure with its labels and numbering, built once per revision in each
    process for the requests that only read: they share it, so nobody may change it."""
    return _outlines.get(session, draft.cache_key, lambda: _build_outline(session, draft))


def _build_outline(session: Session, draft: Draft) -> Outline:
    # Plain columns, not ORM objects: every page loads the outline, and it must stay cheap.
    rows = (
        session.connection()
        .execute(
            sa_select(
                col(Provision.id),
                col(Provision.uid),
                col(Provision.parent_id),
                col(Provision.kind),
                col(Provision.position),
                col(Provision.current_version),
                col(ProvisionVersion.heading),
                col(Provision.fixed_number),
            )
            .join(
                ProvisionVersion,
                (col(ProvisionVersion.provision_id) == Provision.id)
                & (col(ProvisionVersion.number) == Provision.current_version),
            )
            .where(col(Provision.draft_id) == draft.id, col(Provision.removed_at).is_(None))
            .order_by(col(Provision.parent_id), col(Provision.position))
        )
        .all()
    )
    children: defaultdict[int | None, list[tuple[int, str, str, int, int, str, str | None]]] = (
        defaultdict(list)
    )
    for id_, uid, parent_id, kind, position, version, heading, fixed in rows:
        assert id_ is not None
        children[parent_id].append((id_, uid, kind, position, version, heading, fixed))

    entries: list[OutlineEntry] = []

    def visit(parent_id: int | None, parent: OutlineEntry | None, depth: int) -> None:
        for id_, uid, kind, position, version, heading, fixed in children[parent_id]:
            entry = OutlineEntry(id_, uid, Kind(kind), position, version, heading, depth, parent)
            entry.fixed_number = fixed
            entries.append(entry)
            if parent:
                parent.children.append(entry)
            visit(id_, entry, depth + 1)

    visit(None, None, 0)
    labels = compute_labels(
        [Node(e.uid, e.kind, e.parent.uid if e.parent else None, e.fixed_number) for e in entries]
    )
    for entry in entries:
        entry.label = labels[entry.uid]
    numbering = structure.Numbering(
        structure.Target(
            e.uid, e.kind, e.label.written, e.parent.uid if e.parent else None,
            e.label.number or 0,
        )
        for e in entries
    )  # fmt: skip
    for entry in entries:
        entry.numbering = numbering
    return Outline(entries, {entry.uid: entry for entry in entries}, numbering)


def shown(entry: OutlineEntry, text: str) -> str:
    """A clause's stored text as it reads now: its numerales and references with the current
    numbers (what every page, diff, export and API response shows)."""
    return structure.render(text, entry.numbering, own_uid=entry.uid)


def version_texts(
    session: Session, keys: Iterable[tuple[int, int]]
) -> dict[tuple[int, int], tuple[str, str]]:
    """(heading, text) of each (provision id, version number) asked for, in one query."""
    wanted = sorted(set(keys))
    if not wanted:
        return {}
    rows = session.exec(
        select(
            ProvisionVersion.provision_id,
            ProvisionVersion.number,
            ProvisionVersion.heading,
            ProvisionVersion.text,
        ).where(
            tuple_(col(ProvisionVersion.provision_id), col(ProvisionVersion.number)).in_(wanted)
        )
    ).all()
    return {(pid, number): (heading, text) for pid, number, heading, text in rows}


@dataclass(frozen=True)
class ShownVersion:
    """A version of a clause as it reads now: its text with the current numbers. The stored
    text, with its numbers bound to provisions, is `stored`."""

    provision_id: int
    number: int
    heading: str
    text: str
    stored: str
    source: str
    author_id: int | None
    amendment_id: int | None
    reason: str | None
    created_at: datetime


def version(session: Session, entry: OutlineEntry, number: int) -> ShownVersion:
    """Version `number` of a clause, or a 404 naming the clause: the one version lookup."""
    found = versions_of(session, entry, [number]).get(number)
    if found is None:
        raise NotFound(
            _("%(label)s has no version %(number)s.", label=entry.label.name, number=number)
        )
    return found


def versions_of(
    session: Session, entry: OutlineEntry, numbers: Iterable[int]
) -> dict[int, ShownVersion]:
    """Those of the versions `numbers` of a clause that exist, in one query."""
    rows = session.exec(
        select(ProvisionVersion).where(
            ProvisionVersion.provision_id == entry.id,
            col(ProvisionVersion.number).in_(set(numbers)),
        )
    ).all()
    return {row.number: _shown_version(entry, row) for row in rows}


def _shown_version(entry: OutlineEntry, row: ProvisionVersion) -> ShownVersion:
    return ShownVersion(
        provision_id=row.provision_id,
        number=row.number,
        heading=row.heading,
        text=shown(entry, row.text),
        stored=row.text,
        source=row.source,
        author_id=row.author_id,
        amendment_id=row.amendment_id,
        reason=row.reason,
        created_at=row.created_at,
    )


def current_version(session: Session, entry: OutlineEntry) -> ShownVersion:
    return version(session, entry, entry.version)


def import_draft(
    session: Session,
    parsed: ParsedDraft,
    slug: str | None = None,
    actor: Actor = SYSTEM,
    *,
    numbering: Numbering = Numbering.RENUMBER,
) -> Draft:
    """Write a parsed bill as a new draft: every provision at version 1, its numerales and
    references bound. A law in force (fixed numbering) keeps the article numbers it was
    written with."""
    slug = slug or parsed.slug
    if not slug:
        raise SlugTaken(_("The draft needs an identifier (slug)."))
    taken = SlugTaken(_("A draft with the identifier «%(slug)s» already exists.", slug=slug))
    if session.exec(select(Draft.id).where(Draft.slug == slug)).first() is not None:
        raise taken
    draft = Draft(slug=slug, title=parsed.title, numbering=numbering)
    with unique_or(session, taken):  # two imports of one slug at once
        session.add(draft)
    assert draft.id is not None

    # One flush per level of the tree: parents get their ids before their children are added.
    level: list[tuple[ParsedProvision, int | None, int]] = [
        (node, None, position) for position, node in enumerate(parsed.provisions)
    ]
    versions: list[ProvisionVersion] = []
    notes: list[EditorialNote] = [
        _note(draft.id, None, position, note) for position, note in enumerate(parsed.notes)
    ]
    while level:
        created = [
            (
                node,
                Provision(
                    draft_id=draft.id, parent_id=parent_id, kind=node.kind, position=pos,
                    fixed_number=node.number if numbering is Numbering.FIXED else None,
                ),
            )
            for node, parent_id, pos in level
        ]  # fmt: skip
        session.add_all([provision for _node, provision in created])
        session.flush()
        level = []
        for node, provision in created:
            assert provision.id is not None
            notes.extend(
                _note(draft.id, provision.id, position, note)
                for position, note in enumerate(node.notes)
            )
            versions.append(
                ProvisionVersion(
                    provision_id=provision.id,
                    number=1,
                    heading=node.heading,
                    text=node.text,
                    source=VersionSource.IMPORT,
                )
            )
            level.extend((child, provision.id, pos) for pos, child in enumerate(node.children))
    session.add_all(versions)
    session.add_all(notes)
    session.flush()
    # Bound once every provision has its uid and label (the rows are this transaction's own).
    outline = load_outline(session, draft)
    uids = {entry.id: entry.uid for entry in outline.entries}
    for version in versions:
        version.text = outline.bind(version.text, uid=uids[version.provision_id]).text
    session.flush()
    clauses = sum(1 for node in parsed.walk() if node.kind in CLAUSE_KINDS)
    audit.record(
        session,
        actor,
        "draft.imported",
        f"draft:{draft.slug}",
        draft_id=draft.id,
        details={
            "title": draft.title,
            "provisions": len(versions),
            "clauses": clauses,
            "notes": len(notes),
        },
    )
    return draft


def _note(
    draft_id: int, provision_id: int | None, position: int, note: ParsedNote
) -> EditorialNote:
    return EditorialNote(
        draft_id=draft_id,
        provision_id=provision_id,
        kind=note.kind,
        text=note.text,
        superseded=note.superseded,
        line=note.line,
        position=position,
    )


def import_file(
    session: Session,
    path: Path,
    slug: str | None = None,
    *,
    numbering: Numbering = Numbering.RENUMBER,
) -> Draft:
    parsed = parse_file(path.read_bytes(), path.name, default_slug=path.stem)
    return import_draft(session, parsed, slug, numbering=numbering)


def has_drafts(session: Session) -> bool:
    return session.exec(select(Draft.id)).first() is not None
