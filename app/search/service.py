"""One search over drafts, their comments and amendments, on either engine.

The engine finds and ranks (PostgreSQL: `ts_rank` over the weighted tsvector; SQLite: FTS5's
`bm25` over the stems, heading weighed above text, clauses above what is said about them);
visibility is decided here, at query time, from the rows themselves (a draft's privacy, a hidden
comment, a deleted clause), so the index never has to follow it. Labels and snippets are made
for the page of results only.
"""

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from markupsafe import Markup
from sqlalchemy import Connection, text
from sqlalchemy import select as sa_select
from sqlmodel import Session, col, select

from app.amendments.models import Amendment, AmendmentStatus, status_names
from app.comments.models import Comment
from app.core.i18n import _
from app.core.pagination import Page, PageRequest
from app.drafts import service as drafts
from app.drafts.models import Draft, Provision
from app.intake.service import credit, receipts
from app.members.models import Member
from app.members.permissions import Permission, can
from app.search.models import Kind, SearchDocument
from app.search.text import Query, parse, snippet
from app.search.text import fts5_match as fts5_expression

# The order of the results: by group, each by relevance.
KINDS = [Kind.PROVISION, Kind.MOTIVES, Kind.AMENDMENT, Kind.COMMENT]
documents = SearchDocument.__table__  # type: ignore[attr-defined]


def kind_names() -> dict[str, str]:
    return {
        Kind.PROVISION: _("Articles and provisions"),
        Kind.MOTIVES: _("Exposición de motivos"),
        Kind.AMENDMENT: _("Amendments"),
        Kind.COMMENT: _("Comments"),
    }


@dataclass(frozen=True)
class Filters:
    kind: Kind | None = None
    article: str | None = None  # a clause's uid: the clause and what was said about it
    sector: str | None = None  # of the author: comments and amendments only


@dataclass
class Hit:
    kind: Kind
    draft: Draft
    uid: str | None  # the clause's
    id: int | None  # the comment's or amendment's
    label: str
    snippet: Markup
    status: str | None = None  # an amendment's
    hidden: bool = False  # a comment hidden by moderation (shown to the secretariat only)


@dataclass
class Results:
    query: Query
    page: Page[Hit]
    counts: dict[str, int] = field(default_factory=dict)  # per kind, whatever the kind filter

    @property
    def groups(self) -> list[tuple[str, list[Hit]]]:
        """This page's hits by kind, each group where its best hit ranks."""
        grouped: dict[str, list[Hit]] = {}
        for hit in self.page.items:
            grouped.setdefault(hit.kind, []).append(hit)
        return list(grouped.items())


def search(
    session: Session,
    member: Member | None,
    text_: str,
    *,
    within: Sequence[Draft],
    filters: Filters = Filters(),
    paging: PageRequest = PageRequest(),  # noqa: B008 (frozen)
) -> Results:
    """What `text_` finds in the drafts `within` (those the reader may read: the caller's
    rule), that `member` may see: clauses first, then the exposición de motivos, amendments
    and comments (the groups of the results page), each by relevance."""
    query = parse(text_)
    empty = Results(query, Page([], 0, paging.page, paging.per_page))
    if not query or not within:
        return empty
    provision_id = None
    if filters.article:
        provision_id = session.exec(
            select(Provision.id).where(Provision.uid == filters.article)
        ).first()
        if provision_id is None:
            return empty
    drafts_by_id = {draft.id: draft for draft in within}
    moderator = member is not None and can(member.role, Permission.MODERATE)
    engine_of = _Postgres if session.get_bind().dialect.name == "postgresql" else _Sqlite
    engine = engine_of(query, list(drafts_by_id), moderator, provision_id, filters.sector)
    connection = session.connection()
    counts = engine.counts(connection)
    kinds = [filters.kind] if filters.kind else KINDS
    total = sum(counts.get(kind, 0) for kind in kinds)
    ids: list[int] = []
    skip, wanted = paging.offset, paging.per_page
    for kind in kinds:  # the page may span the end of one group and the start of the next
        found = counts.get(kind, 0)
        if skip >= found:
            skip -= found
            continue
        take = min(wanted, found - skip)
        ids += engine.ranked(connection, kind, take, skip)
        wanted, skip = wanted - take, 0
        if not wanted:
            break
    rows = {
        row.id: row
        for row in connection.execute(sa_select(documents).where(documents.c.id.in_(ids))).all()
    }
    hits = _hits(session, query, [rows[id_] for id_ in ids if id_ in rows], drafts_by_id)
    return Results(query, Page(hits, total, paging.page, paging.per_page), counts)


