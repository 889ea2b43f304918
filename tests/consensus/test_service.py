"""Positions, stale positions, rounds that freeze, the map and participation."""

import re
from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session

from app.amendments import service as amendments
from app.comments import service as comments
from app.consensus import positions, reports, rounds, rules, service
from app.core.errors import InvalidInput
from app.core.models import utcnow
from app.drafts import service as drafts
from app.drafts.models import Draft
from app.members import service as members
from app.members.models import Member
from tests.factories import entry_of, make_draft, make_member, uid_of

ARTICLE_2 = "2.1 Se aplica en todo el territorio nacional.\n2.2 No comprende a la gran minería."


@pytest.fixture
def draft(db: Session) -> Draft:
    return make_draft(db)


@pytest.fixture
def voters(db: Session) -> list[Member]:
    sectors = ["executive", "congress", "miners_organization", "civil_society"]
    return [make_member(db, name=f"Integrante {s}", sector=s) for s in sectors]


def outcome(db: Session, draft: Draft, label: str) -> rules.Outcome:
    outline = drafts.load_outline(db, draft)
    return reports.outcomes(db, draft, outline)[entry_of(db, draft, label).id]


def everyone_supports(db: Session, draft: Draft, voters: list[Member], label: str) -> None:
    entry = entry_of(db, draft, label)
    for member in voters:
        positions.record_position(
            db, member, draft, entry, stance="support", reason=None, version=entry.version
        )
    db.commit()


class TestPositions:
    def test_everyone_in_support_is_consensus(
        self, db: Session, draft: Draft, voters: list[Member]
    ) -> None:
        everyone_supports(db, draft, voters, "Artículo 2.")
        assert outcome(db, draft, "Artículo 2.").status == "consensus"
        assert outcome(db, draft, "Artículo 1.").status == "no_positions"

    def test_a_changed_position_keeps_its_history(
        self, db: Session, draft: Draft, voters: list[Member]
    ) -> None:
        from sqlmodel import func, select

        from app.consensus.models import PositionRecord

        entry = entry_of(db, draft, "Artículo 2.")
        positions.record_position(
            db, voters[0], draft, entry, stance="support", reason=None, version=1
        )
        positions.record_position(
            db,
            voters[0],
            draft,
            entry,
            stance="object",
            reason="Excluye a la mediana minería",
            version=1,
        )
        db.commit()
        assert positions.my_position(db, voters[0], entry).stance == "object"  # type: ignore[union-attr]
        assert db.exec(select(func.count()).select_from(PositionRecord)).one() == 2

    @pytest.mark.parametrize("stance", ["object", "block", "support_with_reservations"])
    def test_these_stances_need_a_reason(
        self, db: Session, draft: Draft, voters: list[Member], stance: str
    ) -> None:
        entry = entry_of(db, draft, "Artículo 2.")
        with pytest.raises(InvalidInput) as error:
            positions.record_position(
                db, voters[0], draft, entry, stance=stance, reason="  ", version=1
            )
        assert error.value.status_code == 422

    def test_a_position_on_an_old_version_is_409_with_the_current_one(
        self, db: Session, draft: Draft, voters: list[Member]
    ) -> None:
        from app.drafts import editing

        uid = uid_of(db, draft, "Artículo 2.")
        editing.revise(
            db,
            make_member(db, role="secretariat"),
            draft,
            uid=uid,
            expected_version=1,
            text="2.1 Otro.",
            heading=None,
            reason="x",
        )
        with pytest.raises(positions.PositionOnStaleVersion) as conflict:
            positions.record_position(
                db,
                voters[0],
                draft,
                entry_of(db, draft, "Artículo 2."),
                stance="support",
                reason=None,
                version=1,
            )
        assert conflict.value.status_code == 409 and conflict.value.details == {
            "current_version": 2
        }

    def test_an_accepted_amendment_makes_positions_stale_until_confirmed(
        self, db: Session, draft: Draft, voters: list[Member]
    ) -> None:
        everyone_supports(db, draft, voters, "Artículo 2.")
        amendment = amendments.submit_amendment(
            db,
            voters[0],
            draft,
            kind="modify",
            target_uid=uid_of(db, draft, "Artículo 2."),
            rationale="Precisión",
            base_version=1,
            text=ARTICLE_2.replace("nacional", "de la República"),
        )
        amendments.accept(
            db,
            make_member(db, role="secretariat"),
            draft,
            amendment,
            expected_version=1,
            reason="Acogida",
        )
        db.commit()
        assert outcome(db, draft, "Artículo 2.").status == "no_positions"  # stale: not counted
        entry = entry_of(db, draft, "Artículo 2.")
        grouped = positions.positions_by_sector(db, draft, entry)
        assert all(view.stale for views in grouped.values() for view in views)

        for member in voters:
            positions.confirm_position(db, member, draft, entry)
        db.commit()
        assert outcome(db, draft, "Artículo 2.").status == "consensus"
        assert positions.my_position(db, voters[0], entry).version == 2  # type: ignore[union-attr]

    def test_a_block_blocks_and_is_explained(
        self, db: Session, draft: Draft, voters: list[Member]
    ) -> None:
        entry = entry_of(db, draft, "Artículo 2.")
        positions.record_position(
            db,
            voters[2],
            draft,
            entry,
            stance="block",
            reason="Deja fuera a los pallaqueros",
            version=1,
        )
        db.commit()
        result = outcome(db, draft, "Artículo 2.")
        assert result.status == "blocked"
        assert "Deja fuera a los pallaqueros" in rules.explain(result)


