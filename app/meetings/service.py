"""Working-group sessions: convening, the agenda, attendance and quorum, the decisions taken in
the room, and the acta. Each change checks its rules and writes its audit event (object
"session:ID", with the session's number) in the caller's transaction.

An amendment accepted in session goes through amendments.service.accept, the normal merge path
(expected versions checked, the version and its event written), and its record says in which
session it was decided and who was present. A position declared in the room is recorded by
the secretariat for a present member through consensus.positions.record_position.
"""

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime

from sqlalchemy import or_
from sqlmodel import Session, col, func, select

from app.amendments import service as amendments
from app.amendments import support
from app.amendments.models import Amendment, AmendmentKind, AmendmentStatus
from app.audit import service as audit
from app.audit.service import actor_of
from app.consensus import positions, reports, rules
from app.consensus.models import Position
from app.consensus.service import get_rule
from app.core.db import unique_or
from app.core.errors import Conflict, InvalidInput, NotFound
from app.core.i18n import N_, _
from app.core.models import as_utc, utcnow
from app.core.pagination import Page, PageRequest, paginate
from app.core.text import TextField
from app.drafts import service as drafts
from app.drafts import snapshots
from app.drafts.models import Draft, Provision, Snapshot
from app.meetings.models import (
    Meeting,
    MeetingAttendance,
    MeetingDecision,
    MeetingItem,
    MeetingStatus,
    Outcome,
)
from app.members.models import Member
from app.members.permissions import VOTING_ROLES

TITLE = TextField(
    "title", N_("Title"), 200, required=N_("Give the session a title."), one_line=True
)
PLACE = TextField(
    "place",
    N_("Place or video link"),
    500,
    required=N_("Say where the session is held, or give its video link."),
    one_line=True,
)
DECISION_TEXT = TextField(
    "text", N_("Text of the decision"), 10_000, required=N_("Write what was decided.")
)
MINUTES = TextField("minutes", N_("Acta"), 200_000, required=N_("The acta cannot be empty."))
MAX_AGENDA_ITEMS = 200
# Outcomes that settle an item; the others leave it (and its amendment) pending.
AGREED = frozenset({Outcome.AGREEMENT, Outcome.AGREEMENT_WITH_RESERVATIONS})


class WrongStatus(Conflict):
    code = "session_status"


class NoQuorum(Conflict):
    code = "no_quorum"


class AlreadyDecided(Conflict):
    code = "already_decided"


def session_name(number: int) -> str:
    """ "3.ª sesión" in Spanish."""
    return _("Session %(n)s", n=number)


# Reading --------------------------------------------------------------------------------------


def get_meeting(session: Session, meeting_id: int) -> Meeting:
    meeting = session.get(Meeting, meeting_id)
    if meeting is None:
        raise NotFound(_("There is no session %(id)s.", id=meeting_id))
    return meeting


def list_meetings(session: Session, draft: Draft, paging: PageRequest) -> Page[Meeting]:
    """The draft's sessions, the latest first."""
    query = select(Meeting).where(Meeting.draft_id == draft.id).order_by(col(Meeting.number).desc())
    return paginate(session, query, paging)


def items_of(session: Session, meeting: Meeting) -> list[MeetingItem]:
    return list(
        session.exec(
            select(MeetingItem)
            .where(MeetingItem.meeting_id == meeting.id)
            .order_by(col(MeetingItem.position))
        ).all()
    )


def decisions_of(session: Session, meeting: Meeting) -> list[MeetingDecision]:
    return list(
        session.exec(
            select(MeetingDecision)
            .where(MeetingDecision.meeting_id == meeting.id)
            .order_by(col(MeetingDecision.id))
        ).all()
    )


def present_members(session: Session, meeting: Meeting) -> list[Member]:
    """Who attended, by organization, then name."""
    return list(
        session.exec(
            select(Member)
            .join(MeetingAttendance, col(MeetingAttendance.member_id) == col(Member.id))
            .where(MeetingAttendance.meeting_id == meeting.id)
            .order_by(col(Member.organization), col(Member.name))
        ).all()
    )


@dataclass(frozen=True)
class AttendanceGroup:
    organization: str  # the member's own name when they have none
    sector: str
    members: list[Member]