# The author's sector, for the sector filter: a contribution the secretariat entered for someone
# else (app/intake) is of its sender's sector, not of the member who typed it in.
_AUTHOR_SECTOR = (
    " JOIN member m ON m.id = d.author_id"
    " LEFT JOIN comment c ON d.kind = 'comment' AND c.id = d.object_id"
    " LEFT JOIN amendment a ON d.kind = 'amendment' AND a.id = d.object_id"
    " LEFT JOIN receipt r ON r.id = COALESCE(c.receipt_id, a.receipt_id)"
)
_SECTOR_IS = "COALESCE(r.sector, m.sector) = :sector"


class _Sqlite:
    """FTS5 over stems: the filters are words of the `tags` column (app/search/indexing.py), so
    counting and ranking stay inside the index; only the author's sector needs a join."""

    def __init__(
        self,
        query: Query,
        draft_ids: list[int | None],
        moderator: bool,
        provision_id: int | None,
        sector: str | None,
    ) -> None:
        expression = "{heading body} : (" + fts5_expression(query) + ")"
        expression += " AND tags : (" + " OR ".join(f"d{id_}" for id_ in draft_ids) + ")"
        if provision_id is not None:
            expression += f" AND tags : p{provision_id}"
        expression += " NOT tags : removed"
        if not moderator:
            expression += " NOT tags : hidden"
        self.expression = expression
        self.sector = sector

    def _from(self) -> str:
        if not self.sector:
            return "search_fts"
        return "search_fts JOIN search_document d ON d.id = search_fts.rowid" + _AUTHOR_SECTOR

    def _where(self) -> str:
        return "search_fts MATCH :match" + (f" AND {_SECTOR_IS}" if self.sector else "")

    def _match(self, kind: str) -> dict[str, Any]:
        return {"match": f"({self.expression}) AND tags : k{kind}", "sector": self.sector}

    def counts(self, connection: Connection) -> dict[str, int]:
        found = {}
        for kind in KINDS:
            found[kind] = connection.execute(
                text(f"SELECT count(*) FROM {self._from()} WHERE {self._where()}"),  # noqa: S608 (fixed fragments; every value is a bound parameter)
                self._match(kind),
            ).scalar_one()
        return {kind: n for kind, n in found.items() if n}

    def ranked(self, connection: Connection, kind: str, limit: int, offset: int) -> list[int]:
        return list(
            connection.execute(
                text(
                    f"SELECT search_fts.rowid FROM {self._from()} WHERE {self._where()}"  # noqa: S608 (as above)
                    " ORDER BY bm25(search_fts, 5.0, 1.0, 0.0), search_fts.rowid"
                    " LIMIT :limit OFFSET :offset"
                ),
                {**self._match(kind), "limit": limit, "offset": offset},
            ).scalars()
        )


class _Postgres:
    """The weighted tsvector (heading A for a clause, its text B, amendments and the
    exposición C, comments D) against both stemmings of each part of the query."""

    def __init__(
        self,
        query: Query,
        draft_ids: list[int | None],
        moderator: bool,
        provision_id: int | None,
        sector: str | None,
    ) -> None:
        self.params: dict[str, Any] = {"drafts": draft_ids, "provision": provision_id}
        parts = []
        for n, part in enumerate(query.parts):
            self.params[f"p{n}"] = part.text
            # As the migration indexes each word: stemmed then unaccented, or the other way;
            # once when both give the same (the planner then estimates it from its statistics).
            first = f"mesa_unaccent(phraseto_tsquery('pg_catalog.spanish', :p{n})::text)::tsquery"
            second = f"phraseto_tsquery('mesa_spanish', :p{n})"
            parts.append(
                f"(CASE WHEN {first} = {second} THEN {second} ELSE {first} || {second} END)"
            )
        source = f"search_document d CROSS JOIN (SELECT {' && '.join(parts)}) AS q(query)"
        conditions = ["d.tsv @@ q.query", "d.draft_id = ANY(:drafts)", "NOT d.removed"]
        if not moderator:
            conditions.append("NOT d.hidden")
        if provision_id is not None:
            conditions.append("d.provision_id = :provision")
        if sector:
            source += _AUTHOR_SECTOR
            conditions.append(_SECTOR_IS)
            self.params["sector"] = sector
        self.source, self.where = source, " AND ".join(conditions)

    def counts(self, connection: Connection) -> dict[str, int]:
        rows = connection.execute(
            text(f"SELECT d.kind, count(*) FROM {self.source} WHERE {self.where} GROUP BY d.kind"),  # noqa: S608 (fixed fragments; every value is a bound parameter)
            self.params,
        ).all()
        return {kind: n for kind, n in rows}

    def ranked(self, connection: Connection, kind: str, limit: int, offset: int) -> list[int]:
        return list(
            connection.execute(
                text(
                    f"SELECT d.id FROM {self.source} WHERE {self.where} AND d.kind = :kind"  # noqa: S608 (as above)
                    " ORDER BY ts_rank(d.tsv, q.query) DESC, d.id LIMIT :limit OFFSET :offset"
                ),
                {**self.params, "kind": kind, "limit": limit, "offset": offset},
            ).scalars()
        )


