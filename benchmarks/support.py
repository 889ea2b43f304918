"""Issue 20: the merge queue ordered by support and filtered by it, the minimum rule, and the
support summaries the matriz de aportes reads, on 300 articles with 3,000 amendments and
about 9,000 adhesions from members of every sector."""

import logging
import random

from sqlmodel import col, select

from app.amendments import support
from app.amendments.models import Adhesion, Amendment, SupportRule
from app.core.config import Settings
from app.core.db import write_session
from app.drafts import service as drafts
from app.main import create_app
from app.members.models import Sector
from app.members.service import MemberDetails, add_member
from app.members.signin import sign_in
from benchmarks.common import fresh_database, report, request_timings, timings
from benchmarks.merging import build

SUPPORTERS = 60


def run() -> None:
    logging.disable(logging.INFO)
    url, engine = fresh_database()
    slug, _clauses = build(engine)
    rng = random.Random(20)
    with write_session(engine) as session:
        sectors = list(Sector)
        people = [
            add_member(
                session,
                None,
                MemberDetails(
                    f"a{n}@mesa.example",
                    f"Adherente {n}",
                    organization=f"Organización {n % 30}",
                    sector=sectors[n % len(sectors)],
                ),
                "x" * 12,
            )
            for n in range(SUPPORTERS)
        ]
        ids = list(session.exec(select(Amendment.id).order_by(col(Amendment.id))).all())
        for amendment_id in ids:
            for person in rng.sample(people, rng.randrange(7)):
                session.add(Adhesion(amendment_id=amendment_id or 0, member_id=person.id or 0))
        adhesions = len(session.exec(select(Adhesion.id)).all())
        token = sign_in(
            session, email="s@mesa.example", password="x" * 12, address="127.0.0.1"
        ).token
        session.commit()
    app = create_app(Settings(database_url=url), engine=engine)
    cookie = {"Cookie": f"mesa_session={token}"}
    queue = f"/drafts/{slug}/queue"
    label = f"{len(ids)} amendments, {adhesions} adhesions"
    for query, name in [
        ("", "merge queue page, document order"),
        ("?sort=support", "merge queue page, broadest support first"),
        ("?sort=support&min_sectors=4", "merge queue page, at least 4 sectors"),
    ]:
        results = request_timings(app, [queue + query], 30, headers=cookie)
        report(f"{name} ({label})", results[queue + query], "< 150 ms")
    with write_session(engine) as session:
        draft = drafts.get_draft(session, slug)
        session.add(SupportRule(draft_id=draft.id or 0, min_organizations=4, min_sectors=3))
        session.commit()
    results = request_timings(app, [queue], 30, headers=cookie)
    report(f"merge queue page with a minimum rule ({label})", results[queue], "< 150 ms")

    def summaries() -> None:
        with write_session(engine) as session:
            assert len(support.support_summaries(session, [i or 0 for i in ids])) == len(ids)

    report(f"support summaries of every amendment ({label})", timings(summaries, 10), "< 200 ms")
