"""Entering a contribution received outside Mesa, crediting it to who sent it, and the
secretariat's disposition of a comment."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlmodel import Session, col, select

from app.core.errors import Forbidden, InvalidInput
from app.core.i18n import N_, _, day_in_peru
from app.core.models import utcnow
from app.core.text import TextField
from app.drafts.models import Draft
from app.intake.models import Channel, Receipt
from app.members.models import REGIONS, Member, Sector
from app.members.permissions import Permission, can

CONTRIBUTOR = TextField(
    "contributor",
    N_("Contributor"),
    200,
    required=N_("Write who sent the contribution."),
    one_line=True,
)
ORGANIZATION = TextField("organization", N_("Organization"), 200, one_line=True)
# Contributions received by another channel: Mesa's own is not one of them.
OUTSIDE = (Channel.EMAIL, Channel.FRONT_DESK, Channel.WORKSHOP)


@dataclass(frozen=True)
class Received:
    """What the secretariat types about a contribution that reached it outside Mesa."""

    channel: str
    contributor: str
    received_on: date
    organization: str = ""
    sector: str = Sector.OTHER
    region: str = ""
    reserved: bool = False


def today_in_peru() -> date:
    return day_in_peru(utcnow())


def record_receipt(session: Session, actor: Member, draft: Draft, received: Received) -> Receipt:
    """The receipt a comment or an amendment entered on someone's behalf points to. The change
    it comes with writes the audit event, naming the secretariat who entered it."""
    if not can(actor.role, Permission.RECEIVE):
        raise Forbidden(_("Only the secretariat enters contributions received outside Mesa."))
    if received.channel not in OUTSIDE:
        raise InvalidInput(_("Choose the channel it arrived by."), field="channel")
    if received.sector not in set(Sector):
        raise InvalidInput(_("Choose a sector from the list."), field="sector")
    if received.region and received.region not in REGIONS:
        raise InvalidInput(_("Choose a region from the list."), field="region")
    if not date(2000, 1, 1) <= received.received_on <= today_in_peru() + timedelta(days=1):
        raise InvalidInput(_("The date received cannot be in the future."), field="received_on")
    assert draft.id is not None and actor.id is not None
    receipt = Receipt(
        draft_id=draft.id,
        channel=received.channel,
        contributor=CONTRIBUTOR.clean(received.contributor),
        organization=ORGANIZATION.clean(received.organization),
        sector=received.sector,
        region=received.region,
        reserved=received.reserved,
        received_on=received.received_on,
        entered_by_id=actor.id,
    )
    session.add(receipt)
    session.flush()
    return receipt


@dataclass(frozen=True)
class Credit:
    """Who a contribution is shown as coming from, by which channel and on which day."""

    name: str
    organization: str
    sector: str
    region: str
    channel: str
    on: date | datetime
    reserved: bool = False


def credit(
    member: Member, receipt: Receipt | None, made_at: datetime, *, reveal: bool = False
) -> Credit:
    """The member who typed it in, unless the secretariat entered it for someone else: then
    that person, whose name stays "reserved" if they asked, except to the secretariat
    (`reveal`)."""
    if receipt is None:
        return Credit(
            member.name, member.organization, member.sector, member.region, Channel.MESA, made_at
        )
    hidden = receipt.reserved and not reveal
    return Credit(
        _("Reserved") if hidden else receipt.contributor,
        receipt.organization,
        receipt.sector,
        receipt.region,
        receipt.channel,
        receipt.received_on,
        receipt.reserved,
    )


def receipts(session: Session, ids: Iterable[int | None]) -> dict[int, Receipt]:
    wanted = {i for i in ids if i is not None}
    if not wanted:
        return {}
    found = session.exec(select(Receipt).where(col(Receipt.id).in_(wanted))).all()
    return {r.id: r for r in found if r.id is not None}
