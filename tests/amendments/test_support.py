"""Adhesions, the secretariat's proposed handling and the minimum support rule: the service,
the API as programs use it, and the merge queue's order by support. Organizations and sectors
are the demo accounts' (app/members/demo.py)."""

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlmodel import Session, col, select

from app.amendments import lists, service, support
from app.amendments.models import Adhesion, Amendment, AmendmentProposal
from app.audit.models import AuditEvent
from app.audit.service import actor_of
from app.core.db import write_session
from app.core.errors import Forbidden, InvalidInput, NotFound
from app.core.pagination import PageRequest
from app.drafts.models import Draft, Phase
from app.drafts.service import PhaseClosed, set_phase
from app.members import service as members
from app.members.demo import DEMO_ACCOUNTS
from app.members.models import Member
from tests.factories import entry_of, make_draft, make_member, uid_of
from tests.races import committed, meeting_at_first_write, real_client, together

ARTICLE_2 = (
    "2.1 Se aplica en todo el territorio de la República.\n2.2 No comprende a la gran minería."
)


def demo(db: Session, email: str) -> Member:
    """A member as the demo account with that e-mail: its name, organization and sector."""
    for address, name, role, organization, sector, region in DEMO_ACCOUNTS:
        if address == email:
            return make_member(
                db,
                role=role,
                name=name,
                sector=sector,
                organization=organization,
                region=region,
                email=f"t-{address}",
            )
    raise AssertionError(email)


@pytest.fixture
def draft(db: Session) -> Draft:
    return make_draft(db)


@pytest.fixture
def author(db: Session) -> Member:
    return demo(db, "mineros@mesa.example")  # Federación de Mineros Artesanales de Puno


@pytest.fixture
def secretariat(db: Session) -> Member:
    return demo(db, "secretaria@mesa.example")


def propose(db: Session, draft: Draft, author: Member, label: str = "Artículo 2.") -> Amendment:
    amendment = service.submit_amendment(
        db,
        author,
        draft,
        kind="modify",
        target_uid=uid_of(db, draft, label),
        rationale="Precisión del ámbito",
        base_version=1,
        text=ARTICLE_2 if label == "Artículo 2." else "Texto nuevo del artículo.",
    )
    db.commit()
    return amendment


def actions(db: Session, amendment: Amendment) -> list[str]:
    return list(
        db.exec(
            select(AuditEvent.action)
            .where(AuditEvent.object == f"amendment:{amendment.id}")
            .order_by(col(AuditEvent.seq))
        ).all()
    )


class TestAdhere:
    def test_adhesions_are_counted_by_organization_and_sector_the_authors_first(
        self, db: Session, draft: Draft, author: Member
    ) -> None:
        amendment = propose(db, draft, author)
        assert support.support_phrase(support.support_of(db, amendment)) == (
            "Respaldada por 1 organización de 1 sector"
        )
        support.adhere(db, demo(db, "defensoria@mesa.example"), amendment)
        support.adhere(db, demo(db, "minem@mesa.example"), amendment)
        # A second person of the same organization is a second adhesion, not a second one.
        colleague = make_member(
            db,
            name="Otra de la Defensoría",
            sector="ombudsman",
            organization="Defensoría del Pueblo",
        )
        support.adhere(db, colleague, amendment)
        db.commit()
        backing = support.support_of(db, amendment)
        assert backing.organizations == [
            "Federación de Mineros Artesanales de Puno",
            "Defensoría del Pueblo",
            "Ministerio de Energía y Minas",
        ]
        assert backing.sectors == ["miners_organization", "ombudsman", "executive"]
        assert backing.count == 3
        assert support.support_phrase(backing) == "Respaldada por 3 organizaciones de 3 sectores"
        assert actions(db, amendment).count("amendment.supported") == 3

    def test_adhering_twice_is_409_and_records_one(
        self, db: Session, draft: Draft, author: Member
    ) -> None:
        amendment = propose(db, draft, author)
        member = demo(db, "defensoria@mesa.example")
        support.adhere(db, member, amendment)
        with pytest.raises(support.AlreadySupported) as refused:
            support.adhere(db, member, amendment)
        assert refused.value.status_code == 409
        assert len(db.exec(select(Adhesion)).all()) == 1

    def test_the_author_does_not_adhere_to_their_own(
        self, db: Session, draft: Draft, author: Member
    ) -> None:
        amendment = propose(db, draft, author)
        with pytest.raises(support.OwnAmendment):
            support.adhere(db, author, amendment)

    def test_an_observer_cannot_adhere(self, db: Session, draft: Draft, author: Member) -> None:
        amendment = propose(db, draft, author)
        with pytest.raises(Forbidden):
            support.adhere(db, demo(db, "observador@mesa.example"), amendment)

    def test_a_decided_amendment_takes_no_adhesion_and_keeps_its_own(
        self, db: Session, draft: Draft, author: Member, secretariat: Member
    ) -> None:
        amendment = propose(db, draft, author)
        early = demo(db, "defensoria@mesa.example")
        support.adhere(db, early, amendment)
        service.reject(db, secretariat, amendment, "Fuera del objeto de la ley")
        db.commit()
        with pytest.raises(service.AlreadyDecided):
            support.adhere(db, demo(db, "trabajo@mesa.example"), amendment)
        with pytest.raises(service.AlreadyDecided):
            support.withdraw_adhesion(db, early, amendment)
        assert support.support_of(db, amendment).count == 1

    def test_a_closed_draft_takes_no_adhesion(
        self, db: Session, draft: Draft, author: Member, secretariat: Member
    ) -> None:
        amendment = propose(db, draft, author)
        set_phase(db, actor_of(secretariat), draft, Phase.CLOSED)
        db.commit()
        with pytest.raises(PhaseClosed):
            support.adhere(db, demo(db, "trabajo@mesa.example"), amendment)

    def test_adhering_moves_the_drafts_revision(
        self, db: Session, draft: Draft, author: Member
    ) -> None:
        amendment = propose(db, draft, author)
        member = demo(db, "trabajo@mesa.example")
        before = db.get_one(Draft, draft.id).revision
        support.adhere(db, member, amendment)
        db.commit()
        db.refresh(draft)
        assert draft.revision == before + 1


