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
from sqlalchemy import text
from sqlmodel import Session, col, select

from app.amendments.models import Amendment, AmendmentStatus, status_names
from app.comments.models import Comment
from app.core.i18n import _
from app.core.pagination import Page, PageRequest
from app.drafts import service as drafts
from app.drafts.models import Draft
from app.members.models import Member
from app.members.permissions import Permission, can
from app.search.models import Kind
from app.search.text import Query, parse, snippet
from app.search.text import fts5_match as fts5_expression

# Order of the groups on the results page.
KINDS = [Kind.PROVISION, Kind.MOTIVES, Kind.AMENDMENT, Kind.COMMENT]
# SQLite: bm25 is negative (lower is better); a clause's match counts more than a comment's.
_SQLITE_BOOST = "CASE d.kind WHEN 'provision' THEN 4.0 WHEN 'motives' THEN 2.0 WHEN 'amendment' THEN 1.5 ELSE 1.0 END"  # noqa: E501


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
    rule), that `member` may see, best first."""
    query = parse(text_)
    empty = Results(query, Page([], 0, paging.page, paging.per_page))
    if not query or not within:
        return empty
    drafts_by_id = {draft.id: draft for draft in within}
    postgres = session.get_bind().dialect.name == "postgresql"
    params: dict[str, Any] = {}
    if postgres:
        parts = []
        for n, part in enumerate(query.parts):
            params[f"p{n}"] = part.text
            # As the migration indexes each word: stemmed then unaccented, or the other way.
            parts.append(
                f"(mesa_unaccent(phraseto_tsquery('pg_catalog.spanish', :p{n})::text)::tsquery"
                f" || phraseto_tsquery('mesa_spanish', :p{n}))"
            )
        source = f"search_document d CROSS JOIN (SELECT {' && '.join(parts)}) AS q(query)"
        match = "d.tsv @@ q.query"
        score = "ts_rank(d.tsv, q.query)"
        order = "score DESC, d.id"
    else:
        params["match"] = fts5_expression(query)
        source = "search_fts JOIN search_document d ON d.id = search_fts.rowid"
        match = "search_fts MATCH :match"
        score = f"bm25(search_fts, 5.0, 1.0) * {_SQLITE_BOOST}"
        order = "score, d.id"

    conditions = [match, _in_list("d.draft_id", list(drafts_by_id), "draft", params)]
    conditions.append("(d.provision_id IS NULL OR p.removed_at IS NULL)")
    if not (member and can(member.role, Permission.MODERATE)):
        conditions.append("(d.kind <> 'comment' OR c.hidden_at IS NULL)")
    if filters.article:
        conditions.append("p.uid = :article")
        params["article"] = filters.article
    if filters.sector:
        conditions.append("m.sector = :sector")
        params["sector"] = filters.sector
    joins = (
        " LEFT JOIN provision p ON p.id = d.provision_id"
        " LEFT JOIN comment c ON d.kind = 'comment' AND c.id = d.object_id"
        " LEFT JOIN member m ON m.id = d.author_id"
    )
    where = " AND ".join(conditions)
    connection = session.connection()
    counts = {
        kind: count
        for kind, count in connection.execute(
            text(f"SELECT d.kind, count(*) FROM {source}{joins} WHERE {where} GROUP BY d.kind"),  # noqa: S608 (fixed fragments; every value is a bound parameter)
            params,
        ).all()
    }
    if filters.kind:
        where += " AND d.kind = :kind"
        params["kind"] = filters.kind
    total = counts.get(filters.kind, 0) if filters.kind else sum(counts.values())
    rows = connection.execute(
        text(
            f"SELECT d.id, d.kind, d.draft_id, d.provision_id, d.object_id, d.heading, d.body,"  # noqa: S608 (as above)
            f" {score} AS score FROM {source}{joins} WHERE {where}"
            f" ORDER BY {order} LIMIT :limit OFFSET :offset"
        ),
        {**params, "limit": paging.per_page, "offset": paging.offset},
    ).all()
    hits = _hits(session, query, rows, drafts_by_id)
    return Results(query, Page(hits, total, paging.page, paging.per_page), counts)


def _in_list(column: str, values: list[Any], name: str, params: dict[str, Any]) -> str:
    names = []
    for n, value in enumerate(values):
        params[f"{name}{n}"] = value
        names.append(f":{name}{n}")
    return f"{column} IN ({', '.join(names)})"


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
    names = {
        id_: name
        for id_, name in session.exec(
            select(Member.id, Member.name).where(col(Member.id).in_(authors))
        ).all()
    }
    outlines = {
        row.draft_id: drafts.load_outline(session, drafts_by_id[row.draft_id]) for row in rows
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
                name=names.get(comment.author_id, ""),
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
