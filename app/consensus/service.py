"""Positions, the draft's rule, consensus per clause, rounds and participation.

Outcomes are computed, never stored: from the current positions (those given on the clause's
current version), by the pure rule in rules.py. A round's results are the positions recorded up
to its close, read from the append-only history, so they stay as they were.
"""

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select as sa_select
from sqlmodel import Session, col, func, select

from app.amendments.models import Amendment
from app.audit import service as audit
from app.audit.service import actor_of
from app.comments.models import Comment
from app.consensus import disclosure, rules
from app.consensus.models import (
    ConsensusRound,
    ConsensusRule,
    Position,
    PositionRecord,
    RoundClause,
)
from app.core.db import unique_or
from app.core.errors import Conflict, Forbidden, InvalidInput, NotFound
from app.core.i18n import N_, _
from app.core.models import as_utc, utcnow
from app.core.text import TextField
from app.drafts import service as drafts
from app.drafts.models import Draft, ProvisionVersion
from app.members.models import Member
from app.members.permissions import VOTING_ROLES

POSITION_REASON = TextField("reason", N_("Reason"), 2_000)
ROUND_TITLE = TextField(
    "title", N_("Title"), 200, required=N_("Give the round a title."), one_line=True
)


class PositionOnStaleVersion(Conflict):
    code = "stale_version"


class RoundsRequired(Forbidden):
    code = "round_required"


# The rule --------------------------------------------------------------------------------------


def get_rule(session: Session, draft: Draft) -> rules.Rule:
    stored = session.exec(select(ConsensusRule).where(ConsensusRule.draft_id == draft.id)).first()
    if stored is None:
        return rules.Rule()
    return rules.Rule(
        quorum=stored.quorum,
        require_sector_coverage=stored.require_sector_coverage,
        broad_support_share=stored.broad_support_share,
        requires_rounds=stored.requires_rounds,
    )


def set_rule(session: Session, actor: Member, draft: Draft, rule: rules.Rule) -> None:
    drafts.ensure_open(draft)
    before = get_rule(session, draft)
    stored = session.exec(select(ConsensusRule).where(ConsensusRule.draft_id == draft.id)).first()
    assert draft.id is not None
    stored = stored or ConsensusRule(
        draft_id=draft.id,
        quorum=0,
        require_sector_coverage=True,
        broad_support_share=0,
        requires_rounds=False,
    )
    stored.quorum = rule.quorum
    stored.require_sector_coverage = rule.require_sector_coverage
    stored.broad_support_share = rule.broad_support_share
    stored.requires_rounds = rule.requires_rounds
    twin = Conflict(
        _("The rule was changed by someone else at the same moment: reload it and try again.")
    )
    with unique_or(session, twin):  # the draft's first rule, set twice at once
        session.add(stored)
    audit.record(
        session,
        actor_of(actor),
        "consensus.rule_changed",
        f"draft:{draft.slug}",
        draft_id=draft.id,
        details={"before": before.__dict__, "after": rule.__dict__},
    )


# Positions ---------------------------------------------------------------------------------------


def record_position(
    session: Session,
    member: Member,
    draft: Draft,
    entry: drafts.OutlineEntry,
    stance: str,
    reason: str | None,
    version: int,
) -> Position:
    drafts.ensure_open(draft)
    if not entry.is_clause:
        raise InvalidInput(_("Positions are taken on articles and dispositions."))
    if stance not in set(rules.Stance):
        raise InvalidInput(_("Unknown position: %(stance)s", stance=stance), field="stance")
    reason = POSITION_REASON.clean(reason) or None
    if stance in rules.REASON_REQUIRED and not reason:
        raise InvalidInput(
            _("Say why: a reason is required with reservations, an objection or a block."),
            field="reason",
        )
    if version != entry.version:
        raise PositionOnStaleVersion(
            _(
                "%(label)s is now at version %(current)s: read it again and take your position on "
                "the current text.",
                label=entry.label.text,
                current=entry.version,
            ),
            current_version=entry.version,
        )
    if get_rule(session, draft).requires_rounds and not _in_open_round(session, entry):
        raise RoundsRequired(
            _(
                "Positions on this draft are taken in consensus rounds, and no round is open for "
                "%(label)s.",
                label=entry.label.text,
            )
        )
    assert draft.id is not None and member.id is not None
    # One member's concurrent positions queue on their member row, so a twin of the first one
    # finds it and updates it instead of breaking the one-position-per-clause constraint.
    session.exec(select(Member.id).where(Member.id == member.id).with_for_update()).one()
    position = session.exec(
        select(Position)
        .where(Position.member_id == member.id, Position.provision_id == entry.id)
        .with_for_update()
    ).first()
    if position is None:
        position = Position(
            draft_id=draft.id,
            provision_id=entry.id,
            member_id=member.id,
            version=version,
            stance=stance,
        )
    position.version, position.stance, position.reason = version, stance, reason
    position.updated_at = utcnow()
    session.add(position)
    session.add(
        PositionRecord(
            draft_id=draft.id,
            provision_id=entry.id,
            member_id=member.id,
            version=version,
            stance=stance,
            reason=reason,
        )
    )
    session.flush()
    audit.record(
        session,
        actor_of(member),
        "position.recorded",
        f"provision:{entry.uid}",
        draft_id=draft.id,
        details={
            "label": entry.label.text,
            "stance": stance,
            "version": version,
            "reason": reason or "",
        },
    )
    return position


