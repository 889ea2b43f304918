"""Regional workshops: recorded by the secretariat with participants counted by gender, never
named; what was said there entered on the workshop's behalf and shown, with the channel
"Taller", in the article, the queue, the record and the matriz de aportes."""

from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from app.audit.models import AuditEvent
from app.comments.models import Comment
from app.core.errors import Forbidden, InvalidInput
from app.drafts.models import Draft
from app.export import annexes
from app.intake import service as intake
from app.intake.models import Receipt
from app.workshops import service
from app.workshops.models import Workshop
from tests.factories import (
    entry_of,
    make_draft,
    make_member,
    post_form,
    sign_in,
    token_headers,
    uid_of,
)

JULIACA = {
    "title": "Taller de Juliaca",
    "region": "Puno",
    "place": "Local comunal de Juliaca",
    "participants": {"women": 9, "men": 5, "other": 0},
}


def juliaca(**overrides: object) -> dict[str, object]:
    return {**JULIACA, "held_on": intake.today_in_peru().isoformat(), **overrides}


def details(women: int = 9, men: int = 5, other: int = 0) -> service.WorkshopDetails:
    return service.WorkshopDetails(
        "Taller de Juliaca", "Puno", intake.today_in_peru(), women, men, other
    )


def register(client: TestClient, draft: Draft, headers: dict[str, str]) -> dict[str, object]:
    """Juliaca's workshop, through the API: its public view."""
    made = client.post(f"/api/v1/drafts/{draft.slug}/workshops", json=juliaca(), headers=headers)
    assert made.status_code == 201, made.text
    answer: dict[str, object] = made.json()
    return answer


def article(db: Session, draft: Draft, label: str = "Artículo 1.") -> str:
    return f"/drafts/{draft.slug}/provisions/{uid_of(db, draft, label)}"


class TestRegistering:
    def test_through_the_api_by_the_secretariat_only(self, client: TestClient, db: Session) -> None:
        draft = make_draft(db)
        url = f"/api/v1/drafts/{draft.slug}/workshops"
        refused = client.post(url, json=juliaca(), headers=token_headers(db, "member"))
        assert refused.status_code == 403 and db.exec(select(Workshop)).all() == []
        made = client.post(url, json=juliaca(), headers=token_headers(db, "secretariat"))
        assert made.status_code == 201, made.text
        assert made.json()["label"] == "Taller de Juliaca, 14 participantes (9 mujeres)"
        listed = client.get(url)
        assert [w["id"] for w in listed.json()] == [made.json()["id"]]
        assert listed.headers["X-Total-Count"] == "1"
        # The public record holds the total, never the counts by gender.
        event = db.exec(select(AuditEvent).where(AuditEvent.action == "workshop.registered")).one()
        assert event.details["participants"] == 14
        assert "women" not in str(event.details) and "9" not in str(event.details.values())

    def test_bad_input_is_refused_by_field(self, client: TestClient, db: Session) -> None:
        draft = make_draft(db)
        headers = token_headers(db, "secretariat")
        url = f"/api/v1/drafts/{draft.slug}/workshops"
        future = (intake.today_in_peru() + timedelta(days=5)).isoformat()
        for bad, field in (
            (juliaca(region="Atlántida"), "region"),
            (juliaca(held_on=future), "held_on"),
            (juliaca(title="  "), "title"),
            (juliaca(participants={"women": 0, "men": 0, "other": 0}), "participants"),
        ):
            response = client.post(url, json=bad, headers=headers)
            assert response.status_code == 422, bad
            assert response.json()["error"]["field"] == field, bad
        negative = client.post(
            url, json=juliaca(participants={"women": -1}), headers=headers
        )  # pydantic's own bound: a 422, never a 500
        assert negative.status_code == 422
        assert db.exec(select(Workshop)).all() == []

    def test_a_member_cannot_register_one(self, db: Session) -> None:
        draft = make_draft(db)
        with pytest.raises(Forbidden):
            service.register_workshop(db, make_member(db), draft, details())


