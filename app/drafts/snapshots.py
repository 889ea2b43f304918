"""Snapshots: the whole draft frozen under a label, read back as it was, and compared.

A comparison matches provisions by uid, never by number: each is added, removed, modified
(its text or heading changed), renumbered (same text, new label) or unchanged. Modified wins
over renumbered; the two labels show a renumbering either way.
"""

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal

from sqlalchemy import bindparam
from sqlmodel import Session, col, select

from app.audit import service as audit
from app.audit.service import actor_of
from app.core.bounds import parse_id
from app.core.errors import NotFound
from app.core.i18n import N_, _
from app.core.text import TextField
from app.drafts import diffing, service, structure
from app.drafts.models import Draft, Provision, ProvisionVersion, Snapshot, SnapshotEntry
from app.drafts.numbering import Kind, written_in
from app.members.models import Member

LABEL = TextField(
    "label", N_("Label"), 200, required=N_("Give the snapshot a label."), one_line=True
)
Change = Literal["added", "removed", "modified", "renumbered", "unchanged"]


def freeze_snapshot(session: Session, actor: Member, draft: Draft, label: str) -> Snapshot:
    service.ensure_open(draft)  # the final text is frozen before closing, not after
    label = LABEL.clean(label)
    assert draft.id is not None
    snapshot = Snapshot(draft_id=draft.id, label=label, created_by_id=actor.id)
    session.add(snapshot)
    session.flush()
    assert snapshot.id is not None
    outline = service.load_outline(session, draft)
    session.add_all(
        [
            SnapshotEntry(
                snapshot_id=snapshot.id,
                provision_id=entry.id,
                parent_provision_id=entry.parent.id if entry.parent else None,
                kind=entry.kind,
                version=entry.version,
                label=entry.label.text,
                order=order,
                depth=entry.depth,
            )
            for order, entry in enumerate(outline.entries)
        ]
    )
    session.flush()
    audit.record(
        session,
        actor_of(actor),
        "snapshot.frozen",
        f"snapshot:{snapshot.id}",
        draft_id=draft.id,
        details={"label": label, "provisions": len(outline.entries)},
    )
    return snapshot


# Built once, bound per call: a statement built for each call costs more than running it.
_SNAPSHOTS = (
    select(Snapshot)
    .where(Snapshot.draft_id == bindparam("draft"))
    .order_by(col(Snapshot.id).desc())
)


def list_snapshots(session: Session, draft: Draft) -> Sequence[Snapshot]:
    return session.exec(_SNAPSHOTS, params={"draft": draft.id}).all()


def get_snapshot(session: Session, draft: Draft, snapshot_id: int | str) -> Snapshot:
    number = parse_id(str(snapshot_id))
    snapshot = session.get(Snapshot, number) if number is not None else None
    if snapshot is None or snapshot.draft_id != draft.id:
        raise NotFound(_("There is no snapshot %(id)s of this draft.", id=snapshot_id))
    return snapshot


@dataclass
class StateEntry:
    """A provision as it stood in a snapshot (or stands now): enough to read and compare.
    Its text is shown with the numbers of its own state (`numbering`)."""

    uid: str
    provision_id: int
    kind: Kind
    version: int
    label: str
    heading: str
    depth: int
    parent_uid: str | None
    numbering: structure.Numbering = field(default_factory=lambda: structure.Numbering([]))

    @property
    def is_clause(self) -> bool:
        return self.kind in (Kind.ARTICULO, Kind.DISPOSICION)

    def shown(self, text: str) -> str:
        return structure.render(text, self.numbering, own_uid=self.uid)


def _numbered(entries: list[StateEntry]) -> list[StateEntry]:
    """The entries of one state, each given that state's numbering."""
    targets = []
    for entry in entries:
        written, position = written_in(entry.kind, entry.label)
        targets.append(structure.Target(entry.uid, entry.kind, written, entry.parent_uid, position))
    numbering = structure.Numbering(targets)
    for entry in entries:
        entry.numbering = numbering
    return entries


def snapshot_state(session: Session, snapshot: Snapshot) -> list[StateEntry]:
    rows = session.exec(
        select(SnapshotEntry, Provision.uid, ProvisionVersion.heading)
        .join(Provision, col(Provision.id) == SnapshotEntry.provision_id)
        .join(
            ProvisionVersion,
            (col(ProvisionVersion.provision_id) == SnapshotEntry.provision_id)
            & (col(ProvisionVersion.number) == SnapshotEntry.version),
        )
        .where(SnapshotEntry.snapshot_id == snapshot.id)
        .order_by(col(SnapshotEntry.order))
    ).all()
    uids = {entry.provision_id: uid for entry, uid, _heading in rows}
    return _numbered(
        [
            StateEntry(
                uid,
                entry.provision_id,
                Kind(entry.kind),
                entry.version,
                entry.label,
                heading,
                entry.depth,
                uids.get(entry.parent_provision_id) if entry.parent_provision_id else None,
            )
            for entry, uid, heading in rows
        ]
    )


