"""A refused form answers with the same page: the error beside its field, what was typed kept,
the error's status, and nothing changed (these forms once showed the bare error page)."""

import re

from fastapi.testclient import TestClient
from sqlmodel import Session, select

from app.consensus import service as consensus
from app.drafts.models import Draft
from app.members import service as members
from app.members.models import Member
from tests.factories import make_draft, make_member, post_form, sign_in


def _alert(page: str) -> str:
    match = re.search(r'<p class="form-error" role="alert"[^>]* id="([^"]+)">([^<]+)</p>', page)
    assert match, "no error beside the form"
    return match.group(2)


def _fresh(db: Session, model: type, id_: int) -> object:
    db.expire_all()
    return db.exec(select(model).where(model.id == id_)).one()  # type: ignore[attr-defined]


class TestPhaseChange:
    def test_unknown_phase_shows_the_contents_page_with_the_error(
        self, client: TestClient, db: Session
    ) -> None:
        draft = make_draft(db)
        sign_in(client, make_member(db, role="secretariat"))
        response = post_form(client, f"/drafts/{draft.slug}/phase", {"phase": "x"})
        assert response.status_code == 422
        assert "x" in _alert(response.text)
        assert 'id="phase" name="phase" aria-invalid="true"' in response.text
        assert '<h2 id="contents-heading">' in response.text  # the contents, not an error page
        assert _fresh(db, Draft, draft.id).phase == "open"  # type: ignore[attr-defined, arg-type]


class TestConsensusRule:
    def test_quorum_out_of_range_keeps_what_was_typed(
        self, client: TestClient, db: Session
    ) -> None:
        draft = make_draft(db)
        sign_in(client, make_member(db, role="secretariat"))
        typed = {"quorum": "0", "broad_support_share": "90", "requires_rounds": "true"}
        response = post_form(client, f"/drafts/{draft.slug}/consensus/rule", typed)
        assert response.status_code == 422
        assert "quórum" in _alert(response.text)
        assert 'name="quorum" type="number" min="1" max="100" value="0"' in response.text
        assert 'name="broad_support_share" type="number" min="50" max="100" value="90"' in (
            response.text
        )
        assert 'name="requires_rounds" value="true" checked' in response.text
        db.expire_all()
        assert consensus.get_rule(db, draft).broad_support_share == 0.75  # unchanged


class TestTokenRevoke:
    def test_anothers_token_is_refused_on_the_account_page(
        self, client: TestClient, db: Session
    ) -> None:
        owner = make_member(db)
        token, _raw = members.create_api_token(db, owner, "mío")
        db.commit()
        sign_in(client, make_member(db, name="Otra Persona"))
        response = post_form(client, f"/account/tokens/{token.id}/revoke")
        assert response.status_code == 404
        assert _alert(response.text)
        assert "Otra Persona" in response.text and 'id="tokens"' in response.text
        db.expire_all()
        assert members.list_api_tokens(db, owner) != []


class TestMemberActions:
    def test_an_admin_changing_their_own_role_sees_it_on_their_row(
        self, client: TestClient, db: Session
    ) -> None:
        admin = make_member(db, role="admin", name="Ana Admin")
        sign_in(client, admin)
        response = post_form(client, f"/members/{admin.id}/role", {"role": "observer"})
        assert response.status_code == 403
        assert f'id="member-{admin.id}-error"' in response.text
        assert _alert(response.text)
        assert _fresh(db, Member, admin.id).role == "admin"  # type: ignore[arg-type, attr-defined]

    def test_an_admin_deactivating_themselves_is_refused_on_their_row(
        self, client: TestClient, db: Session
    ) -> None:
        admin = make_member(db, role="admin")
        sign_in(client, admin)
        response = post_form(client, f"/members/{admin.id}/deactivate")
        assert response.status_code == 403
        assert f'id="member-{admin.id}-error"' in response.text
        assert _fresh(db, Member, admin.id).is_active  # type: ignore[arg-type, attr-defined]


class TestSnapshot:
    def test_a_refused_snapshot_keeps_its_name(self, client: TestClient, db: Session) -> None:
        draft = make_draft(db)
        sign_in(client, make_member(db, role="secretariat"))
        label = "x" * 201
        response = post_form(client, f"/drafts/{draft.slug}/snapshots", {"label": label})
        assert response.status_code == 422
        assert _alert(response.text)
        assert f'value="{label}"' in response.text
