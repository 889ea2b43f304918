"""Comments on the article page, as people see them."""

from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session

from app.comments import service
from tests.factories import entry_of, make_draft, make_member, post_form, sign_in, uid_of

EDIT = "Editar mi comentario"


class TestEditForm:
    def test_only_the_author_gets_the_edit_form_and_only_for_15_minutes(
        self, client: TestClient, db: Session, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        draft = make_draft(db)
        author = make_member(db)
        comment = service.add_comment(
            db, author, draft, entry_of(db, draft, "Artículo 1."), body="Hola"
        )
        db.commit()
        page = f"/drafts/{draft.slug}/provisions/{uid_of(db, draft, 'Artículo 1.')}"
        edit_action = f'action="/comments/{comment.id}/edit"'

        assert EDIT not in client.get(page).text  # anonymous
        sign_in(client, make_member(db))
        assert EDIT not in client.get(page).text  # another member
        client.cookies.clear()
        sign_in(client, author)
        assert EDIT in client.get(page).text and edit_action in client.get(page).text

        # Fifteen minutes later: nothing in the draft changed, only the time.
        monkeypatch.setattr(service, "EDIT_WINDOW", timedelta(0))
        assert EDIT not in client.get(page).text


class TestRefusedForms:
    """A refused edit or hiding re-renders the article with the form open beside its comment,
    the error in the reader's language and what was typed (once, the bare error page lost it)."""

    def test_an_edit_too_long_keeps_what_was_typed(self, client: TestClient, db: Session) -> None:
        draft = make_draft(db)
        author = make_member(db)
        comment = service.add_comment(
            db, author, draft, entry_of(db, draft, "Artículo 1."), body="Hola"
        )
        db.commit()
        sign_in(client, author)
        typed = "Texto nuevo " + "x" * 5_000
        response = post_form(client, f"/comments/{comment.id}/edit", {"body": typed})
        assert response.status_code == 422
        assert f'id="edit-{comment.id}-error"' in response.text
        assert "Comentario: como máximo 5,000 caracteres" in response.text
        assert typed in response.text
        db.refresh(comment)
        assert comment.body == "Hola"

    def test_hiding_without_a_reason_says_so_beside_the_form(
        self, client: TestClient, db: Session
    ) -> None:
        draft = make_draft(db)
        comment = service.add_comment(
            db, make_member(db), draft, entry_of(db, draft, "Artículo 1."), body="Hola"
        )
        db.commit()
        sign_in(client, make_member(db, role="secretariat"))
        response = post_form(client, f"/comments/{comment.id}/hide", {"reason": " "})
        assert response.status_code == 422
        assert f'id="hide-{comment.id}-error"' in response.text
        assert "Indique el motivo" in response.text
        db.refresh(comment)
        assert comment.hidden_at is None
