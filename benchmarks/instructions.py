"""Issue 16: what one request costs, in machine instructions counted by Valgrind's callgrind,
on the load benchmark's data at 1× and 10×. Unlike a time, the count does not move with how
busy the machine is (two runs of the same code agree to a thousandth), so two versions of Mesa
are compared by it, one run each; the load benchmark then says what the count means in
waiting. Needs valgrind (apt-get install valgrind); the app runs in one process, its requests
made in it through bare ASGI calls: no server, no sockets and no HTTP client (not the httpx
transport of benchmarks/common.py), whose work would be counted as Mesa's.
"""

import asyncio
import os
import re
import shutil
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from benchmarks.load import CORES, Consultation, build, on_all_cores

REQUESTS = 40  # counted, after as many unmeasured ones: each worker's caches are warm
COLLECTED = re.compile(r"Collected : (\d+)")


def cases(data: Consultation) -> list[tuple[str, str, str | None]]:
    article = f"/drafts/{data.slug}/provisions/{data.uid}"
    return [
        ("healthz", "/healthz", None),
        ("article page, anonymous", article, None),
        ("provision API, anonymous", f"/api/v1/drafts/{data.slug}/provisions/{data.uid}", None),
        ("contents page", f"/drafts/{data.slug}", None),
        ("consensus map", f"/drafts/{data.slug}/consensus", None),
        ("article page, signed-in member", article, data.cookie),
    ]


def count(database_url: str, path: str, cookie: str | None) -> float:
    """Millions of instructions per request for `path`, the whole process's (its worker
    threads too), from callgrind with counting switched on only around the requests."""
    command = [
        "valgrind",
        "--tool=callgrind",
        "--instr-atstart=no",
        "--callgrind-out-file=/dev/null",
    ]
    command += [sys.executable, "-m", "benchmarks.instructions", path, cookie or ""]
    env = {**os.environ, "MESA_DATABASE_URL": database_url}
    done = subprocess.run(
        command, env=env, capture_output=True, text=True, check=True, preexec_fn=on_all_cores
    )
    found = COLLECTED.search(done.stderr)
    assert found, done.stderr[-2000:]
    return int(found.group(1)) / REQUESTS / 1e6


def run() -> None:
    if shutil.which("valgrind") is None:
        print("valgrind is not installed (apt-get install valgrind): instructions are not counted")
        return
    print(f"| {'case':<44} | {'1× M instr.':>12} | {'10× M instr.':>12} |")
    print(f"|{'-' * 46}|{'-' * 14}|{'-' * 14}|")
    counted: dict[str, list[float]] = {}
    for scale in (1, 10):
        data = build(scale)
        with ThreadPoolExecutor(CORES) as pool:
            jobs = [
                (name, pool.submit(count, data.url, path, cookie))
                for name, path, cookie in cases(data)
            ]
            for name, job in jobs:
                counted.setdefault(name, []).append(job.result())
    for name, (one, ten) in counted.items():
        print(f"| {name:<44} | {one:12.2f} | {ten:12.2f} |", flush=True)


def _request(path: str, cookie: str) -> dict[str, Any]:
    headers = [(b"host", b"127.0.0.1"), (b"accept-encoding", b"gzip")]
    if cookie:
        headers.append((b"cookie", cookie.encode()))
    return {
        "type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "GET",
        "scheme": "http", "path": path, "raw_path": path.encode(), "query_string": b"",
        "root_path": "", "headers": headers, "client": ("127.0.0.1", 50000),
        "server": ("127.0.0.1", 80), "state": {},
    }  # fmt: skip


async def _measured(path: str, cookie: str) -> None:
    """In the process valgrind runs: the app's requests, counted only around `REQUESTS`."""
    from app.main import create_app  # here: after MESA_DATABASE_URL is set

    app = create_app()

    async def one() -> int:
        statuses: list[int] = []
        asked = False

        async def receive() -> dict[str, Any]:
            nonlocal asked
            if asked:  # a client that stays connected: nothing more, ever
                await asyncio.Event().wait()
            asked = True
            return {"type": "http.request", "body": b"", "more_body": False}

        async def send(message: dict[str, Any]) -> None:
            if message["type"] == "http.response.start":
                statuses.append(message["status"])

        await app(_request(path, cookie), receive, send)
        return statuses[0]

    def counting(switch: str) -> None:
        subprocess.run(
            ["callgrind_control", "-i", switch, str(os.getpid())], check=True, capture_output=True
        )

    async with app.router.lifespan_context(app):
        for _ in range(REQUESTS):
            status = await one()
        assert status == 200, f"{path} answered {status}"
        counting("on")
        for _ in range(REQUESTS):
            await one()
        counting("off")


if __name__ == "__main__":
    asyncio.run(_measured(sys.argv[1], sys.argv[2]))
