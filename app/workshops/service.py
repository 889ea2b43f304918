"""Registering a regional workshop, entering what was said there on its behalf, and the stance
it reached on an article. Participants are counts by gender: never names."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from sqlmodel import Session, col, select
from sqlmodel.sql.expression import SelectOfScalar

from app.audit import service as audit
from app.audit.service import actor_of
from app.consensus.rules import Stance
from app.core.bounds import parse_id
from app.core.errors import Forbidden, InvalidInput, NotFound
from app.core.i18n import N_, _, ngettext, speaking
from app.core.text import TextField
from app.drafts import service as drafts
from app.drafts.models import Draft
from app.intake import service as intake
from app.intake.models import Channel, Receipt
from app.members.models import REGIONS, Member, Sector
from app.members.permissions import Permission, can
from app.workshops.models import Workshop, WorkshopStance

TITLE = TextField(
    "title", N_("Title"), 200, required=N_("Give the workshop a title."), one_line=True
)
PLACE = TextField("place", N_("Place"), 200, one_line=True)
NOTE = TextField("note", N_("What the workshop said"), 2_000)
MAX_PARTICIPANTS = 100_000
# A group of participants smaller than this is never named by gender in public: with four
# women among fourteen, anyone who knows who came could tell something about each of them.
SMALLEST_GROUP = 5


@dataclass(frozen=True)
class WorkshopDetails:
    title: str
    region: str
    held_on: date
    women: int = 0
    men: int = 0
    other: int = 0
    place: str = ""


def _ensure_receiver(actor: Member) -> None:
    if not can(actor.role, Permission.RECEIVE):
        raise Forbidden(_("Only the secretariat records workshops and what was said in them."))


def register_workshop(
    session: Session, actor: Member, draft: Draft, details: WorkshopDetails
) -> Workshop:
    _ensure_receiver(actor)
    drafts.ensure_open(draft)
    title = TITLE.clean(details.title)
    place = PLACE.clean(details.place)
    if details.region not in REGIONS:
        raise InvalidInput(_("Choose a region from the list."), field="region")
    if not date(2000, 1, 1) <= details.held_on <= intake.today_in_peru() + timedelta(days=1):
        raise InvalidInput(_("The workshop cannot have been held in the future."), field="held_on")
    counts = (details.women, details.men, details.other)
    if any(not 0 <= n <= MAX_PARTICIPANTS for n in counts):
        raise InvalidInput(_("Count the participants: whole numbers, none below zero."),
                           field="participants")  # fmt: skip
    if not sum(counts):
        raise InvalidInput(_("A workshop has at least one participant."), field="participants")
    assert draft.id is not None and actor.id is not None
    workshop = Workshop(
        draft_id=draft.id,
        title=title,
        region=details.region,
        place=place,
        held_on=details.held_on,
        women=details.women,
        men=details.men,
        other=details.other,
        entered_by_id=actor.id,
    )
    session.add(workshop)
    session.flush()
    # The record is public: it holds the total, never the counts by gender.
    audit.record(
        session,
        actor_of(actor),
        "workshop.registered",
        f"workshop:{workshop.id}",
        draft_id=draft.id,
        details={
            "title": title,
            "region": details.region,
            "held_on": details.held_on.isoformat(),
            "participants": workshop.participants,
        },
    )
    return workshop


def public_label(workshop: Workshop) -> str:
    """ "Taller de Juliaca, 14 participantes (9 mujeres)": the women are counted only when
    neither they nor the others are fewer than SMALLEST_GROUP."""
    total = workshop.participants
    text = ngettext(
        "%(title)s, %(num)s participant", "%(title)s, %(num)s participants", total,
        title=workshop.title,
    )  # fmt: skip
    if min(workshop.women, total - workshop.women) >= SMALLEST_GROUP:
        women = ngettext("%(num)s woman", "%(num)s women", workshop.women)
        text += f" ({women})"
    return text


def chosen_workshop(text: str) -> int:
    """The workshop chosen in a form, by its id."""
    workshop_id = parse_id(text)
    if workshop_id is None:
        raise InvalidInput(_("Choose a workshop from the list."), field="workshop")
    return workshop_id


def get_workshop(session: Session, draft: Draft, workshop_id: int) -> Workshop:
    workshop = session.get(Workshop, workshop_id)
    if workshop is None or workshop.draft_id != draft.id:
        raise NotFound(_("There is no such workshop in this draft."))
    return workshop


def workshops_of(draft: Draft) -> SelectOfScalar[Workshop]:
    """The draft's workshops, the latest held first."""
    return (
        select(Workshop)
        .where(Workshop.draft_id == draft.id)
        .order_by(col(Workshop.held_on).desc(), col(Workshop.id).desc())
    )


