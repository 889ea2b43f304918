"""Issue 16: a public consultation's load. Mesa and a bare Starlette app run as real uvicorn
processes on localhost, side by side in one run, driven by wrk at 50 connections; the data is
a 300-article law with its members' comments and positions, at 1× and at 10×.

Each case is measured in MESA_BENCH_ROUNDS rounds (default 3) of MESA_BENCH_SECONDS (default 5)
and its figures are the medians of the rounds', with the range of the rounds' p99 beside them:
on a shared machine one round can meet another tenant's burst. Mesa's provision API and the bare
app take turns, round by round, so that their ratio compares moments alike. MESA_BENCH_WORKERS
(default: the number of cores) sets the uvicorn workers of both apps.
"""

import logging
import os
import random
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import httpx2
from sqlalchemy import insert

from app.comments.models import Comment
from app.consensus import reports
from app.consensus.models import Position, PositionRecord
from app.core import security
from app.core.config import ROOT
from app.core.db import write_session
from app.core.models import utcnow
from app.core.security import SESSION_COOKIE
from app.drafts import service
from app.drafts.importing import parse_draft
from app.members import signin
from app.members.models import Member, Sector
from app.members.service import MemberDetails, add_member
from benchmarks.common import fresh_database, generated_law

CONNECTIONS = 50
MEMBERS = 60  # × scale: who takes positions (one on every clause) and comments
COMMENTS = 3_000  # × scale
STANCES = ["support"] * 6 + ["support_with_reservations", "abstain", "object"]
PASSWORD = "contraseña-de-prueba"
CORES = os.cpu_count() or 1


@dataclass
class Consultation:
    url: str
    slug: str
    uid: str  # an article in the middle of the law
    cookie: str  # a signed-in member's session


def build(scale: int) -> Consultation:
    """The law, `scale` × (60 members, a position each on every clause, 3,000 comments)."""
    url, engine = fresh_database(Path(tempfile.mkdtemp(prefix="mesa-load-")))
    rng = random.Random(16)
    password_hash = security.hash_password(PASSWORD)  # one hash: argon2 is slow on purpose
    now = utcnow() - timedelta(days=1)
    with write_session(engine) as session:
        draft = service.import_draft(
            session, parse_draft(generated_law(300).encode(), markdown=True)
        )
        reader = add_member(
            session, None, MemberDetails("lectora@mesa.example", "Lectora", "member"), PASSWORD
        )
        sectors = list(Sector)
        session.execute(
            insert(Member),
            [
                dict(
                    email=f"v{n}@mesa.example", name=f"Integrante {n}", sector=sectors[n % 9],
                    role="member", password_hash=password_hash, created_at=now,
                    region="Lima Metropolitana", organization="", is_active=True,
                    totp_enabled=False,
                )
                for n in range(MEMBERS * scale)
            ],
        )  # fmt: skip
        voters = session.exec(
            Member.__table__.select().where(Member.__table__.c.email.like("v%"))  # type: ignore[attr-defined]
        ).all()
        clauses = service.load_outline(session, draft).clauses
        positions = []
        for entry in clauses:
            for voter in voters:
                stance = rng.choice(STANCES)
                positions.append(
                    dict(
                        draft_id=draft.id, provision_id=entry.id, member_id=voter.id, version=1,
                        stance=stance, reason="Motivo" if stance != "support" else None,
                    )
                )  # fmt: skip
        session.execute(insert(Position), [{**p, "updated_at": now} for p in positions])
        session.execute(insert(PositionRecord), [{**p, "created_at": now} for p in positions])
        reports.keep_outcomes(session, draft)  # as recording each position one by one would
        session.execute(
            insert(Comment),
            [
                dict(
                    draft_id=draft.id, provision_id=clauses[n % len(clauses)].id,
                    author_id=voters[n % len(voters)].id, body=f"Comentario {n}: precisar.",
                    version=1, created_at=now,
                )
                for n in range(COMMENTS * scale)
            ],
        )  # fmt: skip
        signed_in = signin.sign_in(session, email=reader.email, password=PASSWORD, address="bench")
        session.commit()
        consultation = Consultation(
            url, draft.slug, clauses[len(clauses) // 2].uid, f"{SESSION_COOKIE}={signed_in.token}"
        )
    engine.dispose()
    return consultation


def on_all_cores() -> None:
    # benchmarks/__main__.py pins itself to one core; servers and wrk get the machine.
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, range(CORES))


