"""Rules and state changes for drafts and their provisions. Services flush; routes commit."""

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from sqlmodel import Session, col, select

from app.core.errors import Conflict, NotFound
from app.core.i18n import _
from app.drafts.importing import ParsedDraft, ParsedProvision, parse_draft
from app.drafts.models import Draft, Provision, ProvisionVersion, VersionSource
from app.drafts.numbering import CLAUSE_KINDS, Kind, Label, Node, compute_labels


class SlugTaken(Conflict):
    code = "slug_taken"


@dataclass
class OutlineEntry:
    """A provision in document order, with its computed label and current heading."""

    provision: Provision
    heading: str
    label: Label
    depth: int
    parent: "OutlineEntry | None"
    children: list["OutlineEntry"] = field(default_factory=list)

    @property
    def kind(self) -> Kind:
        return Kind(self.provision.kind)

    @property
    def uid(self) -> str:
        return self.provision.uid

    @property
    def is_clause(self) -> bool:
        return self.kind in CLAUSE_KINDS


@dataclass
class Outline:
    """The whole structure of a draft, loaded in one query."""

    entries: list[OutlineEntry]
    by_uid: dict[str, OutlineEntry]

    @property
    def roots(self) -> list[OutlineEntry]:
        return [entry for entry in self.entries if entry.parent is None]

    @property
    def clauses(self) -> list[OutlineEntry]:
        return [entry for entry in self.entries if entry.is_clause]

    def get(self, uid: str) -> OutlineEntry:
        try:
            return self.by_uid[uid]
        except KeyError:
            raise NotFound(_("There is no provision %(uid)s in this draft.", uid=uid)) from None

    def neighbours(self, uid: str) -> tuple[OutlineEntry | None, OutlineEntry | None]:
        """The clauses before and after a clause, for reading article by article."""
        clauses = self.clauses
        index = next(i for i, entry in enumerate(clauses) if entry.uid == uid)
        previous = clauses[index - 1] if index > 0 else None
        following = clauses[index + 1] if index + 1 < len(clauses) else None
        return previous, following


def list_drafts(session: Session) -> Sequence[Draft]:
    return session.exec(select(Draft).order_by(col(Draft.created_at), col(Draft.id))).all()


def get_draft(session: Session, slug: str) -> Draft:
    draft = session.exec(select(Draft).where(Draft.slug == slug)).first()
    if draft is None:
        raise NotFound(_("There is no draft «%(slug)s».", slug=slug))
    return draft


def load_outline(session: Session, draft: Draft) -> Outline:
    rows = session.exec(
        select(Provision, ProvisionVersion.heading)
        .join(
            ProvisionVersion,
            (col(ProvisionVersion.provision_id) == Provision.id)
            & (col(ProvisionVersion.number) == Provision.current_version),
        )
        .where(Provision.draft_id == draft.id, col(Provision.removed_at).is_(None))
    ).all()
    children: defaultdict[int | None, list[tuple[Provision, str]]] = defaultdict(list)
    for provision, heading in rows:
        children[provision.parent_id].append((provision, heading))

    entries: list[OutlineEntry] = []

    def visit(parent_id: int | None, parent: OutlineEntry | None, depth: int) -> None:
        for provision, heading in sorted(children[parent_id], key=lambda row: row[0].position):
            entry = OutlineEntry(provision, heading, Label("", None), depth, parent)
            entries.append(entry)
            if parent:
                parent.children.append(entry)
            visit(provision.id, entry, depth + 1)

    visit(None, None, 0)
    labels = compute_labels(
        [Node(e.uid, e.kind, e.parent.uid if e.parent else None) for e in entries]
    )
    for entry in entries:
        entry.label = labels[entry.uid]
    return Outline(entries, {entry.uid: entry for entry in entries})


def current_version(session: Session, provision: Provision) -> ProvisionVersion:
    version = session.exec(
        select(ProvisionVersion).where(
            ProvisionVersion.provision_id == provision.id,
            ProvisionVersion.number == provision.current_version,
        )
    ).one()
    return version


def import_draft(session: Session, parsed: ParsedDraft, slug: str | None = None) -> Draft:
    """Write a parsed bill as a new draft: every provision at version 1."""
    slug = slug or parsed.slug
    if not slug:
        raise SlugTaken(_("The draft needs an identifier (slug)."))
    if session.exec(select(Draft.id).where(Draft.slug == slug)).first() is not None:
        raise SlugTaken(_("A draft with the identifier «%(slug)s» already exists.", slug=slug))
    draft = Draft(slug=slug, title=parsed.title)
    session.add(draft)
    session.flush()

    # One flush per level of the tree: parents get their ids before their children are added.
    level: list[tuple[ParsedProvision, int | None, int]] = [
        (node, None, position) for position, node in enumerate(parsed.provisions)
    ]
    versions: list[ProvisionVersion] = []
    while level:
        created = [
            (node, Provision(draft_id=draft.id, parent_id=parent_id, kind=node.kind, position=pos))
            for node, parent_id, pos in level
        ]
        session.add_all([provision for _node, provision in created])
        session.flush()
        level = []
        for node, provision in created:
            assert provision.id is not None
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
    session.flush()
    return draft


def import_file(session: Session, path: Path, slug: str | None = None) -> Draft:
    parsed = parse_draft(path.read_bytes(), markdown=path.suffix == ".md", default_slug=path.stem)
    return import_draft(session, parsed, slug)


def has_drafts(session: Session) -> bool:
    return session.exec(select(Draft.id)).first() is not None