def confirm_position(
    session: Session, member: Member, draft: Draft, entry: drafts.OutlineEntry
) -> Position:
    """One click: the same stance and reason, now on the current text."""
    position = my_position(session, member, entry)
    if position is None:
        raise NotFound(_("You have no position on %(label)s to confirm.", label=entry.label.text))
    return record_position(
        session, member, draft, entry, position.stance, position.reason, entry.version
    )


def my_position(session: Session, member: Member, entry: drafts.OutlineEntry) -> Position | None:
    return session.exec(
        select(Position).where(Position.member_id == member.id, Position.provision_id == entry.id)
    ).first()


@dataclass
class PositionView:
    name: str
    organization: str
    sector: str
    stance: str
    reason: str | None
    version: int
    stale: bool


def positions_by_sector(
    session: Session, entry: drafts.OutlineEntry
) -> dict[str, list[PositionView]]:
    rows = session.exec(
        select(Position, Member)
        .join(Member, col(Member.id) == Position.member_id)
        .where(Position.provision_id == entry.id, col(Member.is_active).is_(True))
        .order_by(col(Member.sector), col(Member.name))
    ).all()
    grouped: dict[str, list[PositionView]] = defaultdict(list)
    for position, member in rows:
        grouped[member.sector].append(
            PositionView(
                member.name,
                member.organization,
                member.sector,
                position.stance,
                position.reason,
                position.version,
                position.version != entry.version,
            )
        )
    return dict(grouped)


# Outcomes ----------------------------------------------------------------------------------------


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


def outcome(session: Session, draft: Draft, entry: drafts.OutlineEntry) -> rules.Outcome:
    """The consensus outcome of one clause (the article page shows only its own)."""
    return _decide_all(session, draft, [entry], Position.provision_id == entry.id)[entry.id]


def outcomes(session: Session, draft: Draft, outline: drafts.Outline) -> dict[int, rules.Outcome]:
    """The consensus outcome of every clause, in three queries however many positions.

    Positions are read as bare ids and stances (tens of thousands of rows); the few dozen
    members are looked up once for their names and sectors.
    """
    return _decide_all(session, draft, outline.clauses, Position.draft_id == draft.id)


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


# Rounds ------------------------------------------------------------------------------------------


def _in_open_round(session: Session, entry: drafts.OutlineEntry) -> bool:
    now = utcnow()
    rounds = session.exec(
        select(ConsensusRound)
        .join(RoundClause, col(RoundClause.round_id) == ConsensusRound.id)
        .where(RoundClause.provision_id == entry.id, col(ConsensusRound.closed_at).is_(None))
    ).all()
    return any(as_utc(r.deadline) > now for r in rounds)


def round_is_open(round_: ConsensusRound) -> bool:
    return round_.closed_at is None and as_utc(round_.deadline) > utcnow()


def round_end(round_: ConsensusRound) -> datetime:
    """When a round's results were frozen: its early close, or its deadline."""
    return as_utc(round_.closed_at) if round_.closed_at else as_utc(round_.deadline)


def open_round(
    session: Session,
    actor: Member,
    draft: Draft,
    title: str,
    deadline: datetime,
    uids: Sequence[str],
) -> ConsensusRound:
    drafts.ensure_open(draft)
    title = ROUND_TITLE.clean(title)
    if as_utc(deadline) <= utcnow():
        raise InvalidInput(_("The deadline must be in the future."), field="deadline")
    outline = drafts.load_outline(session, draft)
    entries = [outline.get(uid) for uid in dict.fromkeys(uids)]
    if not entries or not all(entry.is_clause for entry in entries):
        raise InvalidInput(_("Choose the articles and dispositions of the round."), field="clauses")
    assert draft.id is not None and actor.id is not None
    round_ = ConsensusRound(
        draft_id=draft.id, title=title, deadline=deadline, opened_by_id=actor.id
    )
    session.add(round_)
    session.flush()
    assert round_.id is not None
    session.add_all([RoundClause(round_id=round_.id, provision_id=entry.id) for entry in entries])
    session.flush()
    audit.record(
        session,
        actor_of(actor),
        "round.opened",
        f"round:{round_.id}",
        draft_id=draft.id,
        details={
            "title": title,
            "clauses": [e.label.text for e in entries],
            "deadline": deadline.isoformat(),
        },
    )
    return round_


def get_round(session: Session, draft: Draft, round_id: int) -> ConsensusRound:
    round_ = session.get(ConsensusRound, round_id)
    if round_ is None or round_.draft_id != draft.id:
        raise NotFound(_("There is no such round."))
    return round_


