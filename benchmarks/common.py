"""Shared pieces: a fresh migrated database, a generated law of any size, timing helpers."""

import asyncio
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx2
from sqlalchemy import Engine

from app.core import migrate
from app.core.db import create_db_engine

SENTENCE = (
    "El productor minero artesanal inscrito en el registro cumple las obligaciones ambientales, "
    "laborales y tributarias que establece la presente Ley, con asistencia técnica del Estado"
)


def generated_law(articles: int, titulos: int = 10, capitulos: int = 3) -> str:
    """A law of `articles` articles with numerales and literales, in the drafts/ format."""
    lines = ["---", "slug: ley-generada", "title: Ley generada para medir", "---", ""]
    per_capitulo = max(1, articles // (titulos * capitulos))
    number = 0
    for t in range(1, titulos + 1):
        lines.append(f"# TÍTULO {t}. TÍTULO NÚMERO {t}")
        for c in range(1, capitulos + 1):
            lines.append(f"## CAPÍTULO {c}. CAPÍTULO NÚMERO {c}")
            for _ in range(per_capitulo):
                number += 1
                if number > articles:
                    break
                lines += [f"#### Artículo {number}. Artículo número {number}", ""]
                lines += [f"{number}.{n} {SENTENCE} ({n})." for n in range(1, 4)]
                lines += ["", "a) primer supuesto;", "", "b) segundo supuesto.", ""]
    while number < articles:  # whatever did not divide evenly goes in the last capítulo
        number += 1
        lines += [f"#### Artículo {number}. Artículo número {number}", "", f"{SENTENCE}.", ""]
    lines += ["# DISPOSICIONES COMPLEMENTARIAS FINALES", "#### PRIMERA. Vigencia", "Rige.", ""]
    return "\n".join(lines)


def fresh_database(folder: Path | None = None) -> tuple[str, Engine]:
    folder = folder or Path(tempfile.mkdtemp(prefix="mesa-bench-"))
    url = f"sqlite:///{folder / 'bench.db'}"
    migrate.upgrade(url)
    return url, create_db_engine(url)


def timings(action: Callable[[], object], repeat: int) -> list[float]:
    """Seconds taken by each of `repeat` runs of `action`."""
    result = []
    for _ in range(repeat):
        start = time.perf_counter()
        action()
        result.append(time.perf_counter() - start)
    return result


def request_timings(
    app: Any,
    paths: list[str],
    repeat: int,
    headers: dict[str, str] | None = None,
    warm_up: bool = True,
) -> dict[str, list[float]]:
    """Seconds per request for each path, served in-process as uvicorn would (ASGI, one loop)."""

    async def measure() -> dict[str, list[float]]:
        transport = httpx2.ASGITransport(app=app)
        async with httpx2.AsyncClient(
            transport=transport, base_url="http://mesa", headers=headers
        ) as client:
            results: dict[str, list[float]] = {path: [] for path in paths}
            for path in paths:
                if warm_up:
                    assert (await client.get(path)).status_code == 200, path
                for _ in range(repeat):
                    start = time.perf_counter()
                    await client.get(path)
                    results[path].append(time.perf_counter() - start)
            return results

    return asyncio.run(measure())


def report(name: str, seconds: list[float], target: str) -> str:
    ms = [s * 1000 for s in seconds]
    line = (
        f"{name:<40} median {statistics.median(ms):8.2f} ms   p95 "
        f"{sorted(ms)[int(len(ms) * 0.95) - 1 if len(ms) > 1 else 0]:8.2f} ms   "
        f"runs {len(ms):4d}   target {target}"
    )
    print(line, flush=True)
    return line
