"""What the positions add up to, computed and never stored: each clause's outcome by the pure
rule in rules.py (from the positions on its current version), participation, and the clause ×
sector matrix.
"""

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select as sa_select
from sqlmodel import Session, col, func, select

from app.amendments.models import Amendment
from app.comments.models import Comment
from app.consensus import disclosure, rules
from app.consensus.models import Position, PositionRecord
from app.consensus.service import get_rule
from app.core.cache import RevisionCache
from app.core.db import reads_only
from app.core.models import as_utc
from app.drafts import service as drafts
from app.drafts.models import Draft
from app.members.models import REGIONS, Member, Sector
from app.members.permissions import VOTING_ROLES


@dataclass
class Electorate:
    """Who counts: active members with a voting role, and the sectors they come from."""

    size: int
    sectors: frozenset[str]


def electorate(session: Session, until: datetime | None = None) -> Electorate:
    query = select(Member.sector).where(
        col(Member.is_active).is_(True), col(Member.role).in_(VOTING_ROLES)
    )
    if until is not None:
        query = query.where(Member.created_at <= until)
    sectors = session.exec(query).all()
    return Electorate(len(sectors), frozenset(sectors))


# Every position, a member's role or the rule changing moves the draft's revision.
_outcomes: RevisionCache[dict[int, rules.Outcome]] = RevisionCache()


def outcome(session: Session, draft: Draft, entry: drafts.OutlineEntry) -> rules.Outcome:
    """The consensus outcome of one clause (the article page shows only its own)."""
    if reads_only(session):  # the whole draft's, computed once per revision
        return outcomes(session, draft, drafts.load_outline(session, draft))[entry.id]
    return _decide_all(session, draft, [entry], Position.provision_id == entry.id)[entry.id]


def outcomes(session: Session, draft: Draft, outline: drafts.Outline) -> dict[int, rules.Outcome]:
    """The consensus outcome of every clause, in three queries however many positions, once
    per revision of the draft in each process for the requests that only read.

    Positions are read as bare ids and stances (tens of thousands of rows); the few dozen
    members are looked up once for their names and sectors.
    """
    return _outcomes.get(
        session,
        draft.cache_key,
        lambda: _decide_all(session, draft, outline.clauses, Position.draft_id == draft.id),
    )


def _decide_all(
    session: Session, draft: Draft, clauses: Sequence[drafts.OutlineEntry], which: Any
) -> dict[int, rules.Outcome]:
    rule = get_rule(session, draft)
    voters = {
        member.id: member
        for member in session.exec(
            select(Member).where(
                col(Member.is_active).is_(True), col(Member.role).in_(VOTING_ROLES)
            )
        ).all()
    }
    sectors = frozenset(member.sector for member in voters.values())
    rows = session.connection().execute(
        sa_select(
            col(Position.provision_id),
            col(Position.version),
            col(Position.stance),
            col(Position.member_id),
            col(Position.reason),
        ).where(which)
    )
    current_version = {entry.id: entry.version for entry in clauses}
    stances = {stance.value: stance for stance in rules.Stance}
    names: dict[int, str] = {}
    by_clause: dict[int, list[rules.PositionInput]] = defaultdict(list)
    for provision_id, version, stance, member_id, reason in rows:
        member = voters.get(member_id)
        # Stale positions (on an earlier version) and non-voting members are not counted.
        if member is None or current_version.get(provision_id) != version:
            continue
        if member_id not in names:
            names[member_id] = (
                f"{member.name} ({member.organization})" if member.organization else member.name
            )
        by_clause[provision_id].append(
            rules.PositionInput(names[member_id], member.sector, stances[stance], reason)
        )
    return {
        entry.id: rules.decide(by_clause[entry.id], len(voters), sectors, rule) for entry in clauses
    }


# Participation -----------------------------------------------------------------------------------


