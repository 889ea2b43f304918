"""Issues 7 and 15: each export format on 300 articles, 3,000 amendments and 10,000 comments,
compared with a base snapshot after which 150 clauses changed (100 amendments accepted, 25 of
them rebased onto a secretariat edit, 25 merged by hand citing another), with and without the
annexes.

Each format runs in a fresh process so its peak memory (ru_maxrss) is its own.
"""

import json
import logging
import random
import resource
import subprocess
import sys
import time

from sqlmodel import Session, select

from app.amendments.models import Amendment, AmendmentSource, AmendmentStatus
from app.comments.models import Comment
from app.core.db import create_db_engine, read_session, write_session
from app.core.models import utcnow
from app.drafts import service, snapshots
from app.drafts.importing import parse_draft
from app.drafts.models import Provision, ProvisionVersion, VersionSource
from app.export import service as exports
from app.members.service import MemberDetails, add_member
from benchmarks.common import fresh_database, generated_law

FORMATS = {
    "docx": "< 5 s",
    "docx-tracked": "< 5 s",
    "pdf": "< 15 s",
    "pdf+cuadro": "< 10 s",
    "pdf+cuadro,aportes,consenso": "< 10 s",
    "html+cuadro,aportes,consenso": "-",
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
        amendments = []
        for n in range(3_000):
            entry = clauses[n % len(clauses)]
            amendment = Amendment(
                draft_id=draft.id,
                kind="modify",
                provision_id=entry.id,
                base_version=1,
                text="Texto propuesto.",
                rationale="Fundamento",
                author_id=people[n % 30].id,
            )
            session.add(amendment)
            amendments.append(amendment)
        session.flush()
        _changes_since_base(session, clauses, amendments)
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


def _changes_since_base(
    session: Session, clauses: list[service.OutlineEntry], amendments: list[Amendment]
) -> None:
    """Versions as the accept and edit services write them: 50 accepted amendments, 25 rebased
    onto a secretariat edit, 25 merged by hand citing another, and 50 secretariat edits."""
    now = utcnow()
    originals = dict(
        session.exec(
            select(ProvisionVersion.provision_id, ProvisionVersion.text).where(
                ProvisionVersion.number == 1
            )
        ).all()
    )

    def add(entry: service.OutlineEntry, text: str, amendment: Amendment | None = None) -> None:
        provision = session.get_one(Provision, entry.id)
        provision.current_version += 1
        session.add(
            ProvisionVersion(
                provision_id=entry.id,
                number=provision.current_version,
                text=text,
                source=VersionSource.AMENDMENT if amendment else VersionSource.EDIT,
                amendment_id=amendment.id if amendment else None,
                reason="Medición",
            )
        )
        session.flush()

    for n, entry in enumerate(clauses[:150]):
        text = originals[entry.id]
        if 50 <= n < 75 or n >= 100:
            text = "Conforme a ley, " + text
            add(entry, text)  # a secretariat edit
        if n >= 100:
            continue
        amendment = amendments[n]  # amendment n is on clause n
        text = text.replace("cumple", "cumple y acredita", 1) + " Con apoyo regional."
        amendment.status = AmendmentStatus.ACCEPTED
        if n >= 75:  # merged by hand, citing another amendment of the same clause
            text += " Y local."
            amendment.status = AmendmentStatus.ACCEPTED_MODIFIED
            cited = amendments[n + len(clauses)]
            assert amendment.id is not None and cited.id is not None
            session.add(AmendmentSource(amendment_id=amendment.id, source_id=cited.id))
        amendment.decided_at, amendment.decision_reason = now, "Medición"
        add(entry, text, amendment)


def measure(url: str, fmt: str, base: str) -> None:
    """In a child process: one export, printing seconds and peak memory."""
    logging.disable(logging.INFO)
    engine = create_db_engine(url)
    fmt, _plus, annexes = fmt.partition("+")
    wanted = set(annexes.split(",")) if annexes else None
    with read_session(engine) as session:
        draft = service.get_draft(session, "ley-generada")
        start = time.perf_counter()
        file = exports.render(session, draft, fmt, base_id=base, with_annexes=wanted)
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
            f"export {fmt:<28} {seconds * 1000:9.0f} ms   peak {peak:6.0f} MB"
            f"   {size / 1024:8.0f} KB   target {target} (memory < 500 MB)",
            flush=True,
        )