class TestWithdrawAdhesion:
    def test_a_member_withdraws_their_adhesion_while_it_is_pending(
        self, db: Session, draft: Draft, author: Member
    ) -> None:
        amendment = propose(db, draft, author)
        member = demo(db, "defensoria@mesa.example")
        support.adhere(db, member, amendment)
        support.withdraw_adhesion(db, member, amendment)
        db.commit()
        assert support.support_of(db, amendment).organizations == [
            "Federación de Mineros Artesanales de Puno"
        ]
        assert actions(db, amendment)[-1] == "amendment.support_withdrawn"
        support.adhere(db, member, amendment)  # and may adhere again

    def test_withdrawing_an_adhesion_never_given_is_404(
        self, db: Session, draft: Draft, author: Member
    ) -> None:
        amendment = propose(db, draft, author)
        with pytest.raises(NotFound):
            support.withdraw_adhesion(db, demo(db, "trabajo@mesa.example"), amendment)


class TestProposal:
    def test_published_then_the_decision_records_that_it_followed_it(
        self, db: Session, draft: Draft, author: Member, secretariat: Member
    ) -> None:
        amendment = propose(db, draft, author)
        support.publish_proposal(
            db, secretariat, amendment, proposal="reject", note="Excede el objeto de la ley"
        )
        db.commit()
        assert actions(db, amendment)[-1] == "amendment.proposal_published"
        service.reject(db, secretariat, amendment, "Como se propuso")
        db.commit()
        proposal = support.proposal_of(db, amendment)
        assert proposal is not None and proposal.followed is True
        event = db.exec(select(AuditEvent).where(AuditEvent.action == "amendment.rejected")).one()
        assert event.details["followed_proposal"] is True

    def test_accept_with_modifications_carries_its_text_and_a_departure_is_recorded(
        self, db: Session, draft: Draft, author: Member, secretariat: Member
    ) -> None:
        amendment = propose(db, draft, author)
        modified = "2.1 Se aplica en todo el territorio nacional, incluidas las zonas de frontera."
        support.publish_proposal(
            db,
            secretariat,
            amendment,
            proposal="accept_modified",
            note="Se acoge con una precisión",
            text=modified + "\n2.2 No comprende a la gran minería.",
        )
        db.commit()
        proposal = support.proposal_of(db, amendment)
        assert proposal is not None and proposal.text is not None
        assert support.proposal_text(proposal, entry_of(db, draft, "Artículo 2.")).startswith(
            modified
        )
        # The secretariat accepts the amendment as written after all.
        service.accept(db, secretariat, draft, amendment, expected_version=1, reason="Conforme")
        db.commit()
        db.refresh(proposal)
        assert proposal.followed is False
        event = db.exec(select(AuditEvent).where(AuditEvent.action == "amendment.accepted")).one()
        assert event.details["proposal"] == "accept_modified"
        assert event.details["followed_proposal"] is False

    def test_accept_with_modifications_needs_the_text(
        self, db: Session, draft: Draft, author: Member, secretariat: Member
    ) -> None:
        amendment = propose(db, draft, author)
        with pytest.raises(InvalidInput) as refused:
            support.publish_proposal(
                db, secretariat, amendment, proposal="accept_modified", note="Con cambios"
            )
        assert refused.value.details["field"] == "text"

    def test_a_note_is_required_and_the_kind_must_be_known(
        self, db: Session, draft: Draft, author: Member, secretariat: Member
    ) -> None:
        amendment = propose(db, draft, author)
        with pytest.raises(InvalidInput) as no_note:
            support.publish_proposal(db, secretariat, amendment, proposal="accept", note="  ")
        assert no_note.value.details["field"] == "note"
        with pytest.raises(InvalidInput) as unknown:
            support.publish_proposal(db, secretariat, amendment, proposal="maybe", note="¿?")
        assert unknown.value.details["field"] == "proposal"

    def test_publishing_again_replaces_it_and_both_stay_in_the_record(
        self, db: Session, draft: Draft, author: Member, secretariat: Member
    ) -> None:
        amendment = propose(db, draft, author)
        support.publish_proposal(db, secretariat, amendment, proposal="reject", note="Primero")
        support.publish_proposal(db, secretariat, amendment, proposal="accept", note="Revisado")
        db.commit()
        rows = db.exec(select(AmendmentProposal)).all()
        assert [(r.proposal, r.note) for r in rows] == [("accept", "Revisado")]
        assert actions(db, amendment).count("amendment.proposal_published") == 2