def attendance_groups(members: Sequence[Member]) -> list[AttendanceGroup]:
    """Present members grouped by organization (and its sector), in order."""
    groups: dict[tuple[str, str], list[Member]] = {}
    for member in members:
        organization = member.organization.strip() or member.name
        groups.setdefault((organization, member.sector), []).append(member)
    return [AttendanceGroup(org, sector, people) for (org, sector), people in groups.items()]


@dataclass(frozen=True)
class Quorum:
    present: int  # present voting members
    voting: int  # every active voting member
    required: int | None  # None: there are no voting members
    met: bool

    def phrase(self) -> str:
        """ "11 de 20 presentes; quórum 10: hay quórum"."""
        values = {"present": self.present, "voting": self.voting, "required": self.required or 0}
        if self.met:
            return _("%(present)s of %(voting)s present; quorum %(required)s: there is quorum",
                     **values)  # fmt: skip
        return _("%(present)s of %(voting)s present; quorum %(required)s: no quorum", **values)


def quorum(session: Session, draft: Draft, meeting: Meeting) -> Quorum:
    """The draft's consensus rule applied to who is present: the same share of voting
    members that a clause's positions must reach."""
    voting = reports.electorate(session).size
    present = session.exec(
        select(func.count())
        .select_from(MeetingAttendance)
        .join(Member, col(Member.id) == MeetingAttendance.member_id)
        .where(
            MeetingAttendance.meeting_id == meeting.id,
            col(Member.is_active).is_(True),
            col(Member.role).in_([str(role) for role in VOTING_ROLES]),
        )
    ).one()
    required = rules.quorum_needed(voting, get_rule(session, draft))
    return Quorum(present, voting, required, required is not None and present >= required)


def active_members(session: Session) -> list[Member]:
    """Whom the attendance can name, by organization."""
    return list(
        session.exec(
            select(Member)
            .where(col(Member.is_active).is_(True))
            .order_by(col(Member.organization), col(Member.name))
        ).all()
    )


def awaiting_approval(session: Session, meeting: Meeting) -> list[Meeting]:
    """Earlier concluded sessions of the draft whose acta this one can approve."""
    return list(
        session.exec(
            select(Meeting)
            .where(
                Meeting.draft_id == meeting.draft_id,
                Meeting.number < meeting.number,
                Meeting.status == MeetingStatus.CONCLUDED,
                col(Meeting.minutes_approved_in_id).is_(None),
            )
            .order_by(col(Meeting.number))
        ).all()
    )


def decided_in(session: Session, amendment_id: int) -> Meeting | None:
    """The session that decided an amendment, if it was decided in one."""
    return session.exec(
        select(Meeting)
        .join(MeetingDecision, col(MeetingDecision.meeting_id) == col(Meeting.id))
        .join(MeetingItem, col(MeetingItem.id) == MeetingDecision.item_id)
        .where(
            MeetingItem.amendment_id == amendment_id,
            col(MeetingDecision.amendment_status).is_not(None),
        )
    ).first()


# Convening and the session's course -----------------------------------------------------------


def _details(meeting: Meeting, **more: object) -> dict[str, object]:
    """What every event of a session says of it: its number and title, then `more`."""
    return {"number": meeting.number, "title": meeting.title, **more}


def convene(
    session: Session,
    secretariat: Member,
    draft: Draft,
    *,
    title: str,
    starts_at: datetime,
    place: str,
) -> Meeting:
    """Convenes the draft's next session; its members are told (a notification handler)."""
    drafts.ensure_open(draft)
    title, place = TITLE.clean(title), PLACE.clean(place)
    assert draft.id is not None and secretariat.id is not None
    last = session.exec(select(func.max(Meeting.number)).where(Meeting.draft_id == draft.id)).one()
    meeting = Meeting(
        draft_id=draft.id,
        number=(last or 0) + 1,
        title=title,
        starts_at=as_utc(starts_at).astimezone(UTC),
        place=place,
        convened_by_id=secretariat.id,
    )
    twin = Conflict(_("Another session was convened at the same moment: reload and try again."))
    with unique_or(session, twin):
        session.add(meeting)
    audit.record(
        session,
        actor_of(secretariat),
        "meeting.convened",
        f"session:{meeting.id}",
        draft_id=meeting.draft_id,
        details=_details(meeting, starts_at=meeting.starts_at.isoformat(), place=place),
    )
    return meeting


def _require_status(meeting: Meeting, allowed: set[MeetingStatus], refusal: str) -> None:
    if meeting.status not in allowed:
        raise WrongStatus(refusal)


