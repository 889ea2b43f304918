"""Issue 6: the consensus API and map for 300 clauses × 60 members (18,000 positions)."""

import logging
import random

from app.consensus import reports
from app.consensus.models import Position, PositionRecord
from app.core.config import Settings
from app.core.db import write_session
from app.drafts import service
from app.drafts.importing import parse_draft
from app.main import create_app
from app.members.models import Sector
from app.members.service import MemberDetails, add_member
from benchmarks.common import fresh_database, generated_law, report, request_timings, timings

MEMBERS = 60
STANCES = ["support"] * 6 + ["support_with_reservations", "abstain", "object"]


def run() -> None:
    logging.disable(logging.INFO)
    url, engine = fresh_database()
    rng = random.Random(6)
    with write_session(engine) as session:
        draft = service.import_draft(
            session, parse_draft(generated_law(300).encode(), markdown=True)
        )
        sectors = list(Sector)
        voters = [
            add_member(
                session,
                None,
                MemberDetails(
                    f"v{n}@mesa.example", f"Integrante {n}", "member", sector=sectors[n % 9]
                ),
                "x" * 12,
            )
            for n in range(MEMBERS)
        ]
        clauses = service.load_outline(session, draft).clauses
        for entry in clauses:
            for member in voters:
                stance = rng.choice(STANCES)
                reason = "Motivo" if stance in ("object", "support_with_reservations") else None
                values = dict(
                    draft_id=draft.id,
                    provision_id=entry.id,
                    member_id=member.id,
                    version=1,
                    stance=stance,
                    reason=reason,
                )
                session.add(Position(**values))
                session.add(PositionRecord(**values))
        reports.keep_outcomes(session, draft)  # as recording each position one by one would
        session.commit()
        slug, count = draft.slug, len(clauses)
        # What a position costs its clause's outcome, and what reading all of them costs after.
        versions = {entry.id: entry.version for entry in clauses}
        counted = timings(lambda: reports.count_outcomes(session, draft, versions), 10)
        report(f"outcomes counted from {count * MEMBERS} positions", counted, "(was each read)")
        kept = timings(lambda: reports.keep_outcomes(session, draft, [clauses[0].id]), 10)
        report("one clause's outcome kept (in a write)", kept, "-")
        read = timings(lambda: reports.read_outcomes(session, draft, versions), 10)
        report("every clause's outcome read as kept", read, "-")
        session.rollback()
    app = create_app(Settings(database_url=url), engine=engine)
    paths = [
        f"/api/v1/drafts/{slug}/consensus",
        f"/drafts/{slug}/consensus.svg",
        f"/drafts/{slug}/consensus",
    ]
    results = request_timings(app, paths, 30)
    report(f"consensus API ({count} clauses × {MEMBERS})", results[paths[0]], "< 100 ms")
    report("consensus map, SVG", results[paths[1]], "< 100 ms")
    report("consensus page (map + matrix)", results[paths[2]], "-")