class TestRounds:
    def test_positions_outside_a_round_are_refused_when_the_rule_requires_rounds(
        self, db: Session, draft: Draft, voters: list[Member]
    ) -> None:
        secretariat = make_member(db, role="secretariat")
        service.set_rule(db, secretariat, draft, rules.Rule(requires_rounds=True))
        entry = entry_of(db, draft, "Artículo 2.")
        with pytest.raises(positions.RoundsRequired) as refusal:
            positions.record_position(
                db, voters[0], draft, entry, stance="support", reason=None, version=1
            )
        assert refusal.value.status_code == 403 and "Artículo 2." in refusal.value.message
        rounds.open_round(
            db, secretariat, draft, "Ronda 1", utcnow() + timedelta(days=3), [entry.uid]
        )
        positions.record_position(
            db, voters[0], draft, entry, stance="support", reason=None, version=1
        )
        assert rounds.awaiting(db, voters[1], draft)[0].uid == entry.uid
        assert rounds.awaiting(db, voters[0], draft) == []

    def test_closing_freezes_the_results(
        self, db: Session, draft: Draft, voters: list[Member]
    ) -> None:
        secretariat = make_member(db, role="secretariat")
        entry = entry_of(db, draft, "Artículo 2.")
        round_ = rounds.open_round(
            db, secretariat, draft, "Ronda 1", utcnow() + timedelta(days=3), [entry.uid]
        )
        everyone_supports(db, draft, voters, "Artículo 2.")
        rounds.close_round(db, secretariat, round_)
        db.commit()
        frozen = [line.outcome.status for line in rounds.round_results(db, draft, round_)]
        assert frozen == ["consensus"]

        # After the close, a block changes the live status but not the round's results.
        later = utcnow() + timedelta(seconds=1)
        positions.record_position(
            db, voters[0], draft, entry, stance="block", reason="Cambio de opinión", version=1
        )
        from sqlmodel import select

        from app.consensus.models import PositionRecord

        for record in db.exec(select(PositionRecord).where(PositionRecord.stance == "block")).all():
            record.created_at = later
        db.commit()
        assert outcome(db, draft, "Artículo 2.").status == "blocked"
        assert [line.outcome.status for line in rounds.round_results(db, draft, round_)] == frozen

    def test_a_deadline_in_the_past_is_refused(self, db: Session, draft: Draft) -> None:
        with pytest.raises(InvalidInput):
            rounds.open_round(
                db,
                make_member(db, role="secretariat"),
                draft,
                "Tarde",
                utcnow() - timedelta(hours=1),
                [uid_of(db, draft, "Artículo 1.")],
            )


