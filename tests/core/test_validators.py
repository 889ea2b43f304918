"""Anonymous readers' pages follow from the draft's revision: an ETag, a 304 for a current copy,
the same response served again without rendering, and never a stale one after a change."""

import hashlib
import re

from fastapi.testclient import TestClient
from sqlalchemy import update
from sqlmodel import Session

from app.comments import service as comments
from app.comments.models import Comment
from app.core.static import A_YEAR, STATIC
from app.drafts.models import Draft
from tests.factories import entry_of, make_draft, make_member, sign_in


def test_an_anonymous_page_is_validated_reused_and_never_stale(
    client: TestClient, db: Session
) -> None:
    draft = make_draft(db)
    article = entry_of(db, draft, "Artículo 2.")
    path = f"/drafts/{draft.slug}/provisions/{article.uid}"
    first = client.get(path)
    etag = first.headers["etag"]
    assert first.headers["cache-control"] == "public, no-cache"
    again = client.get(path)
    assert again.text == first.text and again.headers["etag"] == etag
    assert client.get(path, headers={"If-None-Match": etag}).status_code == 304

    comments.add_comment(
        db, make_member(db, name="Juana Mamani"), draft, article, body="Falta el plazo."
    )
    db.commit()
    changed = client.get(path, headers={"If-None-Match": etag})
    assert changed.status_code == 200 and changed.headers["etag"] != etag
    assert "Falta el plazo." in changed.text


def test_a_members_page_is_not_kept(client: TestClient, db: Session) -> None:
    draft = make_draft(db)
    article = entry_of(db, draft, "Artículo 2.")
    sign_in(client, make_member(db, name="Juana Mamani"))
    page = client.get(f"/drafts/{draft.slug}/provisions/{article.uid}")
    assert "etag" not in page.headers and "Juana Mamani" in page.text


def test_the_consensus_map_and_participation_follow_the_revision_too(
    client: TestClient, db: Session
) -> None:
    draft = make_draft(db)
    for page in (f"/drafts/{draft.slug}/consensus.svg", f"/drafts/{draft.slug}/participation"):
        first = client.get(page)
        assert first.status_code == 200 and first.headers["etag"]
        again = client.get(page, headers={"If-None-Match": first.headers["etag"]})
        assert again.status_code == 304
    svg = client.get(f"/drafts/{draft.slug}/consensus.svg")
    assert svg.headers["content-type"].startswith("image/svg+xml")  # as stored, so served again


def test_a_kept_response_is_served_until_the_revision_moves(
    client: TestClient, db: Session
) -> None:
    """Served again without rendering: a change made behind Mesa's back (no revision moved) is
    not seen; the next audited change is, on the very next read."""
    draft = make_draft(db)
    article = entry_of(db, draft, "Artículo 2.")
    comment = comments.add_comment(db, make_member(db), draft, article, body="Primera versión.")
    db.commit()
    path = f"/drafts/{draft.slug}/provisions/{article.uid}"
    assert "Primera versión." in client.get(path).text
    db.exec(update(Comment).where(Comment.id == comment.id).values(body="Cambiada a escondidas."))
    db.commit()
    kept = client.get(path)
    assert "Primera versión." in kept.text and "escondidas" not in kept.text
    client.cookies.set("mesa_lang", "en")  # another language: rendered now, from the data
    english = client.get(path).text  # kept by revision too (the thread of comments)
    assert '<html lang="en">' in english and "Primera versión." in english
    client.cookies.delete("mesa_lang")
    comments.add_comment(db, make_member(db), draft, article, body="Otra opinión.")
    db.commit()
    fresh = client.get(path)
    assert "Otra opinión." in fresh.text and "escondidas" in fresh.text


def test_a_draft_made_private_is_never_served_from_what_was_kept(
    client: TestClient, db: Session
) -> None:
    draft = make_draft(db)
    path = f"/api/v1/drafts/{draft.slug}"
    assert client.get(path).status_code == 200
    db.exec(update(Draft).where(Draft.id == draft.id).values(is_public=False))
    db.commit()
    assert client.get(path).status_code == 401


def test_static_files_are_linked_by_their_content_and_kept_for_a_year(client: TestClient) -> None:
    page = client.get("/").text
    href = re.search(r'href="(/static/css/mesa\.css\?v=([0-9a-f]{12}))"', page)
    assert href, "the stylesheet is linked with its content's hash"
    digest = hashlib.sha256((STATIC / "css" / "mesa.css").read_bytes()).hexdigest()
    assert href.group(2) == digest[:12]
    assert client.get(href.group(1)).headers["cache-control"] == A_YEAR
    # Another version's address (or none) is not promised to last.
    assert "immutable" not in client.get("/static/css/mesa.css").headers.get("cache-control", "")
    assert "immutable" not in client.get("/static/css/mesa.css?v=000000000000").headers.get(
        "cache-control", ""
    )
