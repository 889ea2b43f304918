"""One cleaning and one bound for everything people type, each field with its own limit and
message."""

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session

from app.amendments import service as amendments
from app.consensus import positions
from app.core.errors import InvalidInput
from app.core.i18n import N_
from app.core.text import TextField, clean
from app.members.service import MemberDetails
from tests.factories import entry_of, make_draft, make_member, sign_in, token_headers

NOTE = TextField("note", N_("Reason"), 10, required=N_("Say why: the reason is required."))
TITLE = TextField("title", N_("Title"), 10, one_line=True)


@pytest.mark.parametrize(
    ("typed", "kept"),
    [
        ("  hola  ", "hola"),
        ("a\r\nb\rc", "a\nb\nc"),
        ("nul\x00here", "nulhere"),
        ("tab\there", "tab here"),
        ("e\u0301", "é"),  # NFC
        ("Ana \u202eozreP\u202c", "Ana ozreP"),  # a right-to-left override no longer reverses
        ("\u2066x\u2069", "x"),
        ("lone \ud800 surrogate", "lone  surrogate"),
        ("👍", "👍"),
    ],
)
def test_clean(typed: str, kept: str) -> None:
    assert clean(typed) == kept


class TestTextField:
    def test_a_required_field_says_so_beside_itself(self) -> None:
        with pytest.raises(InvalidInput) as refusal:
            NOTE.clean("   ")
        assert refusal.value.details == {"field": "note"}
        assert refusal.value.message == "Indique el motivo: es obligatorio."

    def test_the_limit_names_the_field_and_both_lengths(self) -> None:
        with pytest.raises(InvalidInput) as refusal:
            NOTE.clean("x" * 12)
        assert refusal.value.message == "Motivo: como máximo 10 caracteres (este tiene 12)."
        assert NOTE.clean("x" * 10) == "x" * 10

    def test_one_line_fields_lose_their_line_breaks(self) -> None:
        assert TITLE.clean("Uno\n dos") == "Uno dos"
        assert TITLE.clean(None) == ""


class TestEachFieldItsOwnRule:
    def test_a_long_rationale_is_judged_as_a_rationale(self, db: Session) -> None:
        """A 3,000-character rationale was refused as "the reason has more than 2000"."""
        draft = make_draft(db)
        author = make_member(db)
        entry = entry_of(db, draft, "Artículo 1.")
        amendment = amendments.submit_amendment(
            db,
            author,
            draft,
            kind="modify",
            target_uid=entry.uid,
            rationale="r" * 3_000,
            base_version=1,
            text="Otro.",
        )
        assert len(amendment.rationale) == 3_000
        with pytest.raises(InvalidInput) as refusal:
            amendments.submit_amendment(
                db,
                author,
                draft,
                kind="modify",
                target_uid=entry.uid,
                rationale="r" * 5_001,
                base_version=1,
                text="Otro.",
            )
        assert refusal.value.details == {"field": "rationale"}
        assert refusal.value.message.startswith("Fundamento: como máximo 5,000 caracteres")

    def test_a_position_reason_is_bounded(self, client: TestClient, db: Session) -> None:
        """A 3 MB reason once landed in the public record and the article page."""
        draft = make_draft(db)
        entry = entry_of(db, draft, "Artículo 1.")
        response = client.put(
            f"/api/v1/drafts/{draft.slug}/provisions/{entry.uid}/position",
            json={"stance": "object", "reason": "x" * 2_001, "version": 1},
            headers=token_headers(db, "member"),
        )
        assert response.status_code == 422
        assert response.json()["error"]["field"] == "reason"
        member = make_member(db)
        position = positions.record_position(
            db, member, draft, entry, stance="object", reason="y" * 2_000, version=1
        )
        assert position.reason == "y" * 2_000

    def test_a_name_cannot_reverse_the_page(self, client: TestClient, db: Session) -> None:
        details = MemberDetails(email="r@mesa.example", name="Ana \u202eazreP", role="member")
        details.validate()
        assert details.name == "Ana azreP"
        member = make_member(db, name="Luz \u202eodaroD\u202c")
        sign_in(client, member)
        page = client.get("/account").text
        assert "\u202e" not in page and "Luz odaroD" in page
