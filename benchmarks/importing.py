"""Issue 14: import the largest published law with its SPIJ notes, parse and write.

No law of 250+ articles is in the corpus (tests/drafts/data/real/SOURCES.md), so the input is
built from the largest real one: Ley 29325 as SPIJ prints it (33 articles, 6 títulos, 57 notes,
modified articles printed two or three times), its articles and títulos repeated eight times
with their numbers shifted (articles 1–264, títulos I–XLVIII), then its dispositions and
closing: 264 articles with 330 notes, every SPIJ pattern of the original in place.
"""

import logging
import re
from pathlib import Path

from app.core.db import write_session
from app.drafts import service
from app.drafts.importing import parse_file
from app.drafts.models import Numbering
from app.drafts.numbering import Kind, from_roman, to_roman
from benchmarks.common import fresh_database, report, timings

LAW = Path(__file__).parents[1] / "tests" / "drafts" / "data" / "real" / "ley-29325-spij.txt"
COPIES = 8
_ARTICLE = re.compile(r"^(\s*[“\"]?\s*Art[íi]culo\s+)(\d+)")
_TITULO = re.compile(r"^TÍTULO ([IVXL]+)\s*$")


def large_law(copies: int = COPIES) -> str:
    lines = LAW.read_text().splitlines()
    start = lines.index("TÍTULO I")
    end = lines.index("DISPOSICIONES COMPLEMENTARIAS FINALES")
    body = lines[start:end]
    articles = sum(1 for line in body if re.match(r"^\s*Art[íi]culo \d+\.", line))
    titulos = sum(1 for line in body if _TITULO.match(line))
    out = lines[:start]
    for copy in range(copies):
        for line in body:
            if match := _ARTICLE.match(line):
                number = int(match[2]) + copy * articles
                line = f"{match[1]}{number}{line[match.end() :]}"
            elif match := _TITULO.match(line):
                line = f"TÍTULO {to_roman((from_roman(match[1]) or 0) + copy * titulos)}"
            out.append(line)
    return "\n".join(out + lines[end:])


def run() -> None:
    logging.disable(logging.INFO)
    raw = large_law().encode()
    parsed = parse_file(raw, "ley-grande.txt")
    articles = sum(1 for node in parsed.walk() if node.kind is Kind.ARTICULO)
    notes = len(parsed.all_notes())
    print(f"input: {len(raw) // 1024} kB, {articles} articles, {notes} notes", flush=True)
    _url, engine = fresh_database()

    def import_once() -> None:
        with write_session(engine) as session:
            law = parse_file(raw, "ley-grande.txt", default_slug="ley-grande")
            service.import_draft(session, law, numbering=Numbering.FIXED)
            session.rollback()  # measure the whole import, keep the database empty

    report("parse 264-article SPIJ law", timings(lambda: parse_file(raw, "x.txt"), 5), "-")
    report("import 264-article SPIJ law (parse+write)", timings(import_once, 5), "< 2 s")
