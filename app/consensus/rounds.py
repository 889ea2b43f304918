"""Consensus rounds: a set of clauses open for positions until a deadline. A round's results are
the positions recorded up to its close, read from the append-only history, so they stay as
they were.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session, col, func, select

from app.audit import service as audit
from app.audit.service import actor_of
from app.consensus import rules
from app.consensus.models import ConsensusRound, Position, PositionRecord, RoundClause
from app.consensus.reports import electorate
from app.consensus.service import get_rule
from app.core.errors import Conflict, InvalidInput, NotFound
from app.core.i18n import N_, _
from app.core.models import as_utc, utcnow
from app.core.text import TextField
from app.drafts import service as drafts
from app.drafts.models import Draft, ProvisionVersion
from app.members.models import Member
from app.members.permissions import VOTING_ROLES
from app.workshops import coverage

ROUND_TITLE = TextField(
    "title", N_("Title"), 200, required=N_("Give the round a title."), one_line=True
)


def round_is_open(round_: ConsensusRound) -> bool:
    """The one test of an open round: not closed early, and before its deadline."""
    return round_.closed_at is None and as_utc(round_.deadline) > utcnow()


def in_open_round(session: Session, entry: drafts.OutlineEntry) -> bool:
    rounds = session.exec(
        select(ConsensusRound)
        .join(RoundClause, col(RoundClause.round_id) == ConsensusRound.id)
        .where(RoundClause.provision_id == entry.id)
    ).all()
    return any(round_is_open(r) for r in rounds)


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


def round_entries(
    session: Session, draft: Draft, round_: ConsensusRound
) -> list[drafts.OutlineEntry]:
    clause_ids = set(
        session.exec(
            select(RoundClause.provision_id).where(RoundClause.round_id == round_.id)
        ).all()
    )
    return [e for e in drafts.load_outline(session, draft).clauses if e.id in clause_ids]


def close_round(session: Session, actor: Member, round_: ConsensusRound) -> None:
    draft = session.get_one(Draft, round_.draft_id)
    drafts.ensure_open(draft)
    if not round_is_open(round_):
        raise Conflict(_("This round is already closed."))
    coverage.ensure_covered(session, draft, round_entries(session, draft, round_))
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
    open_rounds = [r.id for r in list_rounds(session, draft) if round_is_open(r)]
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
