"""A member's article page is rendered for them from parts rendered once per revision of the
draft (app/core/templating.py, Fragments): what is theirs — their name, their CSRF token, the
controls of their role, the comment they may still edit — is never another reader's, and a
change to the draft is seen on the very next read."""

import re
from collections.abc import Iterator

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import update
from sqlmodel import Session

from app.comments import service as comments
from app.comments.models import Comment
from app.consensus import positions
from tests.factories import entry_of, make_draft, make_member, post_form, sign_in

TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')


@pytest.fixture
def other(app: FastAPI) -> Iterator[TestClient]:
    """A second browser, with its own cookies."""
    with TestClient(app) as browser:
        yield browser


def tokens(page: str) -> set[str]:
    return set(TOKEN.findall(page))


def test_each_member_finds_their_own_name_and_token_in_every_form(
    client: TestClient, other: TestClient, db: Session
) -> None:
    draft = make_draft(db)
    article = entry_of(db, draft, "Artículo 2.")
    comment = comments.add_comment(db, make_member(db), draft, article, body="Precisar el plazo.")
    db.commit()
    sign_in(client, make_member(db, name="Juana Mamani"))
    sign_in(other, make_member(db, name="Pedro Quispe"))
    path = f"/drafts/{draft.slug}/provisions/{article.uid}"
    first, second = client.get(path).text, other.get(path).text
    assert "Juana Mamani" in first and "Pedro Quispe" not in first
    assert "Pedro Quispe" in second and "Juana Mamani" not in second
    # A reply form under the comment, the comment form, the position form, following, signing
    # out: each carries the reader's own token, and the other reader's appears nowhere.
    assert len(TOKEN.findall(second)) >= 5
    assert len(tokens(first)) == 1 and len(tokens(second)) == 1
    assert tokens(first) != tokens(second)
    reply = post_form(
        other,
        f"/drafts/{draft.slug}/provisions/{article.uid}/comments",
        {"body": "De acuerdo.", "parent": str(comment.id), "csrf_token": tokens(second).pop()},
    )
    assert reply.status_code == 303  # the token read from the shared page is accepted


def test_controls_follow_the_readers_role_not_the_first_reader(
    client: TestClient, other: TestClient, db: Session
) -> None:
    draft = make_draft(db)
    article = entry_of(db, draft, "Artículo 2.")
    comment = comments.add_comment(db, make_member(db), draft, article, body="Precisar.")
    db.commit()
    path = f"/drafts/{draft.slug}/provisions/{article.uid}"
    hide = f"/comments/{comment.id}/hide"
    anonymous = TestClient(client.app).get(path).text
    # Both signed in first: a member added moves every draft's revision, and the page's parts.
    sign_in(client, make_member(db, role="secretariat"))
    sign_in(other, make_member(db))
    assert hide in client.get(path).text
    assert hide not in other.get(path).text and hide not in anonymous


def test_only_its_author_may_still_edit_a_comment(
    client: TestClient, other: TestClient, db: Session
) -> None:
    draft = make_draft(db)
    article = entry_of(db, draft, "Artículo 2.")
    author = make_member(db, name="Juana Mamani")
    comment = comments.add_comment(db, author, draft, article, body="Precisar el plazo.")
    db.commit()
    path = f"/drafts/{draft.slug}/provisions/{article.uid}"
    edit = f"/comments/{comment.id}/edit"
    sign_in(other, make_member(db))
    sign_in(client, author)
    assert edit not in other.get(path).text
    assert edit in client.get(path).text
    assert edit not in other.get(path).text


def test_a_members_page_is_made_of_kept_parts_and_follows_every_change(
    client: TestClient, db: Session
) -> None:
    """A change behind Mesa's back (no revision moved) is not seen, which shows the page is
    built from what was kept; the next audited change is seen at once."""
    draft = make_draft(db)
    article = entry_of(db, draft, "Artículo 2.")
    comment = comments.add_comment(db, make_member(db), draft, article, body="Primera versión.")
    db.commit()
    sign_in(client, make_member(db))
    path = f"/drafts/{draft.slug}/provisions/{article.uid}"
    assert "Primera versión." in client.get(path).text
    db.exec(update(Comment).where(Comment.id == comment.id).values(body="Cambiada a escondidas."))
    db.commit()
    assert "escondidas" not in client.get(path).text
    comments.add_comment(db, make_member(db), draft, article, body="Otra opinión.")
    db.commit()
    fresh = client.get(path).text
    assert "Otra opinión." in fresh and "escondidas" in fresh


def test_each_member_finds_their_own_position_in_the_form(
    client: TestClient, other: TestClient, db: Session
) -> None:
    draft = make_draft(db)
    article = entry_of(db, draft, "Artículo 2.")
    juana, pedro = make_member(db, name="Juana Mamani"), make_member(db, name="Pedro Quispe")
    positions.record_position(
        db, juana, draft, article, stance="object", reason="Falta el plazo.", version=1
    )
    db.commit()
    sign_in(client, juana)
    sign_in(other, pedro)
    path = f"/drafts/{draft.slug}/provisions/{article.uid}"
    reason = re.compile(r'<textarea id="position-reason"[^>]*>([^<]*)</textarea>')
    chosen = re.compile(r'name="stance" value="(\w+)" required checked')
    for _ in range(2):  # whoever reads first, each finds their own
        pedros, juanas = other.get(path).text, client.get(path).text
        assert reason.findall(pedros) == [""] and chosen.findall(pedros) == []
        assert reason.findall(juanas) == ["Falta el plazo."]
        assert chosen.findall(juanas) == ["object"]


def test_a_members_contents_page_counts_a_new_comment_on_the_next_read(
    client: TestClient, db: Session
) -> None:
    draft = make_draft(db)
    article = entry_of(db, draft, "Artículo 2.")
    sign_in(client, make_member(db, name="Juana Mamani"))
    path = f"/drafts/{draft.slug}"
    assert "1 comentario" not in client.get(path).text
    client.get(path)  # kept now, signals and tree
    comments.add_comment(db, make_member(db), draft, article, body="Precisar el plazo.")
    db.commit()
    assert "1 comentario" in client.get(path).text
