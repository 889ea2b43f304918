"""A whole working-group session through the service: convened, its agenda from the queue,
attendance with and without quorum, three decisions (one an amendment accepted in session), a
position declared in the room, the acta, and its approval at the next session."""

from datetime import datetime, timedelta

import pytest
from sqlmodel import Session, col, select

from app.amendments.models import Amendment
from app.audit.describe import describe
from app.audit.models import AuditEvent
from app.consensus import positions
from app.consensus.models import Position
from app.core.i18n import TIMEZONE
from app.core.models import as_utc
from app.drafts.models import Draft, Snapshot
from app.meetings import minutes, service
from app.meetings.models import Meeting
from app.members.models import Member
from app.notifications import service as notifications
from app.notifications.models import Notification
from tests.factories import entry_of
from tests.meetings.conftest import free_registry

notifications.install()  # as create_app does: convening tells the members

PERU_NOON = datetime(2026, 12, 10, 10, 0, tzinfo=TIMEZONE)


def convene(db: Session, secretariat: Member, draft: Draft) -> Meeting:
    meeting = service.convene(
        db, secretariat, draft, title="Sesión ordinaria", starts_at=PERU_NOON, place="Sala 3, MINEM"
    )
    db.commit()
    return meeting


class TestConvene:
    def test_numbered_per_draft_stored_in_utc_and_every_member_told(
        self, db: Session, draft: Draft, secretariat: Member, group: list[Member]
    ) -> None:
        first = convene(db, secretariat, draft)
        second = convene(db, secretariat, draft)
        assert (first.number, second.number) == (1, 2)
        db.expire_all()
        stored = db.get_one(Meeting, first.id)
        assert as_utc(stored.starts_at).utcoffset() == timedelta(0)
        assert as_utc(stored.starts_at).hour == 15  # 10:00 in Lima
        told = db.exec(select(Notification.member_id).where(Notification.kind == "session")).all()
        assert set(told) >= {m.id for m in group}
        assert secretariat.id not in told

    def test_a_title_is_required(self, db: Session, draft: Draft, secretariat: Member) -> None:
        from app.core.errors import InvalidInput

        with pytest.raises(InvalidInput):
            service.convene(db, secretariat, draft, title="  ", starts_at=PERU_NOON, place="x")