def start(session: Session, secretariat: Member, meeting: Meeting) -> None:
    _require_status(meeting, {MeetingStatus.CONVENED}, _("This session has already been opened."))
    meeting.status, meeting.started_at = MeetingStatus.IN_PROGRESS, utcnow()
    session.add(meeting)
    session.flush()
    audit.record(
        session,
        actor_of(secretariat),
        "meeting.started",
        f"session:{meeting.id}",
        draft_id=meeting.draft_id,
        details=_details(meeting),
    )


def conclude(session: Session, secretariat: Member, meeting: Meeting) -> None:
    _require_status(
        meeting, {MeetingStatus.IN_PROGRESS}, _("Only a session in progress can be concluded.")
    )
    meeting.status, meeting.concluded_at = MeetingStatus.CONCLUDED, utcnow()
    session.add(meeting)
    session.flush()
    audit.record(
        session,
        actor_of(secretariat),
        "meeting.concluded",
        f"session:{meeting.id}",
        draft_id=meeting.draft_id,
        details=_details(meeting),
    )


# The agenda -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Ref:
    """An agenda item as the API names it: a clause's uid, or an amendment's id."""

    provision: str | None = None
    amendment: int | None = None


def queue_agenda(session: Session, draft: Draft) -> list[Ref]:
    """The agenda the queue suggests: contested clauses first (blocked, then divided), each
    followed by its pending amendments; then the other pending amendments in document order.
    Amendments short of the draft's minimum support are still gathering it and wait."""
    outline = drafts.load_outline(session, draft)
    order = {entry.id: index for index, entry in enumerate(outline.entries)}
    pending = [
        amendment
        for amendment in session.exec(
            select(Amendment)
            .where(Amendment.draft_id == draft.id, Amendment.status == AmendmentStatus.SUBMITTED)
            .order_by(col(Amendment.id))
        ).all()
        if amendment.provision_id in order
    ]
    rule = support.get_rule(session, draft)
    if rule.is_set:
        breadths = support.pending_breadths(session, draft)
        pending = [a for a in pending if rule.allows(breadths.get(a.id or 0, (0, 0)))]
    pending.sort(key=lambda a: (order[a.provision_id], a.id or 0))
    outcomes = reports.outcomes(session, draft, outline)
    rank = {rules.Status.BLOCKED: 0, rules.Status.DIVIDED: 1}
    contested = sorted(
        (entry for entry in outline.clauses if outcomes[entry.id].status in rank),
        key=lambda entry: (rank[outcomes[entry.id].status], order[entry.id]),
    )
    refs: list[Ref] = []
    for entry in contested:
        refs.append(Ref(provision=entry.uid))
        refs += [Ref(amendment=a.id) for a in pending if a.provision_id == entry.id]
    listed = {r.amendment for r in refs}
    refs += [Ref(amendment=a.id) for a in pending if a.id not in listed]
    return refs[:MAX_AGENDA_ITEMS]


def _resolve(
    session: Session, draft: Draft, outline: drafts.Outline, ref: Ref
) -> tuple[int | None, int | None, str]:
    """(provision_id, amendment_id, what it is called) of an agenda item of this draft."""
    if (ref.provision is None) == (ref.amendment is None):
        raise InvalidInput(_("Each agenda item is a provision or an amendment."), field="items")
    if ref.provision is not None:
        entry = outline.by_uid.get(ref.provision)
        if entry is None or not entry.is_clause:
            raise InvalidInput(
                _("%(uid)s is not an article or disposition of this draft.", uid=ref.provision),
                field="items",
            )
        return entry.id, None, f"{entry.label.text} {entry.heading}".strip()
    amendment = session.get(Amendment, ref.amendment)
    if amendment is None or amendment.draft_id != draft.id:
        raise InvalidInput(
            _("Amendment %(id)s is not one of this draft's.", id=ref.amendment), field="items"
        )
    return None, amendment.id, _("Amendment %(n)s", n=amendment.id)


