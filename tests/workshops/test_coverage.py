"""Coverage: who has been heard on each article, by region, sector and gender, with the
participation page's protection of small numbers; the secretariat's alert before a round closes
(firing and clearing), and the optional rule that a round may not close without chosen regions."""

from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session

from app.comments import service as comments
from app.consensus import rounds
from app.consensus.models import ConsensusRound
from app.core.errors import Forbidden, InvalidInput
from app.core.models import utcnow
from app.drafts import service as drafts
from app.drafts.models import Draft
from app.intake import service as intake
from app.members.models import Member
from app.workshops import coverage, service
from tests.factories import entry_of, make_draft, make_member, post_form, sign_in


def workshop(
    db: Session, secretariat: Member, draft: Draft, region: str, women: int, men: int
) -> int:
    made = service.register_workshop(
        db,
        secretariat,
        draft,
        service.WorkshopDetails(f"Taller en {region}", region, intake.today_in_peru(), women, men),
    )
    assert made.id is not None
    return made.id


def comment_from_workshop(
    db: Session, secretariat: Member, draft: Draft, workshop_id: int, label: str
) -> None:
    receipt = service.workshop_receipt(db, secretariat, draft, workshop_id)
    comments.add_comment(
        db, secretariat, draft, entry_of(db, draft, label), body="Lo dicho.", receipt=receipt
    )


def open_round(
    db: Session, secretariat: Member, draft: Draft, entry: drafts.OutlineEntry
) -> ConsensusRound:
    return rounds.open_round(
        db, secretariat, draft, "Ronda 1", utcnow() + timedelta(days=3), [entry.uid]
    )


class TestWhoWasHeard:
    def test_members_receipts_and_workshops_by_region_and_sector(self, db: Session) -> None:
        draft = make_draft(db)
        secretariat = make_member(db, role="secretariat")
        entry = entry_of(db, draft, "Artículo 1.")
        member = make_member(db, region="Arequipa", sector="academia", gender="female")
        comments.add_comment(db, member, draft, entry, body="Un comentario.")
        comments.add_comment(db, member, draft, entry, body="Otro, de la misma persona.")
        comment_from_workshop(
            db, secretariat, draft, workshop(db, secretariat, draft, "Puno", 9, 5), "Artículo 1."
        )
        heard = coverage.heard(db, draft, [entry.id])[entry.id]
        assert heard.regions == {"Arequipa": 1, "Puno": 1}  # one person counts once
        assert heard.sectors == {"academia": 1, "miners_organization": 1}
        assert heard.genders == ["female"] and heard.workshop_women == 9
        # In public: one member's gender is never shown; workshop counts are rounded.
        assert heard.public_genders().groups == {}
        assert heard.public_workshop_genders() == {"female": 10, "male": 5}


class TestTheAlert:
    def test_fires_before_the_round_closes_and_clears_once_heard(
        self, client: TestClient, db: Session
    ) -> None:
        draft = make_draft(db)
        secretariat = make_member(db, role="secretariat")
        entry = entry_of(db, draft, "Artículo 2.")
        round_ = open_round(db, secretariat, draft, entry)
        comments.add_comment(
            db, make_member(db, region="Lima Metropolitana", gender="male"), draft, entry, body="x"
        )
        db.commit()
        sign_in(client, secretariat)
        url = f"/drafts/{draft.slug}/rounds/{round_.id}"
        page = client.get(url).text
        assert "Artículo 2: ningún aporte de Arequipa; ningún aporte de Ayacucho" in page
        assert "ningún aporte de Puno; ninguna mujer" in page
        # Nobody but the secretariat sees it: it names an article where no woman was heard.
        client.cookies.clear()
        assert "ninguna mujer" not in client.get(url).text
        sign_in(client, make_member(db))
        assert "ninguna mujer" not in client.get(url).text
        client.cookies.clear()
        # Workshops in every mining region, one with women: the alert clears.
        for region in coverage.MINING_REGIONS:
            women = 8 if region == "Puno" else 0
            comment_from_workshop(
                db, secretariat, draft, workshop(db, secretariat, draft, region, women, 6),
                "Artículo 2.",
            )  # fmt: skip
        db.commit()
        sign_in(client, secretariat)
        page = client.get(url).text
        assert 'id="coverage-alert"' not in page and "ningún aporte" not in page

    def test_the_regions_the_secretariat_chooses_replace_the_mining_regions(
        self, db: Session
    ) -> None:
        draft = make_draft(db)
        secretariat = make_member(db, role="secretariat")
        coverage.set_required_regions(db, secretariat, draft, ["Cusco"])
        entry = entry_of(db, draft, "Artículo 1.")
        [gap] = coverage.gaps(db, draft, [entry])
        assert gap.message == "Artículo 1: ningún aporte de Cusco; ninguna mujer"