@contextmanager
def serving(command: list[str], port: int, env: dict[str, str]) -> Iterator[str]:
    """A real server process started by `command`, on `port`, until the block ends."""
    # Its own process group: its workers are stopped with it even if it must be killed.
    process = subprocess.Popen(
        command, env={**os.environ, **env}, preexec_fn=on_all_cores, start_new_session=True
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(200):
            try:
                if httpx2.get(f"{base}/healthz", timeout=1).status_code == 200:
                    break
            except httpx2.TransportError:
                pass
            time.sleep(0.1)
        else:
            raise RuntimeError(f"{' '.join(command)} did not start")
        yield base
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:  # requests still queued after the load stopped
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


_NGINX_MAIN = """
worker_processes auto;
pid {root}/nginx.pid;
error_log {root}/error.log;
events {{ worker_connections 1024; }}
http {{
    access_log off;
    client_body_temp_path {root}/body;
    proxy_temp_path {root}/proxy;
    fastcgi_temp_path {root}/fastcgi;
    uwsgi_temp_path {root}/uwsgi;
    scgi_temp_path {root}/scgi;
    include {root}/mesa.conf;
}}
"""


@contextmanager
def nginx(upstream_port: int, port: int) -> Iterator[str]:
    """Debian's nginx with the repository's own deploy/nginx.conf in front of Mesa: its
    micro-cache, gzip and static files, only the ports and folders moved here."""
    root = Path(tempfile.mkdtemp(prefix="mesa-nginx-"))
    root.chmod(0o755)  # nginx's workers run as another user when it is started as root
    shipped = (ROOT / "deploy" / "nginx.conf").read_text()
    server = (
        shipped.replace("listen 80;", f"listen 127.0.0.1:{port};")
        .replace("server 127.0.0.1:8000;", f"server 127.0.0.1:{upstream_port};")
        .replace("/var/cache/nginx/mesa", str(root / "cache"))
        .replace("/srv/mesa/static/", f"{ROOT / 'static'}/")
    )
    (root / "mesa.conf").write_text(server)
    (root / "nginx.conf").write_text(_NGINX_MAIN.format(root=root))
    binary = shutil.which("nginx") or "/usr/sbin/nginx"
    command = [binary, "-p", str(root), "-c", str(root / "nginx.conf"), "-g", "daemon off;"]
    process = subprocess.Popen(command, preexec_fn=on_all_cores)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                if httpx2.get(f"{base}/healthz", timeout=1).status_code == 200:
                    break
            except httpx2.TransportError:
                pass
            time.sleep(0.1)
        else:
            raise RuntimeError("nginx did not start")
        yield base
    finally:
        process.terminate()
        process.wait(timeout=20)


@dataclass
class Load:
    p50_ms: float
    p99_ms: float
    per_second: float
    errors: int
    p99_range: tuple[float, float] = (0.0, 0.0)  # the lowest and highest round's


def middle(rounds: list[Load]) -> Load:
    """Each figure the median of the rounds', the errors of them all, and the p99's range."""
    p99s = [load.p99_ms for load in rounds]
    return Load(
        statistics.median(load.p50_ms for load in rounds),
        statistics.median(p99s),
        statistics.median(load.per_second for load in rounds),
        sum(load.errors for load in rounds),
        (min(p99s), max(p99s)),
    )


_DURATION = re.compile(r"([\d.]+)(us|ms|s)\b")


def mesa_serve(port: int, env: dict[str, str], workers: int) -> AbstractContextManager[str]:
    """Mesa as it is run in production: `mesa serve`, each worker on its own socket
    (app/serving.py). Without the access log, as the bare app: nginx in front keeps its own."""
    command = [sys.executable, "-m", "app.cli", "serve", "--port", str(port)]
    command += ["--workers", str(workers), "--log-level", "warning"]
    return serving(command, port, env)


def bare_uvicorn(port: int, env: dict[str, str], workers: int) -> AbstractContextManager[str]:
    """The yardstick: a bare Starlette app, under uvicorn's own --workers."""
    command = [sys.executable, "-m", "uvicorn", "benchmarks.bare:create_app", "--factory"]
    command += ["--port", str(port), "--workers", str(workers), "--log-level", "warning"]
    return serving(command, port, env)


def _ms(text: str) -> float:
    match = _DURATION.search(text)
    assert match, text
    value, unit = float(match.group(1)), match.group(2)
    return value / 1000 if unit == "us" else value * 1000 if unit == "s" else value


ROUNDS = int(os.environ.get("MESA_BENCH_ROUNDS", "3"))


def wrk(url: str, cookie: str | None = None) -> Load:
    """`CONNECTIONS` clients asking for `url` as fast as they are answered, in `ROUNDS` rounds."""
    return middle([_round(url, cookie) for _ in range(ROUNDS)])


def taking_turns(first: str, second: str) -> tuple[Load, Load]:
    """Two addresses measured round by round in turn: a slower spell of the machine falls on
    both alike, not on one."""
    rounds = [(_round(first), _round(second)) for _ in range(ROUNDS)]
    return middle([a for a, _ in rounds]), middle([b for _, b in rounds])


def _round(url: str, cookie: str | None = None) -> Load:
    """One round, once each worker has rendered `url` (the first render of a revision, about
    a second cold, is not what is measured)."""
    headers = {"Accept-Encoding": "gzip", **({"Cookie": cookie} if cookie else {})}
    for _ in range(4 * CORES):
        httpx2.get(url, headers=headers, timeout=30)
    seconds = os.environ.get("MESA_BENCH_SECONDS", "5")
    command = ["wrk", f"-t{CORES}", f"-c{CONNECTIONS}", f"-d{seconds}s", "--timeout", "5s"]
    command += ["--latency", "-H", "Accept-Encoding: gzip"]
    if cookie:
        command += ["-H", f"Cookie: {cookie}"]
    out = subprocess.run(
        [*command, url], capture_output=True, text=True, check=True, preexec_fn=on_all_cores
    ).stdout
    percentiles = dict(re.findall(r"^\s+(50|99)(?:\.000)?%\s+(\S+)", out, re.M))
    per_second = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))  # type: ignore[union-attr]
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    sockets = re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out
    )
    errors = int(non_2xx.group(1)) if non_2xx else 0
    errors += sum(int(n) for n in sockets.groups()) if sockets else 0
    return Load(_ms(percentiles["50"]), _ms(percentiles["99"]), per_second, errors)


