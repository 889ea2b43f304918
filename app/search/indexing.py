"""Keeps the search index current: every insert or change of a clause version, a comment, an
amendment or an exposición de motivos rewrites its search document on the same connection, in
the flush that writes it, so the index commits or rolls back with the change itself.

Mapper events rather than calls in each service: every path that writes these rows (import,
edits, merges, rebases, moderation, the API and the forms alike) is covered, including ones
written later. They run inside the flush, so they use the connection, never the session.
"""

from typing import Any

from sqlalchemy import Connection, delete, event, insert, inspect, select, text, update
from sqlalchemy.orm import Mapper

from app.amendments.models import Amendment
from app.comments.models import Comment
from app.drafts import structure
from app.drafts.models import Motives, Provision, ProvisionVersion
from app.search.models import Kind, SearchDocument
from app.search.text import stemmed

documents = SearchDocument.__table__  # type: ignore[attr-defined]


def tags(kind: str, draft_id: int, provision_id: int | None, *, hidden: bool, removed: bool) -> str:
    """What SQLite's index is filtered on, as words of its own column (app/search/service.py)."""
    words = [f"k{kind}", f"d{draft_id}"] + ([f"p{provision_id}"] if provision_id else [])
    return " ".join(words + ["hidden"] * hidden + ["removed"] * removed)


def put(
    connection: Connection,
    *,
    kind: Kind,
    object_id: int,
    draft_id: int,
    provision_id: int | None,
    author_id: int | None,
    heading: str,
    body: str,
    hidden: bool = False,
) -> None:
    """Writes (or rewrites) one document and, on SQLite, its FTS5 row of stems."""
    removed = provision_id is not None and (
        connection.execute(
            select(Provision.removed_at).where(Provision.id == provision_id)  # type: ignore[call-overload]
        ).scalar()
        is not None
    )
    values = dict(
        draft_id=draft_id,
        provision_id=provision_id,
        author_id=author_id,
        heading=heading,
        body=body,
        hidden=hidden,
        removed=removed,
    )
    found = connection.execute(
        select(documents.c.id).where(documents.c.kind == kind, documents.c.object_id == object_id)
    ).scalar()
    if found is None:
        inserted = connection.execute(
            insert(documents).values(kind=kind, object_id=object_id, **values)
        ).inserted_primary_key
        assert inserted is not None
        found = inserted[0]
    else:
        connection.execute(update(documents).where(documents.c.id == found).values(**values))
    if connection.dialect.name == "sqlite":
        _put_fts(
            connection, found, kind, draft_id, provision_id, heading, body,
            hidden=hidden, removed=removed,
        )  # fmt: skip


def _put_fts(
    connection: Connection,
    id_: int,
    kind: str,
    draft_id: int,
    provision_id: int | None,
    heading: str,
    body: str,
    *,
    hidden: bool,
    removed: bool,
) -> None:
    connection.execute(text("DELETE FROM search_fts WHERE rowid = :id"), {"id": id_})
    connection.execute(
        text(
            "INSERT INTO search_fts (rowid, heading, body, tags)"
            " VALUES (:id, :heading, :body, :tags)"
        ),
        {
            "id": id_,
            "heading": stemmed(heading),
            "body": stemmed(body),
            "tags": tags(kind, draft_id, provision_id, hidden=hidden, removed=removed),
        },
    )


def provision_removed(connection: Connection, provision_id: int, removed: bool) -> None:
    """A clause deleted (or back): it and what was said about it follow."""
    rows = connection.execute(
        select(documents).where(documents.c.provision_id == provision_id)
    ).all()
    connection.execute(
        update(documents).where(documents.c.provision_id == provision_id).values(removed=removed)
    )
    if connection.dialect.name == "sqlite":
        for row in rows:
            _put_fts(
                connection, row.id, row.kind, row.draft_id, provision_id, row.heading, row.body,
                hidden=row.hidden, removed=removed,
            )  # fmt: skip


def remove(connection: Connection, kind: Kind, object_id: int) -> None:
    found = connection.execute(
        select(documents.c.id).where(documents.c.kind == kind, documents.c.object_id == object_id)
    ).scalar()
    if found is None:
        return
    if connection.dialect.name == "sqlite":
        connection.execute(text("DELETE FROM search_fts WHERE rowid = :id"), {"id": found})
    connection.execute(delete(documents).where(documents.c.id == found))


def _changed(target: object, *names: str) -> bool:
    state = inspect(target)
    return any(state.attrs[name].history.has_changes() for name in names)


def index_version(
    connection: Connection, provision_id: int, number: int, heading: str, stored: str
) -> None:
    """A clause version, if it is the clause's current one (a new version always is)."""
    row = connection.execute(
        select(Provision.uid, Provision.draft_id, Provision.current_version).where(  # type: ignore[call-overload]
            Provision.id == provision_id
        )
    ).one()
    if number < row.current_version:
        return
    put(
        connection,
        kind=Kind.PROVISION,
        object_id=provision_id,
        draft_id=row.draft_id,
        provision_id=provision_id,
        author_id=None,
        heading=heading,
        body=structure.render(stored, None, own_uid=row.uid),  # numbers as written
    )


def index_comment(connection: Connection, comment: Comment) -> None:
    assert comment.id is not None
    put(
        connection,
        kind=Kind.COMMENT,
        object_id=comment.id,
        draft_id=comment.draft_id,
        provision_id=comment.provision_id,
        author_id=comment.author_id,
        heading="",
        body=comment.body,
        hidden=comment.hidden_at is not None,
    )