def set_agenda(
    session: Session, secretariat: Member, meeting: Meeting, refs: Sequence[Ref]
) -> list[MeetingItem]:
    """The agenda in this order. Items kept keep their decisions; an item already decided
    cannot be taken off."""
    _require_status(
        meeting,
        {MeetingStatus.CONVENED, MeetingStatus.IN_PROGRESS},
        _("The agenda of a concluded session cannot change."),
    )
    if len(refs) > MAX_AGENDA_ITEMS:
        raise InvalidInput(_("At most %(n)s agenda items.", n=MAX_AGENDA_ITEMS), field="items")
    draft = session.get_one(Draft, meeting.draft_id)
    outline = drafts.load_outline(session, draft)
    resolved = [_resolve(session, draft, outline, ref) for ref in refs]
    keys = [(p, a) for p, a, _name in resolved]
    if len(set(keys)) != len(keys):
        raise InvalidInput(_("An item appears twice in the agenda."), field="items")
    existing = {(i.provision_id, i.amendment_id): i for i in items_of(session, meeting)}
    decided = {d.item_id for d in decisions_of(session, meeting)}
    for key, item in existing.items():
        if key not in set(keys):
            if item.id in decided:
                raise WrongStatus(
                    _("An item already decided cannot be taken off the agenda."), field="items"
                )
            session.delete(item)
    session.flush()
    assert meeting.id is not None
    kept = []
    for place, key in enumerate(keys, start=1):
        item = existing.get(key) or MeetingItem(
            meeting_id=meeting.id, position=place, provision_id=key[0], amendment_id=key[1]
        )
        item.position = place
        session.add(item)
        kept.append(item)
    session.flush()
    audit.record(
        session,
        actor_of(secretariat),
        "meeting.agenda_set",
        f"session:{meeting.id}",
        draft_id=meeting.draft_id,
        details=_details(meeting, items=[n for _p, _a, n in resolved]),
    )
    return kept


def agenda_from_queue(session: Session, secretariat: Member, meeting: Meeting) -> list[MeetingItem]:
    """One click: the agenda the queue suggests (what was already on it and decided stays)."""
    draft = session.get_one(Draft, meeting.draft_id)
    refs = queue_agenda(session, draft)
    current = items_of(session, meeting)
    decided = {d.item_id for d in decisions_of(session, meeting)}
    kept = [
        Ref(provision=_uid(session, i.provision_id), amendment=None)
        if i.provision_id
        else Ref(amendment=i.amendment_id)
        for i in current
        if i.id in decided
    ]
    return set_agenda(session, secretariat, meeting, kept + [r for r in refs if r not in kept])


def _uid(session: Session, provision_id: int | None) -> str:
    return session.get_one(Provision, provision_id).uid


# Attendance -----------------------------------------------------------------------------------


def set_attendance(
    session: Session, secretariat: Member, meeting: Meeting, member_ids: Sequence[int]
) -> Quorum:
    """Who is present now (the whole list, replacing the last); the record keeps each one."""
    _require_status(
        meeting,
        {MeetingStatus.CONVENED, MeetingStatus.IN_PROGRESS},
        _("The attendance of a concluded session cannot change."),
    )
    wanted = set(member_ids)
    found = session.exec(
        select(Member).where(col(Member.id).in_(wanted), col(Member.is_active).is_(True))
    ).all()
    if len(found) != len(wanted):
        missing = sorted(wanted - {m.id for m in found if m.id is not None})
        raise InvalidInput(
            _("No active member has the id %(ids)s.", ids=", ".join(map(str, missing))),
            field="present",
        )
    assert meeting.id is not None
    rows = session.exec(
        select(MeetingAttendance).where(MeetingAttendance.meeting_id == meeting.id)
    ).all()
    for row in rows:
        if row.member_id not in wanted:
            session.delete(row)
    already = {row.member_id for row in rows}
    for member_id in sorted(wanted - already):
        session.add(MeetingAttendance(meeting_id=meeting.id, member_id=member_id))
    twin = Conflict(_("The attendance was changed at the same moment: reload and try again."))
    with unique_or(session, twin):
        session.flush()
    draft = session.get_one(Draft, meeting.draft_id)
    counted = quorum(session, draft, meeting)
    present = [
        {"name": m.name, "organization": m.organization, "sector": m.sector}
        for m in present_members(session, meeting)
    ]
    audit.record(
        session,
        actor_of(secretariat),
        "meeting.attendance_recorded",
        f"session:{meeting.id}",
        draft_id=meeting.draft_id,
        details=_details(
            meeting,
            present=present,
            quorum={"present": counted.present, "required": counted.required, "met": counted.met},
        ),
    )
    return counted


# Decisions ----------------------------------------------------------------------------------


def _in_session_details(session: Session, meeting: Meeting) -> dict[str, object]:
    present = [
        f"{m.name} ({m.organization})" if m.organization else m.name
        for m in present_members(session, meeting)
    ]
    return {"id": meeting.id, "number": meeting.number, "present": present}


