"""Issue 19: search over 300 articles, 10,000 comments and 3,000 amendments; p95 per query on
SQLite and, with MESA_BENCH_POSTGRES_URL set (a database it empties), on PostgreSQL. Target:
under 50 ms a query, served through the API in process."""

import logging
import os
import random
import time
from urllib.parse import urlencode

from sqlalchemy import create_engine, text

from app.amendments.models import Amendment
from app.comments.models import Comment
from app.core import migrate
from app.core.config import Settings
from app.core.db import create_db_engine, normalize_url, write_session
from app.drafts import service
from app.drafts.importing import parse_draft
from app.main import create_app
from app.members.models import Sector
from app.members.service import MemberDetails, add_member
from benchmarks.common import fresh_database, generated_law, report, request_timings

ARTICLES, COMMENTS, AMENDMENTS, MEMBERS = 300, 10_000, 3_000, 30
_VOCABULARY = (
    "minería artesanal pequeña escala formalización REINFO mercurio pallaqueras plazo registro "
    "concesión comunidades campesinas agua ambiente salud trabajo seguridad Estado gobierno "
    "regional fiscalización sanción multa permiso cierre relaves planta beneficio oro cobre "
    "titular contrato explotación cooperativa asociación capacitación asistencia técnica "
    "tributación regalías responsabilidad social consulta previa territorio frontera "
    "informalidad ilegalidad transición inscripción requisito declaración compromiso"
)
WORDS = _VOCABULARY.split(" ")
QUERIES = [
    "mercurio",
    "formalización",
    "mineria",
    "REINFO",
    "pallaqueras",
    "plazo",
    '"consulta previa"',
    "registro comunidades",
    "productor minero artesanal",  # in every article's text
    "inexistente",
]


def sentence(rng: random.Random, length: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(length)).capitalize() + "."


def populate(url: str) -> str:
    engine = create_db_engine(url)
    rng = random.Random(19)
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
                    body=" ".join(
                        sentence(rng, rng.randint(8, 30)) for _ in range(rng.randint(1, 3))
                    ),
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
                    text=" ".join(sentence(rng, 25) for _ in range(3)),
                    rationale=sentence(rng, rng.randint(10, 40)),
                    author_id=rng.choice(authors).id,  # type: ignore[arg-type]
                )
            )
            if n % 1000 == 999:
                session.flush()
        session.commit()
        slug = draft.slug
    print(f"indexed {ARTICLES} articles, {COMMENTS} comments, {AMENDMENTS} amendments "
          f"in {time.perf_counter() - started:.1f} s", flush=True)  # fmt: skip
    engine.dispose()
    return slug


def measure(kind: str, url: str) -> None:
    slug = populate(url)
    engine = create_db_engine(url)
    app = create_app(Settings(database_url=url), engine=engine)
    paths = {q: "/api/v1/search?" + urlencode({"q": q, "draft": slug}) for q in QUERIES}
    timings = request_timings(app, list(paths.values()), repeat=40)
    for q, path in paths.items():
        report(f"{kind}: {q}", timings[path], "p95 < 50 ms")
    everything = [t for path in paths.values() for t in timings[path]]
    report(f"{kind}: every query", everything, "p95 < 50 ms")
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