@dataclass
class Participation:
    total: int  # members who took part; public anyway, each contribution is signed
    counted: int  # the cohort the breakdowns count (disclosure.breakdown)
    by_sector: disclosure.Breakdown
    by_region: disclosure.Breakdown
    by_gender: disclosure.Breakdown


def participation(session: Session, draft: Draft) -> Participation:
    """Members who took part (a position, a comment or an amendment) by sector, region and
    gender, as disclosure.breakdown lets the public see them."""
    first: dict[int, tuple[datetime, int]] = {}  # member → (first contribution, id for ties)
    for who, when, where in (
        (col(PositionRecord.member_id), col(PositionRecord.created_at), PositionRecord.draft_id),
        (col(Comment.author_id), col(Comment.created_at), Comment.draft_id),
        (col(Amendment.author_id), col(Amendment.created_at), Amendment.draft_id),
    ):
        rows = session.exec(select(who, func.min(when)).where(where == draft.id).group_by(who))
        for member_id, at in rows.all():
            key = (as_utc(at), member_id)
            first[member_id] = min(first.get(member_id, key), key)
    people = {m.id: m for m in session.exec(select(Member).where(col(Member.id).in_(first))).all()}
    in_order = [people[member_id] for member_id in sorted(first, key=first.__getitem__)]

    # Sectors and regions are public with each member's name: every one is listed, 0 included
    # (a region nobody took part from is worth knowing). Gender is private: see disclosure.py.
    return Participation(
        total=len(in_order),
        counted=disclosure.cohort(len(in_order)),
        by_sector=disclosure.breakdown([p.sector for p in in_order], list(Sector)),
        by_region=disclosure.breakdown([p.region for p in in_order], REGIONS),
        by_gender=disclosure.breakdown([p.gender or "unstated" for p in in_order]),
    )


# The matrix clause × sector ---------------------------------------------------------------------


@dataclass
class SectorCell:
    counts: dict[str, int]

    @property
    def summary(self) -> str:
        """ "3 a favor · 1 objeción" in short form: support / reservations / object / block."""
        c = self.counts
        return (
            f"{c.get('support', 0)}/{c.get('support_with_reservations', 0)}/"
            f"{c.get('abstain', 0)}/{c.get('object', 0)}/{c.get('block', 0)}"
        )


def sector_matrix(
    session: Session, draft: Draft, entries: Sequence[drafts.OutlineEntry], sectors: Sequence[str]
) -> dict[int, dict[str, SectorCell]]:
    """Current positions counted per clause and sector: one counting query, once per revision
    of the draft in each process for the requests that only read."""
    key = (draft.cache_key, tuple(sectors), tuple(entry.id for entry in entries))
    return _matrices.get(session, key, lambda: _count_matrix(session, draft, entries, sectors))


# Positions, members' sectors and texts all move the draft's revision.
_matrices: RevisionCache[dict[int, dict[str, SectorCell]]] = RevisionCache()


def _count_matrix(
    session: Session, draft: Draft, entries: Sequence[drafts.OutlineEntry], sectors: Sequence[str]
) -> dict[int, dict[str, SectorCell]]:
    current = {entry.id: entry.version for entry in entries}
    counted = (
        sa_select(
            col(Position.provision_id),
            col(Position.version),
            col(Position.stance),
            col(Member.sector),
            func.count(),
        )
        .join(Member, col(Member.id) == Position.member_id)
        .where(col(Position.draft_id) == draft.id, col(Member.is_active).is_(True))
        .group_by(
            col(Position.provision_id),
            col(Position.version),
            col(Position.stance),
            col(Member.sector),
        )
    )
    matrix = {entry.id: {sector: SectorCell({}) for sector in sectors} for entry in entries}
    for provision_id, version, stance, sector, count in session.execute(counted).all():
        if current.get(provision_id) == version and sector in matrix[provision_id]:
            counts = matrix[provision_id][sector].counts
            counts[stance] = counts.get(stance, 0) + count
    return matrix
