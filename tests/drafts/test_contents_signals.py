"""The contents page beside each article: its consensus letter, pending amendments and comments,
counted for the whole draft at once."""

import re

from fastapi.testclient import TestClient
from sqlalchemy import event
from sqlmodel import Session

from app.amendments import service as amendments
from app.comments import service as comments
from app.consensus import positions
from app.drafts import service as drafts
from app.pages.contents import contents_signals
from tests.factories import entry_of, make_draft, make_member


def test_each_article_shows_its_signals(client: TestClient, db: Session) -> None:
    draft = make_draft(db)
    juana = make_member(db, name="Juana Mamani")
    article = entry_of(db, draft, "Artículo 2.")
    for text in ("Una duda.", "Otra duda."):
        comments.add_comment(db, juana, draft, article, body=text)
    amendments.submit_amendment(
        db, juana, draft, kind="modify", target_uid=article.uid, rationale="Precisar.",
        base_version=1, text="2.1 Se aplica en todo el territorio de la República.",
    )  # fmt: skip
    positions.record_position(db, juana, draft, article, stance="support", reason=None, version=1)
    db.commit()
    page = client.get("/drafts/ley-de-prueba").text
    item = re.search(r"Artículo 2\.</span>.*?</li>", page, re.S)
    assert item is not None
    signals = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", item[0]))
    assert "1 enmienda pendiente" in signals and "2 comentarios" in signals
    assert re.search(r'class="swatch status-\w+"', item[0])  # coloured and lettered
    quiet = re.search(r"Artículo 4\.</span>.*?</li>", page, re.S)
    assert quiet is not None and "signals" not in quiet[0]
    assert "<details open>" in page  # títulos fold, without a script


def test_signals_take_the_same_few_queries_however_many_articles(db: Session) -> None:
    small, large = make_draft(db), make_draft(db, slug="otra-ley")
    juana = make_member(db)
    for entry in drafts.load_outline(db, large).clauses:
        comments.add_comment(db, juana, large, entry, body="Comentario")
    counted: list[str] = []

    def count(*args: object) -> None:
        counted.append("q")

    queries = []
    event.listen(db.get_bind(), "before_cursor_execute", count)
    try:
        for draft in (small, large):
            outline = drafts.load_outline(db, draft)
            counted.clear()
            contents_signals(db, draft, outline)
            queries.append(len(counted))
    finally:
        event.remove(db.get_bind(), "before_cursor_execute", count)
    assert queries[0] == queries[1] <= 6