class TestMinimumRule:
    def test_an_amendment_reaches_the_queue_once_it_has_the_support_asked(
        self, db: Session, draft: Draft, author: Member, secretariat: Member
    ) -> None:
        amendment = propose(db, draft, author)
        support.set_rule(db, secretariat, draft, min_organizations=3, min_sectors=2)
        db.commit()

        def queued() -> list[int | None]:
            queue = lists.merge_queue(db, draft, paging=PageRequest(1, 10))
            return [i.amendment.id for g in queue.groups.items for i in g.items]

        assert queued() == []
        assert lists.merge_queue(db, draft, paging=PageRequest(1, 10)).gathering == 1
        # Two more people of one other organization: 2 organizations, 2 sectors. Not yet.
        support.adhere(db, demo(db, "defensoria@mesa.example"), amendment)
        support.adhere(
            db, make_member(db, sector="ombudsman", organization="Defensoría del Pueblo"), amendment
        )
        db.commit()
        assert queued() == []
        support.adhere(db, demo(db, "sociedad@mesa.example"), amendment)
        db.commit()
        assert queued() == [amendment.id]

    def test_a_rule_out_of_range_is_refused_beside_its_field(
        self, db: Session, draft: Draft, secretariat: Member
    ) -> None:
        with pytest.raises(InvalidInput) as too_many:
            support.set_rule(db, secretariat, draft, min_organizations=3, min_sectors=10)
        assert too_many.value.details["field"] == "min_sectors"
        with pytest.raises(InvalidInput) as fewer:
            support.set_rule(db, secretariat, draft, min_organizations=1, min_sectors=2)
        assert fewer.value.details["field"] == "min_organizations"


class TestQueueBySupport:
    def test_sorted_by_breadth_of_support_and_filtered_by_it(
        self, db: Session, draft: Draft, author: Member
    ) -> None:
        narrow = propose(db, draft, author, "Artículo 1.")
        broad = propose(db, draft, demo(db, "congreso@mesa.example"), "Artículo 4.")
        for email in ("defensoria@mesa.example", "trabajo@mesa.example"):
            support.adhere(db, demo(db, email), broad)
        # The same organization typed otherwise is still one organization.
        colleague = make_member(db, sector="ombudsman", organization=" defensoría del pueblo ")
        support.adhere(db, colleague, broad)
        db.commit()

        def clauses(**options: object) -> list[str]:
            queue = lists.merge_queue(db, draft, paging=PageRequest(1, 10), **options)  # type: ignore[arg-type]
            return [g.entry.label.text for g in queue.groups.items]

        assert clauses() == ["Artículo 1.", "Artículo 4."]  # document order
        assert clauses(sort="support") == ["Artículo 4.", "Artículo 1."]
        assert clauses(min_sectors=2) == ["Artículo 4."]
        assert clauses(min_organizations=4) == []
        queue = lists.merge_queue(db, draft, paging=PageRequest(1, 10), sort="support")
        assert queue.groups.items[0].items[0].support.count == 3
        assert len(queue.groups.items[0].items[0].support.organizations) == 3
        assert narrow.id is not None


