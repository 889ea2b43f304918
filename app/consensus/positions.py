"""Positions: each member's one current stance on a clause, recorded on its current version.

Every recording is also appended to the history (PositionRecord), which round results read.
"""

from collections import defaultdict
from dataclasses import dataclass

from sqlalchemy import bindparam
from sqlmodel import Session, col, select

from app.audit import service as audit
from app.audit.service import actor_of
from app.consensus import rules
from app.consensus.models import Position, PositionRecord
from app.consensus.rounds import in_open_round
from app.consensus.service import get_rule
from app.core.cache import RevisionCache
from app.core.errors import Conflict, Forbidden, InvalidInput, NotFound
from app.core.i18n import N_, _
from app.core.models import utcnow
from app.core.text import TextField
from app.drafts import service as drafts
from app.drafts.models import Draft, Provision
from app.members.models import Member

POSITION_REASON = TextField("reason", N_("Reason"), 2_000)


class PositionOnStaleVersion(Conflict):
    code = "stale_version"


class RoundsRequired(Forbidden):
    code = "round_required"


@dataclass(frozen=True)
class DeclaredInSession:
    """A position a member declared in a working-group session, recorded for them by the
    secretariat: the record names who recorded it, on whose behalf, and in which session."""

    meeting_id: int
    number: int
    recorded_by: Member


def record_position(
    session: Session,
    member: Member,
    draft: Draft,
    entry: drafts.OutlineEntry,
    *,
    stance: str,
    reason: str | None,
    version: int,
    declared_in: DeclaredInSession | None = None,
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
                label=entry.label.name,
                current=entry.version,
            ),
            current_version=entry.version,
        )
    if get_rule(session, draft).requires_rounds and not in_open_round(session, entry):
        raise RoundsRequired(
            _(
                "Positions on this draft are taken in consensus rounds, and no round is open for "
                "%(label)s.",
                label=entry.label.name,
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
    position.declared_in_meeting_id = declared_in.meeting_id if declared_in else None
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
            declared_in_meeting_id=position.declared_in_meeting_id,
        )
    )
    session.flush()
    details: dict[str, object] = {
        "label": entry.label.text,
        "stance": stance,
        "version": version,
        "reason": reason or "",
    }
    if declared_in is not None:
        details |= {
            "session": {"id": declared_in.meeting_id, "number": declared_in.number},
            "on_behalf_of": member.name,
            "organization": member.organization,
        }
    audit.record(
        session,
        actor_of(declared_in.recorded_by if declared_in else member),
        "position.recorded",
        f"provision:{entry.uid}",
        draft_id=draft.id,
        details=details,
    )
    return position


def confirm_position(
    session: Session, member: Member, draft: Draft, entry: drafts.OutlineEntry
) -> Position:
    """One click: the same stance and reason, now on the current text."""
    position = my_position(session, member, entry)
    if position is None:
        raise NotFound(_("You have no position on %(label)s to confirm.", label=entry.label.name))
    return record_position(
        session,
        member,
        draft,
        entry,
        stance=position.stance,
        reason=position.reason,
        version=entry.version,
    )


# Built once, bound per call: a statement built for each call costs more than running it.
_MINE = select(Position).where(
    Position.member_id == bindparam("member"), Position.provision_id == bindparam("provision")
)


def my_position(session: Session, member: Member, entry: drafts.OutlineEntry) -> Position | None:
    return session.exec(_MINE, params={"member": member.id, "provision": entry.id}).first()


@dataclass(frozen=True)
class PositionView:
    name: str
    organization: str
    sector: str
    stance: str
    reason: str | None
    version: int
    stale: bool
    declared_in_session: bool = False


# Positions, members' names and the clause's text all move the draft's revision.
_by_sector: RevisionCache[dict[str, list[PositionView]]] = RevisionCache(size=512)


def positions_by_sector(
    session: Session, draft: Draft, entry: drafts.OutlineEntry
) -> dict[str, list[PositionView]]:
    """The clause's positions grouped by sector, the same for every reader: once per revision
    of the draft in each process for the requests that only read."""
    key = (draft.cache_key, entry.id, entry.version)
    return _by_sector.get(session, key, lambda: _positions_by_sector(session, entry))


def _positions_by_sector(
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
                position.declared_in_meeting_id is not None,
            )
        )
    return dict(grouped)


@dataclass
class PositionContribution:
    """One of a member's positions, where it was taken, and whether the text changed since."""

    position: Position
    draft_slug: str
    uid: str
    label: str
    current_version: int

    @property
    def to_reconfirm(self) -> bool:
        return self.position.version != self.current_version


def contributions(session: Session, member: Member) -> list[PositionContribution]:
    """A member's positions: those to reconfirm first, then in each draft's order (one outline
    a draft)."""
    rows = session.exec(
        select(Position, Provision.uid, Draft)
        .join(Provision, col(Provision.id) == Position.provision_id)
        .join(Draft, col(Draft.id) == Provision.draft_id)
        .where(Position.member_id == member.id, col(Provision.removed_at).is_(None))
    ).all()
    outlines = {draft.id: drafts.load_outline(session, draft) for _p, _u, draft in rows}
    ranked = []
    for position, uid, draft in rows:
        outline = outlines[draft.id]
        entry = outline.by_uid.get(uid)
        if entry is None:
            continue
        found = PositionContribution(position, draft.slug, uid, entry.label.text, entry.version)
        place = outline.entries.index(entry)
        ranked.append(((not found.to_reconfirm, draft.slug, place), found))
    return [found for _rank, found in sorted(ranked, key=lambda pair: pair[0])]
