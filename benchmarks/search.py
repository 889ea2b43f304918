"""Issue 19: search over 300 articles, 10,000 comments and 3,000 amendments; p95 per query on
SQLite and, with MESA_BENCH_POSTGRES_URL set (a database it empties), on PostgreSQL. Target:
under 50 ms a query, served through the API in process."""

import logging
import os
import random
import re
import time
from collections import Counter
from urllib.parse import urlencode

from sqlalchemy import create_engine, text

from app.amendments.models import Amendment
from app.comments.models import Comment
from app.core import migrate
from app.core.config import ROOT, Settings
from app.core.db import create_db_engine, normalize_url, write_session
from app.drafts import service
from app.drafts.importing import parse_draft
from app.main import create_app
from app.members.models import Sector
from app.members.service import MemberDetails, add_member
from benchmarks.common import fresh_database, generated_law, report, request_timings

ARTICLES, COMMENTS, AMENDMENTS, MEMBERS = 300, 10_000, 3_000, 30
# Comments and amendments are written in the words of the real draft, drawn by their frequency
# there (so "minería" is common and "pallaqueras" rare, as in life), with the words people
# search for added at plausible rates. DENSE is the worst case: one word in half of everything.
TERMS = {"mercurio": 0.004, "REINFO": 0.003, "pallaqueras": 0.001, "plazo": 0.006}
DENSE = "zzdenso"
QUERIES = [
    "mercurio",
    "formalización",
    "mineria",
    "REINFO",
    "pallaqueras",
    "plazo",
    '"pequeña minería"',
    "registro comunidades",
    "productor minero artesanal",  # in every article's text
    "inexistente",
    DENSE,
]


def vocabulary() -> tuple[list[str], list[int]]:
    law = (ROOT / "drafts" / "mineria-artesanal.md").read_text(encoding="utf-8")
    counts = Counter(word for word in re.findall(r"[^\W\d_]+", law) if len(word) > 1)
    for term, share in TERMS.items():
        counts[term] += int(share * sum(counts.values()))
    words = list(counts)
    return words, [counts[w] for w in words]


def sentence(rng: random.Random, words: list[str], weights: list[int], length: int) -> str:
    return " ".join(rng.choices(words, weights, k=length)).capitalize() + "."


def populate(url: str) -> str:
    engine = create_db_engine(url)
    rng = random.Random(19)
    words, weights = vocabulary()

    def text_of(sentences: int, length: tuple[int, int]) -> str:
        body = " ".join(
            sentence(rng, words, weights, rng.randint(*length)) for _ in range(sentences)
        )
        return body + (f" {DENSE}." if rng.random() < 0.5 else "")

    started = time.perf_counter()
    with write_session(engine) as session:
        draft = service.import_draft(
            session, parse_draft(generated_law(ARTICLES).encode(), markdown=True)
        )
        sectors = list(Sector)
        authors = [
            add_member(
                session,
                None,
                MemberDetails(
                    f"b{n}@mesa.example", f"Integrante {n}", "member", sector=sectors[n % 9]
                ),
                "x" * 12,
            )
            for n in range(MEMBERS)
        ]
        clauses = service.load_outline(session, draft).clauses
        assert draft.id is not None
        for n in range(COMMENTS):
            session.add(
                Comment(
                    draft_id=draft.id,
                    provision_id=rng.choice(clauses).id,
                    author_id=rng.choice(authors).id,  # type: ignore[arg-type]
                    body=text_of(rng.randint(1, 3), (8, 30)),
                    version=1,
                )
            )
            if n % 1000 == 999:
                session.flush()
        for n in range(AMENDMENTS):
            session.add(
                Amendment(
                    draft_id=draft.id,
                    kind="modify",
                    provision_id=rng.choice(clauses).id,
                    base_version=1,
                    text=text_of(3, (25, 25)),
                    rationale=text_of(1, (10, 40)),
                    author_id=rng.choice(authors).id,  # type: ignore[arg-type]
                )
            )
            if n % 1000 == 999:
                session.flush()
        session.commit()
        slug = draft.slug
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        # What autovacuum and SQLite's automerge would have done by the time anyone searches.
        if connection.dialect.name == "postgresql":
            connection.execute(text("VACUUM ANALYZE"))
        else:
            connection.execute(text("INSERT INTO search_fts(search_fts) VALUES ('optimize')"))
            connection.execute(text("ANALYZE"))
    print(f"indexed {ARTICLES} articles, {COMMENTS} comments, {AMENDMENTS} amendments "
          f"in {time.perf_counter() - started:.1f} s", flush=True)  # fmt: skip
    engine.dispose()
    return slug


def measure(kind: str, url: str) -> None:
    slug = populate(url)
    engine = create_db_engine(url)
    app = create_app(Settings(database_url=url), engine=engine)
    paths = {q: "/api/v1/search?" + urlencode({"q": q, "draft": slug}) for q in QUERIES}
    timings = request_timings(app, ["/api/v1/drafts", *paths.values()], repeat=40)
    report(f"{kind}: (GET /api/v1/drafts, for scale)", timings["/api/v1/drafts"], "")
    for q, path in paths.items():
        report(f"{kind}: {q}", timings[path], "p95 < 50 ms")
    everything = [t for q, path in paths.items() if q != DENSE for t in timings[path]]
    report(f"{kind}: every query but the worst case", everything, "p95 < 50 ms")
    engine.dispose()


def run() -> None:
    logging.disable(logging.INFO)
    url, engine = fresh_database()
    engine.dispose()
    measure("sqlite", url)
    postgres = os.environ.get("MESA_BENCH_POSTGRES_URL")
    if not postgres:
        print("postgresql: set MESA_BENCH_POSTGRES_URL (a database it empties) to measure")
        return
    admin = create_engine(normalize_url(postgres), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text("DROP SCHEMA public CASCADE"))
        connection.execute(text("CREATE SCHEMA public"))
    admin.dispose()
    migrate.upgrade(postgres)
    measure("postgresql", postgres)
