"""Issue 3: compare two snapshots of a 300-article draft in which 100 articles changed."""

import logging
import random

from app.core.config import Settings
from app.core.db import read_session, write_session
from app.drafts import diffing, editing, service, snapshots
from app.drafts.importing import parse_draft
from app.main import create_app
from app.members.service import MemberDetails, add_member
from benchmarks.common import fresh_database, generated_law, report, request_timings, timings


def run() -> None:
    logging.disable(logging.INFO)
    url, engine = fresh_database()
    rng = random.Random(3)
    with write_session(engine) as session:
        draft = service.import_draft(
            session, parse_draft(generated_law(300).encode(), markdown=True)
        )
        secretariat = add_member(
            session, None, MemberDetails("s@mesa.example", "Secretaría", "secretariat"), "x" * 12
        )
        first = snapshots.freeze_snapshot(session, secretariat, draft, "Borrador 1")
        clauses = service.load_outline(session, draft).clauses
        for entry in rng.sample(clauses[:-1], 100):
            text = service.current_version(session, entry).text
            words = text.split(" ")
            for _ in range(6):
                words[rng.randrange(len(words))] = rng.choice(["minero", "regional", "plazo"])
            editing.revise(
                session,
                secretariat,
                draft,
                uid=entry.uid,
                expected_version=1,
                text=" ".join(words),
                heading=None,
                reason="Benchmark",
            )
        second = snapshots.freeze_snapshot(session, secretariat, draft, "Borrador 2")
        session.commit()
        first_id, second_id, slug = str(first.id), str(second.id), draft.slug

    def compare_once() -> None:
        diffing._word_diff.cache_clear()  # measure the diffs, not the cache
        with read_session(engine) as session:
            draft = service.get_draft(session, slug)
            _a, _b, changes = snapshots.compare(session, draft, from_id=first_id, to_id=second_id)
            assert sum(c.change == "modified" for c in changes) == 100

    report("compare 2 snapshots, 300 art., 100 changed", timings(compare_once, 20), "< 1 s")
    app = create_app(Settings(database_url=url), engine=engine)
    page = f"/drafts/{slug}/compare?from={first_id}&to={second_id}"
    report("compare page (same), GET", request_timings(app, [page], 20)[page], "-")