class TestSummaries:
    def test_support_and_proposal_of_several_amendments_for_the_matriz(
        self, db: Session, draft: Draft, author: Member, secretariat: Member
    ) -> None:
        first = propose(db, draft, author, "Artículo 1.")
        second = propose(db, draft, author, "Artículo 4.")
        support.adhere(db, demo(db, "defensoria@mesa.example"), first)
        support.publish_proposal(db, secretariat, second, proposal="accept", note="Procede")
        db.commit()
        assert first.id and second.id
        summaries = support.support_summaries(db, [first.id, second.id, 999_999])
        assert set(summaries) == {first.id, second.id}
        assert summaries[first.id].organizations == [
            "Federación de Mineros Artesanales de Puno",
            "Defensoría del Pueblo",
        ]
        assert summaries[first.id].count == 1 and summaries[first.id].proposal is None
        assert summaries[second.id].proposal == "accept"
        assert summaries[second.id].phrase == "Respaldada por 1 organización de 1 sector"


# The API ------------------------------------------------------------------------------------


def bearer(db: Session, member: Member) -> dict[str, str]:
    _token, raw = members.create_api_token(db, member, "api")
    db.commit()
    return {"Authorization": f"Bearer {raw}"}


class TestApi:
    def test_adhere_show_withdraw(
        self, client: TestClient, db: Session, draft: Draft, author: Member
    ) -> None:
        amendment = propose(db, draft, author)
        url = f"/api/v1/amendments/{amendment.id}"
        member = bearer(db, demo(db, "defensoria@mesa.example"))
        adhered = client.post(f"{url}/support", headers=member)
        assert adhered.status_code == 201, adhered.text
        shown = client.get(url).json()
        assert shown["supporters"] == [
            {
                "name": "Rosa Villanueva Paredes",
                "organization": "Defensoría del Pueblo",
                "sector": "ombudsman",
            }
        ]
        assert shown["support"]["sectors"] == ["miners_organization", "ombudsman"]
        assert shown["proposal"] is None
        twice = client.post(f"{url}/support", headers=member)
        assert twice.status_code == 409
        assert twice.json()["error"]["code"] == "already_supported"
        withdrawn = client.delete(f"{url}/support", headers=member)
        assert withdrawn.status_code == 200
        assert client.get(url).json()["supporters"] == []
        assert client.delete(f"{url}/support", headers=member).status_code == 404

    def test_an_observer_or_nobody_cannot_adhere(
        self, client: TestClient, db: Session, draft: Draft, author: Member
    ) -> None:
        amendment = propose(db, draft, author)
        url = f"/api/v1/amendments/{amendment.id}/support"
        observer = bearer(db, demo(db, "observador@mesa.example"))
        assert client.post(url, headers=observer).status_code == 403
        assert client.post(url).status_code in (401, 403)
        assert client.post("/api/v1/amendments/999999/support", headers=observer).status_code in (
            403,
            404,
        )

    def test_after_the_decision_an_adhesion_is_refused(
        self, client: TestClient, db: Session, draft: Draft, author: Member, secretariat: Member
    ) -> None:
        amendment = propose(db, draft, author)
        service.reject(db, secretariat, amendment, "No procede")
        db.commit()
        member = bearer(db, demo(db, "trabajo@mesa.example"))
        refused = client.post(f"/api/v1/amendments/{amendment.id}/support", headers=member)
        assert refused.status_code == 409
        assert refused.json()["error"]["code"] == "already_decided"

    def test_the_secretariat_publishes_a_proposal_members_cannot(
        self, client: TestClient, db: Session, draft: Draft, author: Member, secretariat: Member
    ) -> None:
        amendment = propose(db, draft, author)
        url = f"/api/v1/amendments/{amendment.id}/proposal"
        body = {
            "proposal": "accept_modified",
            "note": "Se precisa",
            "text": "2.1 Se aplica en todo el país.\n2.2 No comprende a la gran minería.",
        }
        member = bearer(db, demo(db, "trabajo@mesa.example"))
        assert client.put(url, json=body, headers=member).status_code == 403
        published = client.put(url, json=body, headers=bearer(db, secretariat))
        assert published.status_code == 200, published.text
        proposal = client.get(f"/api/v1/amendments/{amendment.id}").json()["proposal"]
        assert proposal["proposal"] == "accept_modified" and proposal["note"] == "Se precisa"
        assert proposal["text"].startswith("2.1 Se aplica en todo el país.")
        assert proposal["followed"] is None
        missing = client.put(url, json={"proposal": "accept_modified", "note": "x"},
                             headers=bearer(db, secretariat))  # fmt: skip
        assert missing.status_code == 422
        service.reject(db, secretariat, amendment, "No procede")
        db.commit()
        late = client.put(url, json={"proposal": "reject", "note": "Tarde"},
                          headers=bearer(db, secretariat))  # fmt: skip
        assert late.status_code == 409
        assert (
            client.get(f"/api/v1/amendments/{amendment.id}").json()["proposal"]["followed"] is False
        )

    def test_the_support_rule_is_read_and_set_by_the_secretariat(
        self, client: TestClient, db: Session, draft: Draft, secretariat: Member
    ) -> None:
        url = f"/api/v1/drafts/{draft.slug}/support-rule"
        assert client.get(url).json() == {"min_organizations": 1, "min_sectors": 1}
        body = {"min_organizations": 3, "min_sectors": 2}
        member = bearer(db, demo(db, "trabajo@mesa.example"))
        assert client.put(url, json=body, headers=member).status_code == 403
        assert client.put(url, json=body, headers=bearer(db, secretariat)).json() == body
        assert client.get(url).json() == body
        too_many = client.put(url, json={"min_organizations": 3, "min_sectors": 99},
                              headers=bearer(db, secretariat))  # fmt: skip
        assert too_many.status_code == 422


