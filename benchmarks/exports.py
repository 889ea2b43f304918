"""Issue 7: each export format on 300 articles, 3,000 amendments and 10,000 comments.

Each format runs in a fresh process so its peak memory (ru_maxrss) is its own.
"""

import json
import logging
import random
import resource
import subprocess
import sys
import time

from app.amendments.models import Amendment
from app.comments.models import Comment
from app.core.db import create_db_engine, read_session, write_session
from app.drafts import service, snapshots
from app.drafts.importing import parse_draft
from app.export import service as exports
from app.members.service import MemberDetails, add_member
from benchmarks.common import fresh_database, generated_law

FORMATS = {
    "docx": "< 5 s",
    "docx-tracked": "-",
    "pdf": "< 15 s",
    "akn": "< 2 s",
    "html": "-",
    "md": "-",
    "json": "-",
}


def build() -> tuple[str, str]:
    url, engine = fresh_database()
    rng = random.Random(7)
    with write_session(engine) as session:
        draft = service.import_draft(
            session, parse_draft(generated_law(300).encode(), markdown=True)
        )
        people = [
            add_member(
                session, None, MemberDetails(f"p{n}@mesa.example", f"Integrante {n}"), "x" * 12
            )
            for n in range(30)
        ]
        base = snapshots.freeze_snapshot(session, people[0], draft, "Borrador 1")
        clauses = service.load_outline(session, draft).clauses
        for n in range(3_000):
            entry = clauses[n % len(clauses)]
            session.add(
                Amendment(
                    draft_id=draft.id,
                    kind="modify",
                    provision_id=entry.id,
                    base_version=1,
                    text="Texto propuesto.",
                    rationale="Fundamento",
                    author_id=people[n % 30].id,
                )
            )
        for n in range(10_000):
            entry = clauses[rng.randrange(len(clauses))]
            session.add(
                Comment(
                    draft_id=draft.id,
                    provision_id=entry.id,
                    author_id=people[n % 30].id,
                    body=f"Comentario {n}",
                    version=1,
                )
            )
        session.commit()
        return url, str(base.id)


def measure(url: str, fmt: str, base: str) -> None:
    """In a child process: one export, printing seconds and peak memory."""
    logging.disable(logging.INFO)
    engine = create_db_engine(url)
    with read_session(engine) as session:
        draft = service.get_draft(session, "ley-generada")
        start = time.perf_counter()
        file = exports.render(session, draft, fmt, base_id=base)
        seconds = time.perf_counter() - start
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"seconds": seconds, "peak_mb": peak_mb, "bytes": len(file.content)}))


def run() -> None:
    logging.disable(logging.INFO)
    url, base = build()
    for fmt, target in FORMATS.items():
        output = (
            subprocess.run(
                [
                    sys.executable,
                    "-c",
                    f"from benchmarks.exports import measure; measure({url!r}, {fmt!r}, {base!r})",
                ],
                capture_output=True,
                text=True,
                check=True,
            )
            .stdout.strip()
            .splitlines()[-1]
        )
        seconds, peak, size = json.loads(output).values()
        print(
            f"export {fmt:<13} {seconds * 1000:9.0f} ms   peak {peak:6.0f} MB"
            f"   {size / 1024:8.0f} KB   target {target} (memory < 500 MB)",
            flush=True,
        )
