"""What the positions add up to: each clause's outcome by the pure rule in rules.py (from the
positions on its current version), kept current in the transaction of every change it follows
from; participation, and the clause × sector matrix.
"""

from collections import defaultdict
from collections.abc import Collection, Mapping, Sequence
from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select as sa_select
from sqlmodel import Session, col, delete, func, select

from app.amendments.models import Amendment
from app.audit import service as audit
from app.audit.models import AuditEvent
from app.comments.models import Comment
from app.consensus import disclosure, rules
from app.consensus.models import ClauseOutcome, Position, PositionRecord
from app.consensus.service import get_rule
from app.core.cache import RevisionCache
from app.core.db import reads_only
from app.core.models import as_utc
from app.drafts import service as drafts
from app.drafts.models import Draft, Provision
from app.drafts.numbering import CLAUSE_KINDS
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
    if reads_only(session):  # the whole draft's, read once per revision
        return outcomes(session, draft, drafts.load_outline(session, draft))[entry.id]
    return read_outcomes(session, draft, {entry.id: entry.version})[entry.id]


def outcomes(session: Session, draft: Draft, outline: drafts.Outline) -> dict[int, rules.Outcome]:
    """The consensus outcome of every clause, as kept (one query), once per revision of the
    draft in each process for the requests that only read."""
    return _outcomes.get(
        session,
        draft.cache_key,
        lambda: read_outcomes(
            session, draft, {entry.id: entry.version for entry in outline.clauses}
        ),
    )


def read_outcomes(
    session: Session, draft: Draft, versions: dict[int, int]
) -> dict[int, rules.Outcome]:
    kept = session.exec(
        select(ClauseOutcome.provision_id, ClauseOutcome.outcome).where(
            ClauseOutcome.draft_id == draft.id, col(ClauseOutcome.provision_id).in_(versions)
        )
    ).all()
    found = {provision_id: _outcome_from(stored) for provision_id, stored in kept}
    # Positions written behind Mesa's back (a benchmark's data, loaded in bulk) are counted
    # from the positions, as they will be kept from the clause's next change.
    missing = {id_: version for id_, version in versions.items() if id_ not in found}
    if missing:
        found |= count_outcomes(session, draft, missing)
    return found


def count_outcomes(
    session: Session, draft: Draft, versions: dict[int, int]
) -> dict[int, rules.Outcome]:
    """The outcomes of the clauses `versions` names (clause id → its current version), from
    their positions: three queries however many positions.

    Positions are read as bare ids and stances (tens of thousands of rows); the few dozen
    members are looked up once for their names and sectors.
    """
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
    # A few clauses by their ids; many, by the draft (one index, no long list of ids).
    which = (
        col(Position.provision_id).in_(versions)
        if len(versions) < 100
        else col(Position.draft_id) == draft.id
    )
    rows = session.connection().execute(
        sa_select(
            col(Position.provision_id),
            col(Position.version),
            col(Position.stance),
            col(Position.member_id),
            col(Position.reason),
        ).where(which)
    )
    stances = {stance.value: stance for stance in rules.Stance}
    names: dict[int, str] = {}
    by_clause: dict[int, list[rules.PositionInput]] = defaultdict(list)
    for provision_id, version, stance, member_id, reason in rows:
        member = voters.get(member_id)
        # Stale positions (on an earlier version) and non-voting members are not counted.
        if member is None or versions.get(provision_id) != version:
            continue
        if member_id not in names:
            names[member_id] = (
                f"{member.name} ({member.organization})" if member.organization else member.name
            )
        by_clause[provision_id].append(
            rules.PositionInput(names[member_id], member.sector, stances[stance], reason)
        )
    return {id_: rules.decide(by_clause[id_], len(voters), sectors, rule) for id_ in versions}


def _outcome_stored(outcome: rules.Outcome) -> dict[str, Any]:
    stored = asdict(outcome)
    stored["counts"] = {stance.value: n for stance, n in outcome.counts.items()}
    stored["sectors_present"] = sorted(outcome.sectors_present)
    stored["sectors_covered"] = sorted(outcome.sectors_covered)
    return stored


def _outcome_from(stored: Mapping[str, Any]) -> rules.Outcome:
    return rules.Outcome(
        **{
            **stored,
            "status": rules.Status(stored["status"]),
            "counts": {rules.Stance(stance): n for stance, n in stored["counts"].items()},
            "sectors_present": frozenset(stored["sectors_present"]),
            "sectors_covered": frozenset(stored["sectors_covered"]),
            "blockers": [tuple(pair) for pair in stored["blockers"]],
            "objectors": [tuple(pair) for pair in stored["objectors"]],
        }
    )


def keep_outcomes(
    session: Session, draft: Draft, provision_ids: Collection[int] | None = None
) -> None:
    """Computes and keeps the outcomes of the draft's clauses `provision_ids` (every clause
    when None; ids no longer a clause, e.g. a deleted provision, lose theirs)."""
    assert draft.id is not None
    query = select(Provision.id, Provision.current_version).where(
        Provision.draft_id == draft.id,
        col(Provision.kind).in_(CLAUSE_KINDS),
        col(Provision.removed_at).is_(None),
    )
    if provision_ids is not None:
        query = query.where(col(Provision.id).in_(provision_ids))
    versions: dict[int, int] = dict(session.exec(query).all())  # type: ignore[arg-type]
    where = [col(ClauseOutcome.draft_id) == draft.id]
    if provision_ids is not None:
        where.append(col(ClauseOutcome.provision_id).in_(provision_ids))
    session.exec(delete(ClauseOutcome).where(*where))
    session.add_all(
        ClauseOutcome(provision_id=id_, draft_id=draft.id, outcome=_outcome_stored(outcome))
        for id_, outcome in count_outcomes(session, draft, versions).items()
    )
    session.flush()


# What an outcome follows from: a clause's positions and text, the draft's rule, and who the
# voting members are (any change to a member: their role, sector, name or being active).
_CLAUSE_EVENTS = frozenset(
    {
        "position.recorded",
        "provision.revised",
        "provision.inserted",
        "provision.repealed",
        "provision.deleted",
    }
)
_DRAFT_EVENTS = frozenset({"consensus.rule_changed", "draft.imported"})


def _on_event(session: Session, event: AuditEvent) -> None:
    """Keeps the outcomes an event changes, in its transaction. Events are recorded one at a
    time (the record's chain is locked until commit), so what is computed here counts every
    change committed before, and the next change computes again after this one."""
    if event.action.startswith("member."):
        for draft in session.exec(select(Draft)).all():
            keep_outcomes(session, draft)
        return
    if event.draft_id is None:
        return
    draft = session.get_one(Draft, event.draft_id)
    kind, _, name = event.object.partition(":")
    if event.action in _DRAFT_EVENTS:
        keep_outcomes(session, draft)
    elif event.action in _CLAUSE_EVENTS and kind == "provision":
        found = session.exec(select(Provision.id).where(Provision.uid == name)).all()
        keep_outcomes(session, draft, [id_ for id_ in found if id_ is not None])
    elif event.action == "amendment.accepted":
        amendment = session.get_one(Amendment, int(name))
        # The clause it changed, or the one it inserted.
        changed = (amendment.provision_id, amendment.result_provision_id)
        keep_outcomes(session, draft, [id_ for id_ in changed if id_ is not None])


def install() -> None:
    """Keep outcomes current from every event recorded from now on (idempotent)."""
    audit.subscribe(_on_event)


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
