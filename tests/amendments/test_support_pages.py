"""Adhesions and the secretariat's proposal through the pages, as signed-in people use them:
adhering and withdrawing, refused forms answered beside their field, the queue by support."""

import re

from fastapi.testclient import TestClient
from sqlmodel import Session

from app.amendments import service, support
from app.amendments.models import Amendment
from app.drafts.models import Draft
from app.members.models import Member
from tests.factories import make_draft, make_member, post_form, sign_in, uid_of

ARTICLE_2 = (
    "2.1 Se aplica en todo el territorio de la República.\n2.2 No comprende a la gran minería."
)


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


def miners(db: Session) -> Member:
    return make_member(
        db,
        name="Juana Mamani Choque",
        sector="miners_organization",
        organization="Federación de Mineros Artesanales de Puno",
    )


def ombudsman(db: Session) -> Member:
    return make_member(
        db, name="Rosa Villanueva Paredes", sector="ombudsman", organization="Defensoría del Pueblo"
    )


def error_beside(page: str, field_id: str) -> str:
    """The form error announced just before the field `field_id`, which points to it."""
    match = re.search(
        r'<p class="form-error"[^>]*id="([^"]+)">([^<]+)</p>\s*<(?:textarea|input)[^>]*id="'
        + field_id
        + r'"[^>]*aria-describedby="\1"',
        page,
    )
    assert match, f"no error beside #{field_id}"
    return match.group(2)


class TestAdhering:
    def test_a_member_adheres_and_withdraws_from_the_amendment_page(
        self, client: TestClient, db: Session
    ) -> None:
        draft = make_draft(db)
        amendment = propose(db, draft, miners(db))
        page = f"/amendments/{amendment.id}"
        sign_in(client, ombudsman(db))
        assert "Respaldada por 1 organización de 1 sector" in client.get(page).text
        adhered = post_form(client, f"{page}/support")
        assert adhered.status_code == 303
        shown = client.get(adhered.headers["location"]).text
        assert "Su adhesión quedó registrada" in shown
        assert "Respaldada por 2 organizaciones de 2 sectores" in shown
        assert "Defensoría del Pueblo" in shown and "Retirar mi adhesión" in shown
        withdrawn = post_form(client, f"{page}/support/withdraw")
        assert withdrawn.status_code == 303
        assert "Respaldada por 1 organización de 1 sector" in client.get(page).text

    def test_adhering_again_from_a_stale_page_is_refused_on_the_page(
        self, client: TestClient, db: Session
    ) -> None:
        draft = make_draft(db)
        amendment = propose(db, draft, miners(db))
        sign_in(client, ombudsman(db))
        url = f"/amendments/{amendment.id}/support"
        assert post_form(client, url).status_code == 303
        again = post_form(client, url)  # the button of a page opened before the first
        assert again.status_code == 409
        assert 'class="form-error"' in again.text and "Usted ya se adhirió" in again.text

    def test_the_author_sees_no_button_and_an_observer_is_refused(
        self, client: TestClient, db: Session
    ) -> None:
        draft = make_draft(db)
        author = miners(db)
        amendment = propose(db, draft, author)
        sign_in(client, author)
        assert "Adherirme a esta enmienda" not in client.get(f"/amendments/{amendment.id}").text
        client.cookies.clear()
        sign_in(client, make_member(db, role="observer"))
        page = client.get(f"/amendments/{amendment.id}").text
        assert "Adherirme a esta enmienda" not in page
        assert post_form(client, f"/amendments/{amendment.id}/support").status_code == 403

    def test_the_author_is_told_what_is_still_missing_before_the_queue(
        self, client: TestClient, db: Session
    ) -> None:
        draft = make_draft(db)
        author = miners(db)
        secretariat = make_member(db, role="secretariat")
        support.set_rule(db, secretariat, draft, min_organizations=3, min_sectors=2)
        amendment = propose(db, draft, author)
        sign_in(client, author)
        page = client.get(f"/amendments/{amendment.id}").text
        assert "Reuniendo adhesiones" in page
        assert "Tiene 1 de 3 organizaciones y 1 de 2 sectores" in page
        mine = client.get("/me/contributions").text
        assert "reuniendo adhesiones" in mine
        assert "Respaldada por 1 organización de 1 sector" in mine
        for member in (ombudsman(db), make_member(db, sector="labour", organization="MTPE")):
            support.adhere(db, member, amendment)
        db.commit()
        assert "reuniendo adhesiones" not in client.get("/me/contributions").text
        assert "Reuniendo adhesiones" not in client.get(f"/amendments/{amendment.id}").text