def _deciding(session: Session, meeting: Meeting, outcome: str) -> Draft:
    _require_status(
        meeting,
        {MeetingStatus.IN_PROGRESS},
        _("Decisions are taken while the session is in progress."),
    )
    if outcome not in set(Outcome):
        raise InvalidInput(_("Choose the outcome."), field="outcome")
    draft = session.get_one(Draft, meeting.draft_id)
    if outcome != Outcome.POSTPONED and not quorum(session, draft, meeting).met:
        raise NoQuorum(
            _("There is no quorum: the session can only postpone the item."), field="outcome"
        )
    return draft


def agenda_item(session: Session, meeting: Meeting, ref: Ref) -> MeetingItem:
    """The agenda item `ref` names (a clause by its uid, an amendment by its id), in one query."""
    named = []
    if ref.amendment is not None:
        named.append(col(MeetingItem.amendment_id) == ref.amendment)
    if ref.provision is not None:
        named.append(col(Provision.uid) == ref.provision)
    item = (
        session.exec(
            select(MeetingItem)
            .outerjoin(Provision, col(Provision.id) == MeetingItem.provision_id)
            .where(MeetingItem.meeting_id == meeting.id, or_(*named))
            .order_by(col(MeetingItem.position))
        ).first()
        if named
        else None
    )
    if item is None:
        raise NotFound(_("That item is not on this session's agenda."))
    return item


def decide(
    session: Session,
    secretariat: Member,
    meeting: Meeting,
    ref: Ref,
    *,
    outcome: str,
    text: str,
    expected_version: int | None = None,
    minutes_of: int | None = None,
) -> None:
    """A decision on an agenda item, or (`minutes_of`: a session's id) on an earlier
    session's acta."""
    if minutes_of is not None:
        earlier = get_meeting(session, minutes_of)
        approve_minutes(session, secretariat, meeting, earlier, outcome=outcome, text=text)
        return
    item = agenda_item(session, meeting, ref)
    decide_item(
        session, secretariat, meeting, item, outcome=outcome, text=text,
        expected_version=expected_version,
    )  # fmt: skip


def decide_item(
    session: Session,
    secretariat: Member,
    meeting: Meeting,
    item: MeetingItem,
    *,
    outcome: str,
    text: str,
    expected_version: int | None = None,
) -> MeetingDecision:
    """The session's decision on an agenda item, with its text (reservations verbatim). An
    agreement on an amendment accepts it through the merge path; `expected_version` is the
    version of the clause the room read."""
    if item.meeting_id != meeting.id:
        raise NotFound(_("That item is not on this session's agenda."))
    draft = _deciding(session, meeting, outcome)
    text = DECISION_TEXT.clean(text)
    if session.exec(select(MeetingDecision.id).where(MeetingDecision.item_id == item.id)).first():
        raise AlreadyDecided(_("This item has already been decided in this session."))
    assert meeting.id is not None and secretariat.id is not None
    decision = MeetingDecision(
        meeting_id=meeting.id,
        item_id=item.id,
        outcome=outcome,
        text=text,
        decided_by_id=secretariat.id,
    )
    label = _item_label(session, draft, item)
    details: dict[str, object] = {"outcome": outcome, "text": text, "item": label}
    if item.amendment_id is not None and outcome in AGREED:
        amendment = session.get_one(Amendment, item.amendment_id)
        if amendment.kind != AmendmentKind.INSERT and expected_version is None:
            raise InvalidInput(
                _("Say which version of the clause the session read."), field="expected_version"
            )
        accepted = amendments.accept(
            session,
            secretariat,
            draft,
            amendment,
            expected_version=expected_version,
            reason=text,
            in_session=_in_session_details(session, meeting),
        )
        decision.result_version, decision.amendment_status = accepted.version, accepted.status
        details |= {"amendment": amendment.id, "version": accepted.version}
    with unique_or(
        session, AlreadyDecided(_("This item has already been decided in this session."))
    ):
        session.add(decision)
    audit.record(
        session,
        actor_of(secretariat),
        "meeting.decided",
        f"session:{meeting.id}",
        draft_id=meeting.draft_id,
        details=_details(meeting, **details),
    )
    return decision