def _hits(
    session: Session, query: Query, rows: Sequence[Any], drafts_by_id: dict[int | None, Draft]
) -> list[Hit]:
    """Labels and snippets for one page of results, in a few queries whatever its size."""
    ids: defaultdict[str, list[int]] = defaultdict(list)
    for row in rows:
        ids[row.kind].append(row.object_id)
    comments = {
        c.id: c for c in session.exec(select(Comment).where(col(Comment.id).in_(ids["comment"])))
    }
    amendments = {
        a.id: a
        for a in session.exec(select(Amendment).where(col(Amendment.id).in_(ids["amendment"])))
    }
    authors = {c.author_id for c in comments.values()} | {a.author_id for a in amendments.values()}
    people = {m.id: m for m in session.exec(select(Member).where(col(Member.id).in_(authors)))}
    received = receipts(session, (c.receipt_id for c in comments.values()))

    def credited(comment: Comment) -> str:
        """Its author, or whom the secretariat entered it for ("Reservado" if they asked)."""
        receipt = received.get(comment.receipt_id) if comment.receipt_id else None
        return credit(people[comment.author_id], receipt, comment.created_at).name

    outlines = {
        draft_id: drafts.load_outline(session, drafts_by_id[draft_id])
        for draft_id in {row.draft_id for row in rows}
    }
    entries = {entry.id: entry for outline in outlines.values() for entry in outline.entries}
    current = drafts.version_texts(
        session, [(pid, entries[pid].version) for pid in ids["provision"] if pid in entries]
    )
    statuses = status_names()

    hits = []
    for row in rows:
        draft = drafts_by_id[row.draft_id]
        entry = entries.get(row.provision_id) if row.provision_id else None
        uid = entry.uid if entry else None
        where = entry.label.name if entry else ""
        if row.kind == Kind.PROVISION and entry is not None:
            heading, stored = current.get((entry.id, entry.version), (row.heading, row.body))
            shown = drafts.shown(entry, stored)
            body = f"{heading}. {shown}" if heading else shown
            hits.append(
                Hit(Kind.PROVISION, draft, uid, None, entry.label.name, snippet(body, query))
            )
        elif row.kind == Kind.COMMENT and (comment := comments.get(row.object_id)):
            label = _(
                "Comment by %(name)s — %(label)s",
                name=credited(comment),
                label=where,
            )
            hidden = comment.hidden_at is not None
            if hidden:
                label += " (" + _("hidden") + ")"
            hits.append(
                Hit(
                    Kind.COMMENT,
                    draft,
                    uid,
                    comment.id,
                    label,
                    snippet(comment.body, query),
                    hidden=hidden,
                )
            )
        elif row.kind == Kind.AMENDMENT and (amendment := amendments.get(row.object_id)):
            label = _("Amendment %(id)s", id=amendment.id)
            if where:
                label += " — " + where
            if amendment.status == AmendmentStatus.WITHDRAWN:
                label += " (" + statuses[AmendmentStatus.WITHDRAWN].lower() + ")"
            body = "\n\n".join(
                p for p in (amendment.heading, amendment.text, amendment.rationale) if p
            )
            hits.append(
                Hit(
                    Kind.AMENDMENT,
                    draft,
                    uid,
                    amendment.id,
                    label,
                    snippet(body, query),
                    amendment.status,
                )
            )
        elif row.kind == Kind.MOTIVES:
            body = f"{row.heading}\n\n{row.body}" if row.heading else row.body
            hits.append(
                Hit(
                    Kind.MOTIVES,
                    draft,
                    None,
                    None,
                    _("Exposición de motivos"),
                    snippet(body, query),
                )
            )
    return hits