def close_round(session: Session, actor: Member, round_: ConsensusRound) -> None:
    drafts.ensure_open(session.get_one(Draft, round_.draft_id))
    if not round_is_open(round_):
        raise Conflict(_("This round is already closed."))
    round_.closed_at = utcnow()
    session.add(round_)
    session.flush()
    audit.record(
        session, actor_of(actor), "round.closed", f"round:{round_.id}", draft_id=round_.draft_id
    )


def list_rounds(session: Session, draft: Draft) -> Sequence[ConsensusRound]:
    return session.exec(
        select(ConsensusRound)
        .where(ConsensusRound.draft_id == draft.id)
        .order_by(col(ConsensusRound.id).desc())
    ).all()


@dataclass
class RoundLine:
    entry: drafts.OutlineEntry
    version: int
    outcome: rules.Outcome


def round_results(session: Session, draft: Draft, round_: ConsensusRound) -> list[RoundLine]:
    """Each clause of the round as it stood when the round ended (or now, while it is open):
    the last position each member recorded by then, on the version current then."""
    moment = round_end(round_) if not round_is_open(round_) else utcnow()
    outline = drafts.load_outline(session, draft)
    clause_ids = set(
        session.exec(
            select(RoundClause.provision_id).where(RoundClause.round_id == round_.id)
        ).all()
    )
    versions = dict(
        session.exec(
            select(ProvisionVersion.provision_id, func.max(ProvisionVersion.number))
            .where(
                col(ProvisionVersion.provision_id).in_(clause_ids),
                ProvisionVersion.created_at <= moment,
            )
            .group_by(col(ProvisionVersion.provision_id))
        ).all()
    )
    records = session.exec(
        select(PositionRecord, Member)
        .join(Member, col(Member.id) == PositionRecord.member_id)
        .where(
            col(PositionRecord.provision_id).in_(clause_ids),
            PositionRecord.created_at <= moment,
            col(Member.role).in_(VOTING_ROLES),
        )
        .order_by(col(PositionRecord.id))
    ).all()
    latest: dict[tuple[int, int], tuple[PositionRecord, Member]] = {}
    for record, member in records:
        latest[(record.provision_id, record.member_id)] = (record, member)  # later wins
    voters = electorate(session, until=moment)
    rule = get_rule(session, draft)
    lines = []
    for entry in outline.clauses:
        if entry.id not in clause_ids:
            continue
        version = versions.get(entry.id, 1)
        inputs = [
            rules.PositionInput(
                member.name, member.sector, rules.Stance(record.stance), record.reason
            )
            for (pid, _mid), (record, member) in latest.items()
            if pid == entry.id and record.version == version
        ]
        lines.append(
            RoundLine(entry, version, rules.decide(inputs, voters.size, voters.sectors, rule))
        )
    return lines


def awaiting(session: Session, member: Member, draft: Draft) -> list[drafts.OutlineEntry]:
    """Clauses in open rounds on which the member has no current position."""
    now = utcnow()
    open_rounds = [
        r.id
        for r in list_rounds(session, draft)
        if r.closed_at is None and as_utc(r.deadline) > now
    ]
    if not open_rounds:
        return []
    clause_ids = set(
        session.exec(
            select(RoundClause.provision_id).where(col(RoundClause.round_id).in_(open_rounds))
        ).all()
    )
    mine = dict(
        session.exec(
            select(Position.provision_id, Position.version).where(Position.member_id == member.id)
        ).all()
    )
    outline = drafts.load_outline(session, draft)
    return [e for e in outline.clauses if e.id in clause_ids and mine.get(e.id) != e.version]


# Participation -----------------------------------------------------------------------------------


@dataclass
class Participation:
    total: int  # members who took part; public anyway, each contribution is signed
    counted: int  # the cohort the breakdowns count (disclosure.breakdown)
    by_sector: dict[str, int]
    by_region: dict[str, int]
    by_gender: dict[str, int]


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

    def groups(values: list[str]) -> dict[str, int]:
        return disclosure.breakdown(values).groups

    return Participation(
        total=len(in_order),
        counted=disclosure.cohort(len(in_order)),
        by_sector=groups([p.sector for p in in_order]),
        by_region=groups([p.region for p in in_order]),
        by_gender=groups([p.gender or "unstated" for p in in_order]),
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
    """Current positions counted per clause and sector, in one query."""
    current = {entry.id: entry.version for entry in entries}
    rows = session.exec(
        select(Position.provision_id, Position.version, Position.stance, Member.sector)
        .join(Member, col(Member.id) == Position.member_id)
        .where(Position.draft_id == draft.id, col(Member.is_active).is_(True))
    ).all()
    matrix = {entry.id: {sector: SectorCell({}) for sector in sectors} for entry in entries}
    for provision_id, version, stance, sector in rows:
        if current.get(provision_id) == version and sector in matrix[provision_id]:
            counts = matrix[provision_id][sector].counts
            counts[stance] = counts.get(stance, 0) + 1
    return matrix