def warm_up(url: str) -> None:
    """A few seconds of load, unmeasured: each worker's first seconds (its first renders, its
    caches filling, the collector's passes over them) are not what a consultation's readers
    meet, and the first case measured paid for them alone."""
    command = ["wrk", f"-t{CORES}", f"-c{CONNECTIONS}", "-d3s", url]
    subprocess.run(command, capture_output=True, check=True, preexec_fn=on_all_cores)


def line(name: str, load: Load, target: str = "-") -> None:
    low, high = load.p99_range
    print(
        f"| {name:<44} | {load.p50_ms:8.1f} | {load.p99_ms:8.1f} | {f'{low:.0f}-{high:.0f}':>11} "
        f"| {load.per_second:8.0f} | {load.errors:6d} | {target:<22} |",
        flush=True,
    )


def header() -> None:
    print(
        f"| {'case':<44} | {'p50 ms':>8} | {'p99 ms':>8} | {'p99 rounds':>11} | {'req/s':>8} "
        f"| {'errors':>6} | target"
    )
    print(f"|{'-' * 46}|{'-' * 10}|{'-' * 10}|{'-' * 13}|{'-' * 10}|{'-' * 8}|{'-' * 24}|")


def machine_speed() -> str:
    """A fixed piece of Python's work, timed. A shared machine's speed varies (here the same
    code served a member's page twice as fast in one hour as in another): the figures are
    read alongside it."""
    started = time.process_time()
    total = 0
    for number in range(5_000_000):
        total += number
    return f"{(time.process_time() - started) * 1000:.0f} ms"


