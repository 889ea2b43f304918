"""Issue 5: the merge queue page and an accept, on 300 articles with 3,000 amendments."""

import logging
import random

from sqlmodel import col, select

from app.amendments import service as amendments
from app.amendments.models import Amendment
from app.core.config import Settings
from app.core.db import write_session
from app.drafts import diffing, service
from app.drafts.importing import parse_draft
from app.drafts.models import Provision
from app.main import create_app
from app.members.models import Member
from app.members.service import MemberDetails, add_member
from app.members.signin import sign_in
from benchmarks.common import fresh_database, generated_law, report, request_timings, timings

AMENDMENTS = 3_000
WORDS = ["minero", "regional", "plazo", "registro", "ambiental", "trabajo", "mercurio"]


def build(engine: object) -> tuple[str, int]:
    """The draft, members in each role, and amendments spread over every clause."""
    rng = random.Random(5)
    with write_session(engine) as session:  # type: ignore[arg-type]
        draft = service.import_draft(
            session, parse_draft(generated_law(300).encode(), markdown=True)
        )
        members = [
            add_member(
                session, None, MemberDetails(f"m{n}@mesa.example", f"Integrante {n}"), "x" * 12
            )
            for n in range(20)
        ]
        add_member(
            session, None, MemberDetails("s@mesa.example", "Secretaría", "secretariat"), "x" * 12
        )
        clauses = service.load_outline(session, draft).clauses
        texts = {e.id: service.current_version(session, e).text for e in clauses}
        for n in range(AMENDMENTS):
            entry = clauses[n % len(clauses)]
            words = texts[entry.id].split(" ")
            words[rng.randrange(len(words))] = rng.choice(WORDS)
            session.add(
                Amendment(
                    draft_id=draft.id,
                    kind="modify",
                    provision_id=entry.id,
                    base_version=1,
                    text=" ".join(words),
                    rationale="Fundamento",
                    author_id=members[n % 20].id,
                )
            )
        session.commit()
        return draft.slug, len(clauses)


def run() -> None:
    logging.disable(logging.INFO)
    url, engine = fresh_database()
    slug, clauses = build(engine)
    app = create_app(Settings(database_url=url), engine=engine)
    with write_session(engine) as session:
        token = sign_in(
            session, email="s@mesa.example", password="x" * 12, address="127.0.0.1"
        ).token
        session.commit()
    cookie = {"Cookie": f"mesa_session={token}"}
    queue = f"/drafts/{slug}/queue"
    results = request_timings(app, [queue], 30, headers=cookie)
    report(f"merge queue page ({AMENDMENTS} amendments)", results[queue], "< 100 ms")
    cold = []
    for _ in range(10):  # the same page with the cache of word diffs emptied first
        diffing._word_diff.cache_clear()
        cold += request_timings(app, [queue], 1, headers=cookie, warm_up=False)[queue]
    report("merge queue page, diff cache cold", cold, "< 100 ms")

    # Accept the amendments in the order they came: the first on each clause fast-forwards,
    # the later ones are rebased on what was accepted before them (or refused as conflicts).
    with write_session(engine) as session:
        pending = iter(session.exec(select(Amendment.id).order_by(col(Amendment.id))).all())
        secretariat_id = session.exec(select(Member.id).where(Member.role == "secretariat")).one()

    def accept_one() -> None:
        with write_session(engine) as session:
            amendment = amendments.get_amendment(session, next(pending) or 0)
            member = session.get(Member, secretariat_id)
            provision = session.get(Provision, amendment.provision_id)
            assert member is not None and provision is not None
            draft = service.get_draft(session, slug)
            try:
                amendments.accept(
                    session,
                    member,
                    draft,
                    amendment,
                    expected_version=provision.current_version,
                    reason="Acogida",
                )
            except amendments.MergeConflict:
                session.rollback()
                return
            session.commit()

    report("accept an amendment (rebased as needed)", timings(accept_one, 2 * clauses), "< 50 ms")
    results = request_timings(app, [queue], 30, headers=cookie)
    report("merge queue page after accepts", results[queue], "< 100 ms")