def test_two_identical_adhesions_at_once_one_is_409(engine: Engine) -> None:
    """A double click, or two tabs: on PostgreSQL both have checked (no adhesion yet) before
    either writes; the unique constraint lets one in and the other is told, never a 500."""
    with committed(engine):
        with write_session(engine) as session:
            draft = make_draft(session, slug="carrera-adhesiones")
            author = make_member(session, sector="miners_organization", organization="Fenamarpe")
            amendment = propose(session, draft, author)
            member = make_member(session, sector="ombudsman", organization="Defensoría")
            _token, raw = members.create_api_token(session, member, "api")
            session.commit()
            url, amendment_id = f"/api/v1/amendments/{amendment.id}/support", amendment.id
        headers = {"Authorization": f"Bearer {raw}"}
        with real_client(engine) as client, meeting_at_first_write(engine):
            responses = together(
                lambda: client.post(url, headers=headers), lambda: client.post(url, headers=headers)
            )
        statuses = sorted(getattr(r, "status_code", r) for r in responses)
        assert statuses == [201, 409]
        with write_session(engine) as session:
            rows = session.exec(select(Adhesion).where(Adhesion.amendment_id == amendment_id))
            assert len(rows.all()) == 1


def test_two_members_adhering_at_once_are_both_recorded(engine: Engine) -> None:
    with committed(engine):
        with write_session(engine) as session:
            draft = make_draft(session, slug="carrera-dos-adhesiones")
            author = make_member(session, sector="miners_organization", organization="Fenamarpe")
            amendment = propose(session, draft, author)
            tokens = []
            for sector, organization in (("ombudsman", "Defensoría"), ("labour", "MTPE")):
                member = make_member(session, sector=sector, organization=organization)
                tokens.append(members.create_api_token(session, member, "api")[1])
            session.commit()
            url, amendment_id = f"/api/v1/amendments/{amendment.id}/support", amendment.id
        with real_client(engine) as client, meeting_at_first_write(engine):
            responses = together(
                *(
                    lambda raw=raw: client.post(url, headers={"Authorization": f"Bearer {raw}"})
                    for raw in tokens
                )
            )
        assert [getattr(r, "status_code", r) for r in responses] == [201, 201]
        with write_session(engine) as session:
            amendment = session.get_one(Amendment, amendment_id)
            sectors = support.support_of(session, amendment).sectors
            assert sectors[0] == "miners_organization"  # the author's, then in either order
            assert sorted(sectors[1:]) == ["labour", "ombudsman"]