class TestPages:
    def test_the_map_lists_every_clause_with_its_status(
        self, client: TestClient, db: Session, draft: Draft, voters: list[Member]
    ) -> None:
        everyone_supports(db, draft, voters, "Artículo 2.")
        svg = client.get("/drafts/ley-de-prueba/consensus.svg")
        assert svg.headers["content-type"].startswith("image/svg+xml")
        labels = re.findall(r'<a href="[^"]+">\s*<title>([^<]+)</title>', svg.text)
        clauses = drafts.load_outline(db, draft).clauses
        assert len(labels) == len(clauses)
        assert any(label.startswith("Artículo 2. Ámbito — Consenso") for label in labels)
        assert sum(label.endswith("Aún sin posiciones") for label in labels) == len(clauses) - 1
        assert ">C</text>" in svg.text  # the status letter: readable without colour

    def test_api_position_and_consensus(
        self, client: TestClient, db: Session, draft: Draft
    ) -> None:
        member = make_member(db, sector="labour")
        _token, raw = members.create_api_token(db, member, "api")
        db.commit()
        headers = {"Authorization": f"Bearer {raw}"}
        uid = uid_of(db, draft, "Artículo 1.")
        url = f"/api/v1/drafts/ley-de-prueba/provisions/{uid}/position"
        missing = client.put(url, json={"stance": "object", "version": 1}, headers=headers)
        assert missing.status_code == 422 and missing.json()["error"]["field"] == "reason"
        stale = client.put(url, json={"stance": "support", "version": 5}, headers=headers)
        assert stale.status_code == 409 and stale.json()["error"]["current_version"] == 1
        assert (
            client.put(url, json={"stance": "support", "version": 1}, headers=headers).status_code
            == 200
        )
        rows = {
            row["uid"]: row for row in client.get("/api/v1/drafts/ley-de-prueba/consensus").json()
        }
        assert rows[uid]["counts"]["support"] == 1 and rows[uid]["status"] in (
            "consensus",
            "insufficient_quorum",
        )
        assert rows[uid]["explanation"]

    def test_participation_names_no_one(
        self, client: TestClient, db: Session, draft: Draft, voters: list[Member]
    ) -> None:
        everyone_supports(db, draft, voters, "Artículo 2.")
        page = client.get("/drafts/ley-de-prueba/participation").text
        assert "4." in page  # four took part: too few for a breakdown
        assert not any(member.name in page for member in voters)  # names never appear there

    def test_participation_shows_an_empty_sector_as_0_and_hides_one_of_two(
        self, client: TestClient, db: Session, draft: Draft
    ) -> None:
        article = entry_of(db, draft, "Artículo 1.")
        for n, sector in enumerate(["civil_society"] * 4 + ["congress"]):
            person = make_member(db, name=f"Participante {n}", sector=sector, region="Puno")
            comments.add_comment(db, person, draft, article, body=f"Comentario {n}")
        db.commit()
        client.cookies.set("mesa_lang", "en")
        page = client.get("/drafts/ley-de-prueba/participation").text
        rows = dict(re.findall(r'<th scope="row">([^<]+)</th><td>([^<]+)</td>', page))
        assert rows["Civil society"] == "about 5"
        assert rows["Congress"] == "fewer than 3"  # one person: not said exactly
        assert rows["Academia"] == "0" and rows["Cusco"] == "0"
        assert "Woman" not in rows  # a gender is private: no zero said about it

    def test_two_views_around_a_named_comment_reveal_nothing(
        self, client: TestClient, db: Session, draft: Draft
    ) -> None:
        """The attack: read the page, watch a named person comment, read it again. With exact
        counts the total went 7 → 8 and "Man" 3 → 4, so he had declared himself a man."""
        article = entry_of(db, draft, "Artículo 1.")
        genders = ["female", "male", "female", "male", "female", "male", "female"]
        for n, gender in enumerate(genders):
            person = make_member(db, name=f"Participante {n}", gender=gender)
            comments.add_comment(db, person, draft, article, body=f"Comentario {n}")
        db.commit()
        client.cookies.set("mesa_lang", "en")

        def figures() -> str:
            page = client.get("/drafts/ley-de-prueba/participation")
            main = page.text.split('<main id="main"', 1)[1].split("</main>", 1)[0]
            return re.sub(r"an amendment: \d+\.", "an amendment: N.", main, count=1)

        before = figures()
        julio = make_member(db, name="Julio Quispe", gender="male", region="Puno")
        comments.add_comment(db, julio, draft, article, body="Firmado: Julio Quispe")
        db.commit()
        assert figures() == before  # nothing but the (public) number of participants moved
        assert "Julio Quispe" not in before + figures()

    def test_csv_matrix(
        self, client: TestClient, db: Session, draft: Draft, voters: list[Member]
    ) -> None:
        everyone_supports(db, draft, voters, "Artículo 2.")
        response = client.get("/drafts/ley-de-prueba/consensus.csv")
        assert response.headers["content-type"].startswith("text/csv")
        lines = response.text.splitlines()
        assert lines[0].startswith("uid,label,heading,status,")
        assert any(",Artículo 2.,Ámbito,consensus," in line for line in lines)
