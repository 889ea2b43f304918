"""Comments on the article page, as people see them."""

from datetime import timedelta

from fastapi.testclient import TestClient
from sqlmodel import Session

from app.comments import service
from tests.factories import entry_of, make_draft, make_member, sign_in, uid_of

EDIT = "Editar mi comentario"


class TestEditForm:
    def test_only_the_author_gets_the_edit_form_and_only_for_15_minutes(
        self, client: TestClient, db: Session
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

        comment.created_at = comment.created_at - service.EDIT_WINDOW - timedelta(minutes=1)
        db.add(comment)
        db.commit()
        assert EDIT not in client.get(page).text