class TestThePublicLabel:
    @pytest.mark.parametrize(
        ("women", "men", "other", "label"),
        [
            (9, 5, 0, "Taller de Juliaca, 14 participantes (9 mujeres)"),
            # Four men among thirteen: naming nine women would say the rest are four, so
            # neither is said.
            (9, 4, 0, "Taller de Juliaca, 13 participantes"),
            (1, 0, 0, "Taller de Juliaca, 1 participante"),
            (0, 12, 0, "Taller de Juliaca, 12 participantes"),
            (14, 0, 0, "Taller de Juliaca, 14 participantes"),
            (5, 3, 2, "Taller de Juliaca, 10 participantes (5 mujeres)"),
        ],
    )
    def test_never_names_a_group_smaller_than_five(
        self, db: Session, women: int, men: int, other: int, label: str
    ) -> None:
        draft = make_draft(db)
        workshop = service.register_workshop(
            db, make_member(db, role="secretariat"), draft, details(women, men, other)
        )
        assert service.public_label(workshop) == label


class TestContributionsOnItsBehalf:
    def test_a_comment_through_the_api_is_credited_to_the_workshop_everywhere(
        self, client: TestClient, db: Session
    ) -> None:
        draft = make_draft(db)
        headers = token_headers(db, "secretariat")
        workshop = register(client, draft, headers)
        url = f"/api/v1/drafts/{draft.slug}/provisions/{uid_of(db, draft, 'Artículo 1.')}/comments"
        made = client.post(
            url,
            json={"body": "Las pallaqueras piden ser reconocidas.", "workshop": workshop["id"]},
            headers=headers,
        )
        assert made.status_code == 201, made.text
        assert made.json()["channel"] == "workshop"
        label = "Taller de Juliaca, 14 participantes (9 mujeres)"
        assert made.json()["author"] == label
        receipt = db.exec(select(Receipt)).one()
        assert receipt.workshop_id == workshop["id"] and receipt.region == "Puno"
        # The article page, read by anyone: the workshop and the channel "Taller".
        page = client.get(article(db, draft)).text
        assert label in page and "recibido por Taller" in page
        # The matriz de aportes.
        rows = annexes.build(db, draft, {"aportes"}).contributions or []
        assert [(r.contributor, r.channel, r.region) for r in rows] == [(label, "Taller", "Puno")]
        # The record: the event of the comment says how it arrived.
        event = db.exec(select(AuditEvent).where(AuditEvent.action == "comment.added")).one()
        assert event.details["channel"] == "workshop"
        assert f"recibido por Taller: {label}" in client.get("/registro").text

    def test_an_amendment_gathered_in_a_workshop_reaches_the_queue_as_the_workshops(
        self, client: TestClient, db: Session
    ) -> None:
        draft = make_draft(db)
        headers = token_headers(db, "secretariat")
        workshop = register(client, draft, headers)
        made = client.post(
            f"/api/v1/drafts/{draft.slug}/amendments",
            json={
                "kind": "modify",
                "target": uid_of(db, draft, "Artículo 1."),
                "base_version": 1,
                "text": "La presente Ley reconoce a las pallaqueras.",
                "rationale": "Acuerdo del taller.",
                "workshop": workshop["id"],
            },
            headers=headers,
        )
        assert made.status_code == 201, made.text
        assert made.json()["channel"] == "workshop"
        sign_in(client, make_member(db, role="secretariat"))
        queue = client.get(f"/drafts/{draft.slug}/queue").text
        assert "Taller de Juliaca, 14 participantes (9 mujeres)" in queue

    def test_received_and_workshop_together_or_another_drafts_workshop_are_refused(
        self, client: TestClient, db: Session
    ) -> None:
        draft, other = make_draft(db), make_draft(db, "otra-ley")
        headers = token_headers(db, "secretariat")
        theirs = client.post(
            f"/api/v1/drafts/{other.slug}/workshops", json=juliaca(), headers=headers
        ).json()
        url = f"/api/v1/drafts/{draft.slug}/provisions/{uid_of(db, draft, 'Artículo 1.')}/comments"
        elsewhere = client.post(url, json={"body": "x", "workshop": theirs["id"]}, headers=headers)
        assert elsewhere.status_code == 404
        both = client.post(
            url,
            json={
                "body": "x",
                "workshop": theirs["id"],
                "received": {
                    "channel": "email",
                    "contributor": "Ana",
                    "received_on": intake.today_in_peru().isoformat(),
                },
            },
            headers=headers,
        )
        assert both.status_code == 422 and both.json()["error"]["field"] == "workshop"
        member = client.post(
            url, json={"body": "x", "workshop": theirs["id"]}, headers=token_headers(db, "member")
        )
        assert member.status_code == 403
        assert db.exec(select(Comment)).all() == []

    def test_the_secretariat_picks_the_workshop_in_the_article_form(
        self, client: TestClient, db: Session
    ) -> None:
        draft = make_draft(db)
        secretariat = make_member(db, role="secretariat")
        workshop = service.register_workshop(db, secretariat, draft, details())
        db.commit()
        sign_in(client, secretariat)
        page = client.get(article(db, draft)).text
        assert 'name="workshop"' in page
        done = post_form(
            client,
            f"{article(db, draft)}/received",
            {
                "channel": "workshop",
                "workshop": str(workshop.id),
                "received_on": intake.today_in_peru().isoformat(),
                "body": "Más plazo para formalizarse.",
            },
        )
        assert done.status_code == 303, done.text
        client.cookies.clear()
        page = client.get(article(db, draft)).text
        assert "Más plazo para formalizarse." in page
        assert "Taller de Juliaca, 14 participantes (9 mujeres)" in page

    def test_a_bad_workshop_in_the_form_is_refused_beside_the_field(
        self, client: TestClient, db: Session
    ) -> None:
        draft = make_draft(db)
        secretariat = make_member(db, role="secretariat")
        service.register_workshop(db, secretariat, draft, details())
        db.commit()
        sign_in(client, secretariat)
        response = post_form(
            client,
            f"{article(db, draft)}/received",
            {"workshop": "²", "body": "Texto que se conserva."},
        )
        assert response.status_code == 422
        assert 'id="received-workshop-error"' in response.text
        assert "Texto que se conserva." in response.text
        assert db.exec(select(Comment)).all() == []