class TestProposalForm:
    def test_the_secretariat_publishes_and_members_read_it(
        self, client: TestClient, db: Session
    ) -> None:
        draft = make_draft(db)
        amendment = propose(db, draft, miners(db))
        sign_in(client, make_member(db, role="secretariat", name="Lucía Quispe Mamani"))
        published = post_form(
            client,
            f"/amendments/{amendment.id}/proposal",
            {"proposal": "reject", "note": "Excede el objeto de la ley", "text": ARTICLE_2},
        )
        assert published.status_code == 303
        client.cookies.clear()
        sign_in(client, ombudsman(db))
        page = client.get(f"/amendments/{amendment.id}").text
        assert "No acoger" in page and "Excede el objeto de la ley" in page
        assert "Publicar la propuesta" not in page  # the form is the secretariat's

    def test_a_missing_note_is_refused_beside_it_with_the_text_kept(
        self, client: TestClient, db: Session
    ) -> None:
        draft = make_draft(db)
        amendment = propose(db, draft, miners(db))
        sign_in(client, make_member(db, role="secretariat"))
        typed = "2.1 Se aplica en todo el país.\n2.2 No comprende a la gran minería."
        refused = post_form(
            client,
            f"/amendments/{amendment.id}/proposal",
            {"proposal": "accept_modified", "note": "", "text": typed},
        )
        assert refused.status_code == 422
        assert "la nota es obligatoria" in error_beside(refused.text, "proposal-note")
        assert "2.1 Se aplica en todo el país." in refused.text
        assert re.search(r'value="accept_modified" required checked', refused.text)
        assert support.proposal_of(db, amendment) is None

    def test_accept_with_modifications_without_text_is_refused_beside_the_text(
        self, client: TestClient, db: Session
    ) -> None:
        draft = make_draft(db)
        amendment = propose(db, draft, miners(db))
        sign_in(client, make_member(db, role="secretariat"))
        refused = post_form(
            client,
            f"/amendments/{amendment.id}/proposal",
            {"proposal": "accept_modified", "note": "Con una precisión", "text": " "},
        )
        assert refused.status_code == 422
        assert "Escriba el texto" in error_beside(refused.text, "proposal-text")
        assert "Con una precisión" in refused.text

    def test_a_member_cannot_publish_one(self, client: TestClient, db: Session) -> None:
        draft = make_draft(db)
        amendment = propose(db, draft, miners(db))
        sign_in(client, ombudsman(db))
        refused = post_form(
            client, f"/amendments/{amendment.id}/proposal", {"proposal": "accept", "note": "Sí"}
        )
        assert refused.status_code == 403

    def test_the_decision_shows_whether_it_followed_the_proposal(
        self, client: TestClient, db: Session
    ) -> None:
        draft = make_draft(db)
        amendment = propose(db, draft, miners(db))
        secretariat = make_member(db, role="secretariat")
        sign_in(client, secretariat)
        url = f"/amendments/{amendment.id}"
        post_form(client, f"{url}/proposal", {"proposal": "accept", "note": "Procede"})
        decided = post_form(client, f"{url}/reject", {"reason": "Finalmente no procede"})
        assert decided.status_code == 303
        page = client.get(url).text
        assert "La decisión se aparta de la propuesta de la Secretaría (Acoger)" in page
        record = client.get("/registro").text
        assert "apartándose de la propuesta de la Secretaría" in record


class TestQueue:
    def test_sorted_by_support_and_filtered_on_the_page(
        self, client: TestClient, db: Session
    ) -> None:
        draft = make_draft(db)
        narrow = propose(db, draft, miners(db), "Artículo 1.")
        broad = propose(db, draft, make_member(db, sector="congress", organization="Congreso"),
                        "Artículo 4.")  # fmt: skip
        support.adhere(db, ombudsman(db), broad)
        db.commit()
        sign_in(client, make_member(db, role="secretariat"))
        queue = f"/drafts/{draft.slug}/queue"

        def order(query: str = "") -> list[str]:
            page = client.get(f"{queue}{query}")
            assert page.status_code == 200
            return re.findall(r'<a href="/amendments/(\d+)">#', page.text)

        assert order() == [str(narrow.id), str(broad.id)]
        assert order("?sort=support") == [str(broad.id), str(narrow.id)]
        assert order("?min_sectors=2") == [str(broad.id)]
        page = client.get(f"{queue}?sort=support").text
        assert "Respaldada por 2 organizaciones de 2 sectores" in page
        assert client.get(f"{queue}?sort=popular").status_code == 422
        assert client.get(f"{queue}?min_sectors=-1").status_code == 422

    def test_the_minimum_rule_form_refuses_beside_its_field(
        self, client: TestClient, db: Session
    ) -> None:
        draft = make_draft(db)
        propose(db, draft, miners(db))
        sign_in(client, make_member(db, role="secretariat"))
        url = f"/drafts/{draft.slug}/queue/support-rule"
        refused = post_form(client, url, {"min_organizations": "3", "min_sectors": "muchos"})
        assert refused.status_code == 422
        assert "número entero" in error_beside(refused.text, "rule-sectors")
        saved = post_form(client, url, {"min_organizations": "2", "min_sectors": "2"})
        assert saved.status_code == 303
        page = client.get(f"/drafts/{draft.slug}/queue").text
        assert "2 organizaciones de 2 sectores), aún no en la cola: 1." in page
        assert not re.search(r'<a href="/amendments/\d+">#', page)  # the queue is empty
