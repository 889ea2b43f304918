"""Issue 2: import a 300-article law; serve an article page under repeated requests."""

import logging

from app.core.config import Settings
from app.core.db import write_session
from app.drafts import service
from app.drafts.importing import parse_draft
from app.main import create_app
from benchmarks.common import fresh_database, generated_law, report, request_timings, timings


def run() -> None:
    logging.disable(logging.INFO)
    text = generated_law(300).encode()
    url, engine = fresh_database()

    def import_once() -> None:
        with write_session(engine) as session:
            draft = service.import_draft(session, parse_draft(text, markdown=True))
            session.rollback()  # measure the whole import, keep the database empty
            del draft

    report("import 300-article law (parse + write)", timings(import_once, 5), "< 2 s")

    with write_session(engine) as session:
        draft = service.import_draft(session, parse_draft(text, markdown=True))
        session.commit()
        uid = service.load_outline(session, draft).clauses[150].uid

    app = create_app(Settings(database_url=url), engine=engine)
    article = f"/drafts/ley-generada/provisions/{uid}"
    results = request_timings(
        app, [article, "/drafts/ley-generada", "/api/v1/drafts/ley-generada"], repeat=300
    )
    report("article page (300 articles), GET", results[article], "< 10 ms")
    report("contents page (300 articles), GET", results["/drafts/ley-generada"], "-")
    report("API draft (300 articles), GET", results["/api/v1/drafts/ley-generada"], "-")