def list_workshops(session: Session, draft: Draft) -> Sequence[Workshop]:
    return session.exec(workshops_of(draft)).all()


def workshop_receipt(
    session: Session,
    actor: Member,
    draft: Draft,
    workshop_id: int,
    *,
    sector: str = Sector.MINERS_ORGANIZATION,
    organization: str = "",
) -> Receipt:
    """The receipt a comment or an amendment gathered in a workshop points to: credited to the
    workshop, by the channel "taller", on the day it was held."""
    _ensure_receiver(actor)
    workshop = get_workshop(session, draft, workshop_id)
    # Stored in Spanish, the language of the record and of the matriz de aportes.
    with speaking("es"):
        label = public_label(workshop)
    receipt = intake.record_receipt(
        session,
        actor,
        draft,
        intake.Received(
            channel=Channel.WORKSHOP,
            contributor=label,
            received_on=workshop.held_on,
            organization=organization,
            sector=sector,
            region=workshop.region,
        ),
    )
    receipt.workshop_id = workshop.id
    session.add(receipt)
    session.flush()
    return receipt


def receipt_for(
    session: Session,
    actor: Member,
    draft: Draft,
    received: intake.Received | None,
    workshop_id: int | None,
) -> Receipt | None:
    """The API's `"received"` or `"workshop"` on a new comment or amendment (not both): the
    receipt it is credited through, or None when the member speaks for themselves."""
    if received is not None and workshop_id is not None:
        raise InvalidInput(
            _("A contribution comes from a workshop or from a sender, not both."), field="workshop"
        )
    if workshop_id is not None:
        return workshop_receipt(session, actor, draft, workshop_id)
    if received is not None:
        return intake.record_receipt(session, actor, draft, received)
    return None


def record_stance(
    session: Session,
    actor: Member,
    draft: Draft,
    entry: drafts.OutlineEntry,
    workshop_id: int,
    *,
    stance: str,
    note: str = "",
) -> WorkshopStance:
    """What a workshop concluded about an article, on its current version; a later one
    replaces it."""
    _ensure_receiver(actor)
    drafts.ensure_open(draft)
    workshop = get_workshop(session, draft, workshop_id)
    if not entry.is_clause:
        raise InvalidInput(_("Only articles and dispositions take positions."), field="stance")
    if stance not in set(Stance):
        raise InvalidInput(_("Choose a position from the list."), field="stance")
    note = NOTE.clean(note)
    assert actor.id is not None and workshop.id is not None
    row = session.exec(
        select(WorkshopStance)
        .where(WorkshopStance.workshop_id == workshop.id, WorkshopStance.provision_id == entry.id)
        .with_for_update()
    ).first() or WorkshopStance(
        workshop_id=workshop.id,
        provision_id=entry.id,
        version=entry.version,
        stance=stance,
        recorded_by_id=actor.id,
    )
    row.version, row.stance, row.note, row.recorded_by_id = (
        entry.version, stance, note, actor.id
    )  # fmt: skip
    session.add(row)
    session.flush()
    audit.record(
        session,
        actor_of(actor),
        "workshop.stance_recorded",
        f"provision:{entry.uid}",
        draft_id=draft.id,
        details={"label": entry.label.text, "workshop": workshop.title, "stance": stance},
    )
    return row


@dataclass(frozen=True)
class StanceView:
    workshop: str  # its public label
    region: str
    stance: str
    note: str
    version: int


def stances_on(session: Session, entry: drafts.OutlineEntry) -> list[StanceView]:
    rows = session.exec(
        select(WorkshopStance, Workshop)
        .join(Workshop, col(Workshop.id) == WorkshopStance.workshop_id)
        .where(WorkshopStance.provision_id == entry.id)
        .order_by(col(Workshop.held_on), col(Workshop.id))
    ).all()
    return [StanceView(public_label(w), w.region, s.stance, s.note, s.version) for s, w in rows]