def _item_label(session: Session, draft: Draft, item: MeetingItem) -> str:
    if item.amendment_id is not None:
        return _("Amendment %(n)s", n=item.amendment_id)
    provision = session.get_one(Provision, item.provision_id)
    entry = drafts.load_outline(session, draft).by_uid.get(provision.uid)
    return f"{entry.label.text} {entry.heading}".strip() if entry else provision.uid


def declare_position(
    session: Session,
    secretariat: Member,
    meeting: Meeting,
    *,
    member: Member,
    uid: str,
    stance: str,
    reason: str | None,
) -> Position:
    """A position a present member's organization declared in the room, recorded for it."""
    _require_status(
        meeting,
        {MeetingStatus.IN_PROGRESS},
        _("Positions are declared while the session is in progress."),
    )
    present = session.exec(
        select(MeetingAttendance.id).where(
            MeetingAttendance.meeting_id == meeting.id, MeetingAttendance.member_id == member.id
        )
    ).first()
    if present is None:
        raise InvalidInput(
            _("%(name)s is not recorded as present in this session.", name=member.name),
            field="member",
        )
    draft = session.get_one(Draft, meeting.draft_id)
    entry = drafts.load_outline(session, draft).get(uid)
    assert meeting.id is not None
    return positions.record_position(
        session,
        member,
        draft,
        entry,
        stance=stance,
        reason=reason,
        version=entry.version,
        declared_in=positions.DeclaredInSession(meeting.id, meeting.number, secretariat),
    )


# The acta ---------------------------------------------------------------------------------


def approve_minutes(
    session: Session,
    secretariat: Member,
    meeting: Meeting,
    earlier: Meeting,
    *,
    outcome: str,
    text: str,
) -> MeetingDecision:
    """Session N+1 decides on the acta of an earlier, concluded session; an agreement
    approves it, and it can no longer be edited."""
    if earlier.draft_id != meeting.draft_id or earlier.number >= meeting.number:
        raise InvalidInput(
            _("An acta is approved in a later session of the same draft."), field="item"
        )
    # Decisions on one acta wait for each other (on PostgreSQL; SQLite has one writer at a
    # time): two secretaries approving it at once, one is told it is done, and it is
    # approved once, by one session.
    session.refresh(earlier, with_for_update=True)
    if earlier.status != MeetingStatus.CONCLUDED:
        raise WrongStatus(_("Only the acta of a concluded session can be approved."))
    if earlier.minutes_approved_in_id is not None:
        raise AlreadyDecided(_("This acta has already been approved."))
    decided = select(MeetingDecision.id).where(
        MeetingDecision.meeting_id == meeting.id, MeetingDecision.approves_id == earlier.id
    )
    if session.exec(decided).first() is not None:
        raise AlreadyDecided(_("This session has already decided on that acta."))
    _deciding(session, meeting, outcome)
    text = DECISION_TEXT.clean(text)
    assert meeting.id is not None and secretariat.id is not None
    decision = MeetingDecision(
        meeting_id=meeting.id,
        approves_id=earlier.id,
        outcome=outcome,
        text=text,
        decided_by_id=secretariat.id,
    )
    session.add(decision)
    if outcome in AGREED:
        earlier.minutes_approved_in_id, earlier.minutes_approved_at = meeting.id, utcnow()
        session.add(earlier)
    session.flush()
    item = _("Acta of session %(n)s", n=earlier.number)
    audit.record(
        session,
        actor_of(secretariat),
        "meeting.decided",
        f"session:{meeting.id}",
        draft_id=meeting.draft_id,
        details=_details(meeting, outcome=outcome, text=text, item=item),
    )
    if outcome in AGREED:
        audit.record(
            session,
            actor_of(secretariat),
            "meeting.minutes_approved",
            f"session:{earlier.id}",
            draft_id=earlier.draft_id,
            details=_details(earlier, session={"id": meeting.id, "number": meeting.number}),
        )
    return decision


def edit_minutes(session: Session, secretariat: Member, meeting: Meeting, text: str) -> None:
    """The secretariat's edited acta, kept instead of the generated one until approval."""
    if meeting.minutes_approved_in_id is not None:
        raise WrongStatus(_("This acta has been approved: it can no longer be edited."))
    meeting.minutes_text = MINUTES.clean(text)
    meeting.minutes_edited_by_id, meeting.minutes_edited_at = secretariat.id, utcnow()
    session.add(meeting)
    session.flush()
    audit.record(
        session,
        actor_of(secretariat),
        "meeting.minutes_edited",
        f"session:{meeting.id}",
        draft_id=meeting.draft_id,
        details=_details(meeting),
    )