class TestTheWorkshopsPage:
    def test_the_secretariat_records_one_and_the_public_sees_it(
        self, client: TestClient, db: Session
    ) -> None:
        draft = make_draft(db)
        sign_in(client, make_member(db, role="secretariat"))
        url = f"/drafts/{draft.slug}/workshops"
        typed = {
            "title": "Taller de Puerto Maldonado",
            "region": "Madre de Dios",
            "held_on": intake.today_in_peru().isoformat(),
            "women": "6",
            "men": "x",
        }
        refused = post_form(client, url, typed)
        assert refused.status_code == 422
        assert "Taller de Puerto Maldonado" in refused.text
        done = post_form(client, url, {**typed, "men": "8"})
        assert done.status_code == 303
        client.cookies.clear()
        page = client.get(url).text
        assert "Taller de Puerto Maldonado, 14 participantes (6 mujeres)" in page
        assert "Registrar un taller" not in page


class TestAWorkshopsStance:
    def test_shown_on_the_article_and_not_counted_in_the_consensus(
        self, client: TestClient, db: Session
    ) -> None:
        draft = make_draft(db)
        secretariat = make_member(db, role="secretariat")
        workshop = service.register_workshop(db, secretariat, draft, details())
        db.commit()
        sign_in(client, secretariat)
        done = post_form(
            client,
            f"{article(db, draft)}/workshop-stance",
            {
                "workshop": str(workshop.id),
                "stance": "object",
                "note": "Sin enfoque de género.",
            },
        )
        assert done.status_code == 303, done.text
        client.cookies.clear()
        page = client.get(article(db, draft)).text
        assert "Posiciones de los talleres regionales" in page
        assert "Sin enfoque de género." in page
        assert "no en el consenso del grupo de trabajo" in page
        consensus = client.get(
            f"/api/v1/drafts/{draft.slug}/provisions/{uid_of(db, draft, 'Artículo 1.')}"
        ).json()["consensus"]
        assert consensus["status"] == "no_positions"

    def test_an_unknown_stance_is_refused(self, db: Session) -> None:
        draft = make_draft(db)
        secretariat = make_member(db, role="secretariat")
        workshop = service.register_workshop(db, secretariat, draft, details())
        assert workshop.id is not None
        with pytest.raises(InvalidInput):
            service.record_stance(
                db, secretariat, draft, entry_of(db, draft, "Artículo 1."), workshop.id,
                stance="maybe",
            )  # fmt: skip