def run() -> None:
    if shutil.which("wrk") is None:
        print("wrk is not installed (apt-get install wrk): the load benchmark is skipped")
        return
    logging.disable(logging.INFO)
    workers = int(os.environ.get("MESA_BENCH_WORKERS", CORES))
    print(
        f"{CONNECTIONS} connections, {workers} uvicorn worker(s) per app, {CORES} cores; "
        f"a fixed loop takes {machine_speed()} (lower: a faster machine)",
        flush=True,
    )
    header()
    articles: dict[int, Load] = {}
    for scale in (1, 10):
        data = build(scale)
        env = {"MESA_DATABASE_URL": data.url}
        with mesa_serve(8731, env, workers) as mesa:
            article = f"{mesa}/drafts/{data.slug}/provisions/{data.uid}"
            api = f"/api/v1/drafts/{data.slug}/provisions/{data.uid}"
            tag = f"{scale}×"
            warm_up(article)
            if scale == 1:
                line("healthz", wrk(f"{mesa}/healthz"))
            articles[scale] = wrk(article)
            line(f"{tag} article page, anonymous", articles[scale], "p99 < 100 ms")
            if scale == 1:
                body = Path(tempfile.mkstemp(suffix=".json")[1])
                body.write_bytes(httpx2.get(f"{mesa}{api}").content)
                with bare_uvicorn(8732, {"MESA_BENCH_BODY": str(body)}, workers) as bare:
                    provision_api, yardstick = taking_turns(f"{mesa}{api}", f"{bare}{api}")
                line(f"{tag} provision API, anonymous", provision_api, "p99 < 100 ms")
                line(f"{tag} bare Starlette, same JSON", yardstick)
                ratio = provision_api.per_second / yardstick.per_second
                print(
                    f"| {'provision API ÷ bare Starlette':<44} | {ratio:8.2f} | target ≥ 0.5",
                    flush=True,
                )
            else:
                line(f"{tag} provision API, anonymous", wrk(f"{mesa}{api}"), "p99 < 100 ms")
            line(f"{tag} contents page", wrk(f"{mesa}/drafts/{data.slug}"), "≤ 2× article")
            line(
                f"{tag} consensus map", wrk(f"{mesa}/drafts/{data.slug}/consensus"), "≤ 2× article"
            )
            line(f"{tag} article page, signed-in member", wrk(article, data.cookie), "p99 < 250 ms")
            if scale == 1 and (shutil.which("nginx") or Path("/usr/sbin/nginx").exists()):
                with nginx(8731, 8733) as proxy:
                    page = f"/drafts/{data.slug}/provisions/{data.uid}"
                    line("through nginx: article page, anonymous", wrk(f"{proxy}{page}"))
                    line("through nginx: provision API, anonymous", wrk(f"{proxy}{api}"))
                    line("through nginx: contents page", wrk(f"{proxy}/drafts/{data.slug}"))
                    line(
                        "through nginx: article, signed-in member",
                        wrk(f"{proxy}{page}", data.cookie),
                    )
    flat = articles[10].per_second / articles[1].per_second
    print(
        f"article page throughput at 10× data ÷ at 1×: {flat:.2f} (target: flat, ≈ 1)", flush=True
    )
    print(f"the fixed loop at the end: {machine_speed()}", flush=True)