def amendment_body(text_: str | None, rationale: str) -> str:
    return "\n\n".join(part for part in (text_ or "", rationale) if part)


def index_amendment(connection: Connection, amendment: Amendment) -> None:
    assert amendment.id is not None
    put(
        connection,
        kind=Kind.AMENDMENT,
        object_id=amendment.id,
        draft_id=amendment.draft_id,
        provision_id=amendment.provision_id,
        author_id=amendment.author_id,
        heading=amendment.heading or "",
        body=amendment_body(amendment.text, amendment.rationale),
    )


def motives_body(sections: list[str], more: list[dict[str, str]]) -> str:
    more_text = [f"{s.get('title', '')}\n{s.get('text', '')}" for s in more]
    return "\n\n".join(part for part in [*sections, *more_text] if part)


def index_motives(connection: Connection, motives: Motives) -> None:
    """The newest version of a draft's exposición de motivos (each save is a new row)."""
    newest = connection.execute(
        select(Motives.number)  # type: ignore[call-overload]
        .where(Motives.draft_id == motives.draft_id)
        .order_by(Motives.number.desc())  # type: ignore[attr-defined]
        .limit(1)
    ).scalar()
    if newest is not None and motives.number < newest:
        return
    sections = [
        motives.fundamentos,
        motives.efecto_vigencia,
        motives.costo_beneficio,
        motives.agenda,
    ]
    put(
        connection,
        kind=Kind.MOTIVES,
        object_id=motives.draft_id,
        draft_id=motives.draft_id,
        provision_id=None,
        author_id=None,
        heading=motives.sumilla,
        body=motives_body(sections, list(motives.more_sections or [])),
    )


# The mapper events ------------------------------------------------------------------------


def _version_written(
    _mapper: Mapper[Any], connection: Connection, target: ProvisionVersion
) -> None:
    assert target.id is not None
    index_version(connection, target.provision_id, target.number, target.heading, target.text)


def _version_changed(
    _mapper: Mapper[Any], connection: Connection, target: ProvisionVersion
) -> None:
    # Only the import's binding of numbers rewrites a version's text, in its own transaction.
    if _changed(target, "text", "heading"):
        _version_written(_mapper, connection, target)


def _comment_written(_mapper: Mapper[Any], connection: Connection, target: Comment) -> None:
    index_comment(connection, target)


def _comment_changed(_mapper: Mapper[Any], connection: Connection, target: Comment) -> None:
    if _changed(target, "body", "hidden_at", "provision_id", "draft_id"):
        index_comment(connection, target)


def _comment_deleted(_mapper: Mapper[Any], connection: Connection, target: Comment) -> None:
    assert target.id is not None
    remove(connection, Kind.COMMENT, target.id)


def _amendment_written(_mapper: Mapper[Any], connection: Connection, target: Amendment) -> None:
    index_amendment(connection, target)


def _amendment_changed(_mapper: Mapper[Any], connection: Connection, target: Amendment) -> None:
    if _changed(target, "text", "heading", "rationale", "provision_id"):
        index_amendment(connection, target)


def _amendment_deleted(_mapper: Mapper[Any], connection: Connection, target: Amendment) -> None:
    assert target.id is not None
    remove(connection, Kind.AMENDMENT, target.id)


def _provision_changed(_mapper: Mapper[Any], connection: Connection, target: Provision) -> None:
    if _changed(target, "removed_at"):
        assert target.id is not None
        provision_removed(connection, target.id, target.removed_at is not None)


def _motives_written(_mapper: Mapper[Any], connection: Connection, target: Motives) -> None:
    index_motives(connection, target)


_HOOKS: list[tuple[type, str, Any]] = [
    (ProvisionVersion, "after_insert", _version_written),
    (ProvisionVersion, "after_update", _version_changed),
    (Comment, "after_insert", _comment_written),
    (Comment, "after_update", _comment_changed),
    (Comment, "after_delete", _comment_deleted),
    (Amendment, "after_insert", _amendment_written),
    (Amendment, "after_update", _amendment_changed),
    (Amendment, "after_delete", _amendment_deleted),
    (Motives, "after_insert", _motives_written),
    (Provision, "after_update", _provision_changed),
]


def install() -> None:
    """Idempotent: app/__init__.py calls it, so every process that writes keeps the index."""
    for model, name, hook in _HOOKS:
        if not event.contains(model, name, hook):
            event.listen(model, name, hook)


def rebuild(connection: Connection) -> None:
    """Every document again from the tables (the migration fills the index with it)."""
    if connection.dialect.name == "sqlite":
        connection.execute(text("DELETE FROM search_fts"))
    connection.execute(delete(documents))
    versions = connection.execute(
        select(  # type: ignore[call-overload]
            ProvisionVersion.provision_id,
            ProvisionVersion.number,
            ProvisionVersion.heading,
            ProvisionVersion.text,
        ).join(
            Provision,
            (Provision.id == ProvisionVersion.provision_id)
            & (Provision.current_version == ProvisionVersion.number),
        )
    ).all()
    for row in versions:
        index_version(connection, row.provision_id, row.number, row.heading, row.text)
    for comment in connection.execute(select(Comment.__table__)).all():  # type: ignore[attr-defined]
        index_comment(connection, Comment(**comment._mapping))
    for amendment in connection.execute(select(Amendment.__table__)).all():  # type: ignore[attr-defined]
        index_amendment(connection, Amendment(**amendment._mapping))
    for motives in connection.execute(select(Motives.__table__)).all():  # type: ignore[attr-defined]
        index_motives(connection, Motives(**motives._mapping))