def current_state(session: Session, draft: Draft) -> list[StateEntry]:
    outline = service.load_outline(session, draft)
    return [
        StateEntry(
            e.uid,
            e.id,
            e.kind,
            e.version,
            e.label.text,
            e.heading,
            e.depth,
            e.parent.uid if e.parent else None,
            outline.numbering,
        )
        for e in outline.entries
    ]


def latest_snapshot_version(
    session: Session, draft: Draft, entry: service.OutlineEntry
) -> tuple[Snapshot, int] | None:
    """The newest snapshot holding this provision, and the version it held: "changes since"."""
    row = session.exec(
        select(Snapshot, SnapshotEntry.version)
        .join(SnapshotEntry, col(SnapshotEntry.snapshot_id) == Snapshot.id)
        .where(Snapshot.draft_id == draft.id, SnapshotEntry.provision_id == entry.id)
        .order_by(col(Snapshot.id).desc())
        .limit(1)
    ).first()
    return (row[0], row[1]) if row else None


def snapshot_provision(
    session: Session, snapshot: Snapshot, uid: str
) -> tuple[StateEntry, str, str]:
    """A provision as it read in a snapshot: its entry, heading and text."""
    for entry in snapshot_state(session, snapshot):
        if entry.uid == uid:
            version = session.exec(
                select(ProvisionVersion).where(
                    ProvisionVersion.provision_id == entry.provision_id,
                    ProvisionVersion.number == entry.version,
                )
            ).one()
            return entry, version.heading, entry.shown(version.text)
    raise NotFound(_("This provision was not in the snapshot «%(label)s».", label=snapshot.label))


@dataclass
class ProvisionChange:
    uid: str
    kind: Kind
    change: Change
    from_label: str | None
    to_label: str | None
    heading: str
    ops: list[tuple[diffing.Op, str]] = field(default_factory=list)
    heading_ops: list[tuple[diffing.Op, str]] = field(default_factory=list)


def compare_states(
    session: Session, *, before: list[StateEntry], after: list[StateEntry]
) -> list[ProvisionChange]:
    """Every provision of either state, in the later state's order (removed ones where they
    stood), each with what happened to it and, when modified, its word diff."""
    old = {entry.uid: entry for entry in before}
    other_version = [e for e in after if e.uid in old and old[e.uid].version != e.version]
    texts = service.version_texts(
        session,
        {(e.provision_id, v) for e in other_version for v in (old[e.uid].version, e.version)},
    )
    # Removed provisions are listed right after the provision that preceded them.
    in_after = {entry.uid for entry in after}
    removed_after: dict[str | None, list[StateEntry]] = {}
    anchor: str | None = None
    for entry in before:
        if entry.uid in in_after:
            anchor = entry.uid
        else:
            removed_after.setdefault(anchor, []).append(entry)

    changes = [_removed(gone) for gone in removed_after.pop(None, [])]
    for entry in after:
        was = old.get(entry.uid)
        if was is None:
            changes.append(
                ProvisionChange(entry.uid, entry.kind, "added", None, entry.label, entry.heading)
            )
        elif was.version != entry.version and _modified(
            entry,
            texts[(was.provision_id, was.version)],
            texts[(entry.provision_id, entry.version)],
        ):
            old_heading, old_text = texts[(was.provision_id, was.version)]
            new_heading, new_text = texts[(entry.provision_id, entry.version)]
            change = ProvisionChange(
                entry.uid, entry.kind, "modified", was.label, entry.label, entry.heading
            )
            # Each text as it read in its own state: a number a renumbering changed shows too.
            change.ops = diffing.word_diff(was.shown(old_text), entry.shown(new_text))
            change.heading_ops = diffing.word_diff(old_heading, new_heading)
            changes.append(change)
        else:
            kind: Change = "renumbered" if was.label != entry.label else "unchanged"
            changes.append(
                ProvisionChange(entry.uid, entry.kind, kind, was.label, entry.label, entry.heading)
            )
        changes.extend(_removed(gone) for gone in removed_after.pop(entry.uid, []))
    return changes


def _modified(entry: StateEntry, old: tuple[str, str], new: tuple[str, str]) -> bool:
    """Whether a new version changed the words, read with one numbering: a text bound after
    it was written (or a renumbering) is no change."""
    return old[0] != new[0] or entry.shown(old[1]) != entry.shown(new[1])


def _removed(entry: StateEntry) -> ProvisionChange:
    return ProvisionChange(entry.uid, entry.kind, "removed", entry.label, None, entry.heading)


def compare(
    session: Session, draft: Draft, *, from_id: str, to_id: str
) -> tuple[Snapshot, Snapshot | None, list[ProvisionChange]]:
    """Compare a snapshot with another, or with the current text (to_id "current")."""
    first = get_snapshot(session, draft, from_id)
    second = None if to_id == "current" else get_snapshot(session, draft, to_id)
    after = current_state(session, draft) if second is None else snapshot_state(session, second)
    return (
        first,
        second,
        compare_states(session, before=snapshot_state(session, first), after=after),
    )