class TestTheClosingRule:
    def test_a_round_closes_only_once_the_chosen_regions_are_heard(
        self, client: TestClient, db: Session
    ) -> None:
        draft = make_draft(db)
        secretariat = make_member(db, role="secretariat")
        entry = entry_of(db, draft, "Artículo 1.")
        round_ = open_round(db, secretariat, draft, entry)
        db.commit()
        sign_in(client, secretariat)
        saved = post_form(
            client, f"/drafts/{draft.slug}/coverage", {"regions": ["Puno", "Madre de Dios"]}
        )
        assert saved.status_code == 303
        refused = post_form(client, f"/drafts/{draft.slug}/rounds/{round_.id}/close")
        assert refused.status_code == 409
        assert "Artículo 1. (Madre de Dios, Puno)" in refused.text
        for region in ("Puno", "Madre de Dios"):
            comment_from_workshop(
                db, secretariat, draft, workshop(db, secretariat, draft, region, 5, 5),
                "Artículo 1.",
            )  # fmt: skip
        db.commit()
        closed = post_form(client, f"/drafts/{draft.slug}/rounds/{round_.id}/close")
        assert closed.status_code == 303

    def test_without_chosen_regions_rounds_close_as_before(self, db: Session) -> None:
        draft = make_draft(db)
        secretariat = make_member(db, role="secretariat")
        entry = entry_of(db, draft, "Artículo 1.")
        round_ = open_round(db, secretariat, draft, entry)
        rounds.close_round(db, secretariat, round_)
        assert round_.closed_at is not None

    def test_only_listed_regions_and_only_the_secretariat(self, db: Session) -> None:
        draft = make_draft(db)
        with pytest.raises(Forbidden):
            coverage.set_required_regions(db, make_member(db), draft, ["Puno"])
        with pytest.raises(InvalidInput):
            coverage.set_required_regions(
                db, make_member(db, role="secretariat"), draft, ["Atlántida"]
            )


class TestNoPageRevealsOnePersonsGender:
    def test_the_coverage_page_the_article_and_the_record(
        self, client: TestClient, db: Session
    ) -> None:
        draft = make_draft(db)
        secretariat = make_member(db, role="secretariat")
        entry = entry_of(db, draft, "Artículo 1.")
        # One woman, then four men: the first five are counted, rounded: nobody's is shown.
        people = [make_member(db, gender="female", name="Única Mujer")]
        people += [make_member(db, gender="male", name=f"Hombre {n}") for n in range(4)]
        for person in people:
            comments.add_comment(db, person, draft, entry, body="Opino.")
        comment_from_workshop(
            db, secretariat, draft, workshop(db, secretariat, draft, "Puno", 1, 13), "Artículo 1."
        )
        db.commit()
        page = client.get(f"/drafts/{draft.slug}/coverage").text
        row = page[page.index(f'/provisions/{entry.uid}"') :].split("</tr>")[0]
        assert "Mujer ~" not in row  # 1 of 5 rounds to zero: not listed
        assert "Hombre ~5" in row and "Mujeres" not in row
        # The workshop with one woman says only its total, on the article and in the record.
        article = client.get(f"/drafts/{draft.slug}/provisions/{entry.uid}").text
        assert "Taller en Puno, 14 participantes" in article
        assert "1 mujer" not in article and "1 mujer" not in client.get("/registro").text


class TestARoundsCoverage:
    def test_its_articles_as_heard_by_its_close(self, client: TestClient, db: Session) -> None:
        draft = make_draft(db)
        secretariat = make_member(db, role="secretariat")
        entry = entry_of(db, draft, "Artículo 2.")
        round_ = open_round(db, secretariat, draft, entry)
        rounds.close_round(db, secretariat, round_)
        db.commit()
        # Heard after the close: not in the round's coverage, in the article's.
        comment_from_workshop(
            db, secretariat, draft, workshop(db, secretariat, draft, "Puno", 5, 5), "Artículo 2."
        )
        db.commit()
        of_round = client.get(f"/drafts/{draft.slug}/coverage?round={round_.id}").text
        assert "Ronda 1" in of_round and "Puno (1)" not in of_round
        assert f'/provisions/{entry_of(db, draft, "Artículo 1.").uid}"' not in of_round
        assert "Puno (1)" in client.get(f"/drafts/{draft.slug}/coverage").text
        assert client.get(f"/drafts/{draft.slug}/coverage?round=999").status_code == 404
        assert client.get(f"/drafts/{draft.slug}/coverage?round=x").status_code == 422