def test_a_whole_session(
    db: Session, draft: Draft, secretariat: Member, group: list[Member]
) -> None:
    rosa, juan, ana, _pedro = group
    article_1 = entry_of(db, draft, "Artículo 1.")
    # A contested article: Rosa blocks article 1.
    positions.record_position(
        db, rosa, draft, article_1, stance="block", reason="Falta consulta previa.", version=1
    )
    amendment = free_registry(db, juan, draft)
    meeting = convene(db, secretariat, draft)

    service.agenda_from_queue(db, secretariat, meeting)
    items = service.items_of(db, meeting)
    # The contested article first, then the pending amendment.
    assert [(i.provision_id, i.amendment_id) for i in items] == [
        (article_1.id, None),
        (None, amendment.id),
    ]
    service.set_agenda(
        db,
        secretariat,
        meeting,
        [
            service.Ref(provision=article_1.uid),
            service.Ref(amendment=amendment.id),
            service.Ref(provision=entry_of(db, draft, "Artículo 2.").uid),
        ],
    )
    service.start(db, secretariat, meeting)
    items = service.items_of(db, meeting)

    # Without quorum (2 of 5 voters; the rule asks half: 3) only postponing is possible.
    without = service.set_attendance(db, secretariat, meeting, [rosa.id or 0, juan.id or 0])
    assert (without.present, without.voting, without.required, without.met) == (2, 5, 3, False)
    assert without.phrase() == "2 de 5 presentes; quórum 3: no hay quórum"
    with pytest.raises(service.NoQuorum):
        service.decide_item(db, secretariat, meeting, items[0], outcome="acuerdo", text="…")
    service.decide_item(
        db,
        secretariat,
        meeting,
        items[2],
        outcome="postergado",
        text="Se posterga a la próxima sesión.",
    )

    present = [rosa, juan, ana, secretariat]
    counted = service.set_attendance(db, secretariat, meeting, [m.id or 0 for m in present])
    assert counted.met and counted.phrase() == "4 de 5 presentes; quórum 3: hay quórum"

    service.declare_position(
        db,
        secretariat,
        meeting,
        member=rosa,
        uid=article_1.uid,
        stance="support_with_reservations",
        reason="Con consulta previa en el reglamento.",
    )
    service.decide_item(
        db,
        secretariat,
        meeting,
        items[0],
        outcome="acuerdo_con_reservas",
        text="Se aprueba. Reserva de la Defensoría: «la consulta previa debe constar en la ley».",
    )
    decision = service.decide_item(
        db,
        secretariat,
        meeting,
        items[1],
        outcome="acuerdo",
        text="Se acoge la gratuidad.",
        expected_version=1,
    )
    db.commit()

    # Accepted through the merge path: a new version, credited to the session.
    assert decision.result_version == 2
    assert db.get_one(Amendment, amendment.id).status == "accepted"
    assert entry_of(db, draft, "Artículo 4.").version == 2
    accepted = db.exec(select(AuditEvent).where(AuditEvent.action == "amendment.accepted")).one()
    assert accepted.details["session"]["number"] == 1
    assert "Rosa Villanueva (Defensoría del Pueblo)" in accepted.details["session"]["present"]
    said = describe(accepted, link=lambda e: None, actor_link=None, names={})
    assert "en la 1.ª sesión" in said
    assert service.decided_in(db, amendment.id or 0).id == meeting.id  # type: ignore[union-attr]

    declared = db.exec(select(Position).where(Position.member_id == rosa.id)).one()
    assert declared.declared_in_meeting_id == meeting.id
    event = db.exec(
        select(AuditEvent)
        .where(AuditEvent.action == "position.recorded")
        .order_by(col(AuditEvent.seq).desc())
    ).first()
    assert event is not None and event.actor_id == secretariat.id
    assert "en nombre de Rosa Villanueva" in describe(
        event, link=lambda e: None, actor_link=None, names={}
    )

    service.conclude(db, secretariat, meeting)
    text = minutes.generated_text(db, meeting)
    for organization in (
        "Defensoría del Pueblo",
        "Federación de Mineros Artesanales de Puno",
        "Comisión de Energía y Minas",
        "Ministerio de Energía y Minas",
    ):
        assert organization in text
    assert "CooperAcción" not in text  # absent
    assert "«la consulta previa debe constar en la ley»" in text  # verbatim
    assert "Se acoge la gratuidad." in text and "Se posterga a la próxima sesión." in text
    assert "versión resultante: 2" in text
    assert "Acuerdo con reservas" in text and "Postergado" in text

    # Edited before approval; the edited text is what is exported.
    service.edit_minutes(db, secretariat, meeting, text + "\nSe levantó la sesión a las 13:00.\n")
    assert "Se levantó la sesión" in minutes.text_of(db, meeting)
    snapshot = service.freeze_at_close(db, secretariat, meeting)
    assert db.get_one(Snapshot, snapshot.id).label == "Al cierre de la 1.ª sesión"

    # Approved at the next session.
    second = convene(db, secretariat, draft)
    service.start(db, secretariat, second)
    service.set_attendance(db, secretariat, second, [m.id or 0 for m in present])
    service.approve_minutes(
        db,
        secretariat,
        second,
        meeting,
        outcome="acuerdo",
        text="Se aprueba el acta de la 1.ª sesión.",
    )
    db.commit()
    assert db.get_one(Meeting, meeting.id).minutes_approved_in_id == second.id
    with pytest.raises(service.WrongStatus):
        service.edit_minutes(db, secretariat, meeting, "otra")
    assert "Acta de la 1.ª sesión: Acuerdo" in minutes.generated_text(db, second)


def test_an_acta_is_approved_only_later_and_once(
    db: Session, draft: Draft, secretariat: Member
) -> None:
    first = convene(db, secretariat, draft)
    second = convene(db, secretariat, draft)
    service.start(db, secretariat, second)
    service.set_attendance(db, secretariat, second, [secretariat.id or 0])
    with pytest.raises(service.WrongStatus):  # the first is not concluded
        service.approve_minutes(db, secretariat, second, first, outcome="acuerdo", text="Sí")
    service.start(db, secretariat, first)
    with pytest.raises(service.InvalidInput):  # not by itself nor by an earlier session
        service.approve_minutes(db, secretariat, first, second, outcome="acuerdo", text="Sí")