def freeze_at_close(session: Session, secretariat: Member, meeting: Meeting) -> Snapshot:
    """One click: a snapshot of the draft named after the close of this session."""
    draft = session.get_one(Draft, meeting.draft_id)
    label = _("At the close of session %(n)s", n=meeting.number)
    return snapshots.freeze_snapshot(session, secretariat, draft, label)


# Views for the session's page and its acta ----------------------------------------------------


@dataclass
class AmendmentView:
    amendment: Amendment
    summary: support.SupportSummary | None
    text: str | None  # as it reads now


@dataclass
class ItemView:
    item: MeetingItem
    entry: drafts.OutlineEntry | None  # the clause (of an amendment item too)
    label: str
    current_text: str
    amendments: list[AmendmentView]
    consensus: rules.Outcome | None
    decision: MeetingDecision | None = None
    amendment: Amendment | None = None  # the amendment the item is


@dataclass
class SessionView:
    meeting: Meeting
    draft: Draft
    items: list[ItemView]
    present: list[Member]
    quorum: Quorum
    decisions: list[MeetingDecision]
    approvals: list[tuple[MeetingDecision, Meeting]] = field(default_factory=list)
    declared: list[tuple[Position, Member, str]] = field(default_factory=list)

    @property
    def groups(self) -> list[AttendanceGroup]:
        return attendance_groups(self.present)


def session_view(session: Session, meeting: Meeting) -> SessionView:
    """What the session's page and its acta show: each item with its current text, the
    amendments with their adhesions and the secretariat's proposal, and the consensus."""
    draft = session.get_one(Draft, meeting.draft_id)
    outline = drafts.load_outline(session, draft)
    by_id = {entry.id: entry for entry in outline.entries}
    items = items_of(session, meeting)
    decisions = decisions_of(session, meeting)
    decision_of = {d.item_id: d for d in decisions if d.item_id is not None}
    item_amendments = {
        a.id: a
        for a in session.exec(
            select(Amendment).where(
                col(Amendment.id).in_([i.amendment_id for i in items if i.amendment_id])
            )
        ).all()
    }
    clause_ids = {i.provision_id for i in items if i.provision_id} | {
        a.provision_id for a in item_amendments.values()
    }
    pending = session.exec(
        select(Amendment)
        .where(
            col(Amendment.provision_id).in_(clause_ids),
            Amendment.status == AmendmentStatus.SUBMITTED,
        )
        .order_by(col(Amendment.id))
    ).all()
    shown = {a.id: a for a in [*item_amendments.values(), *pending]}
    summaries = support.support_summaries(session, [i for i in shown if i is not None])
    outcomes = reports.outcomes(session, draft, outline)
    views = []
    for item in items:
        amendment = item_amendments.get(item.amendment_id) if item.amendment_id else None
        entry = by_id.get(amendment.provision_id if amendment else item.provision_id or 0)
        if amendment is not None:
            related = [amendment]
            label = _("Amendment %(n)s", n=amendment.id)
            if entry is not None:
                label += f" — {entry.label.text} {entry.heading}".rstrip()
        else:
            related = [a for a in pending if entry and a.provision_id == entry.id]
            label = f"{entry.label.text} {entry.heading}".strip() if entry else "—"
        current = drafts.current_version(session, entry).text if entry else ""
        views.append(
            ItemView(
                item,
                entry,
                label,
                current,
                [
                    AmendmentView(
                        a,
                        summaries.get(a.id or 0),
                        amendments.proposed_text(a, entry) if entry and a.text else a.text,
                    )
                    for a in related
                ],
                outcomes.get(entry.id) if entry and entry.is_clause else None,
                decision_of.get(item.id or 0),
                amendment,
            )
        )
    approvals = [(d, session.get_one(Meeting, d.approves_id)) for d in decisions if d.approves_id]
    declared = [
        (position, member, by_id[position.provision_id].label.text)
        for position, member in session.exec(
            select(Position, Member)
            .join(Member, col(Member.id) == Position.member_id)
            .where(Position.declared_in_meeting_id == meeting.id)
            .order_by(col(Position.id))
        ).all()
        if position.provision_id in by_id
    ]
    return SessionView(
        meeting,
        draft,
        views,
        present_members(session, meeting),
        quorum(session, draft, meeting),
        decisions,
        approvals,
        declared,
    )
