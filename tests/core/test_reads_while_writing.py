"""Writes waiting for SQLite's write lock hold up no reader: not by taking every connection
of the pool (app/core/db.py), nor the event loop. A real server, a real database file, the lock
held by another writer."""

import re
import sqlite3
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import httpx2
import pytest
import uvicorn
from fastapi.testclient import TestClient
from sqlalchemy import Engine, event

from app.core import migrate
from app.core.config import Settings
from app.core.db import create_db_engine, write_session
from app.core.security import SESSION_COOKIE
from app.main import create_app
from app.members import signin
from tests.factories import PASSWORD, entry_of, make_draft, make_member, token_headers

WRITERS = 20
TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')


Server = tuple[str, Path, str, dict[str, str]]


@pytest.fixture
def server(tmp_path: Path) -> Iterator[Server]:
    yield from serve(tmp_path)


@pytest.fixture
def impatient_server(tmp_path: Path) -> Iterator[Server]:
    """Its writes wait 0.3 s for the lock, not 10."""
    yield from serve(tmp_path, busy_timeout_ms=300)


def serve(tmp_path: Path, busy_timeout_ms: int | None = None) -> Iterator[Server]:
    database = tmp_path / "mesa.db"
    url = f"sqlite:///{database}"
    migrate.upgrade(url)
    engine = create_db_engine(url)
    if busy_timeout_ms is not None:

        @event.listens_for(engine, "connect")
        def _impatient(dbapi_connection: Any, _record: Any) -> None:  # after Mesa's own
            dbapi_connection.execute(f"PRAGMA busy_timeout={busy_timeout_ms}")

    with write_session(engine) as session:
        draft = make_draft(session)
        article = f"/drafts/{draft.slug}/provisions/{entry_of(session, draft, 'Artículo 2.').uid}"
        headers = token_headers(session, "member")
    config = uvicorn.Config(
        create_app(Settings(database_url=url), engine=engine), port=0, log_level="warning"
    )
    running = uvicorn.Server(config)
    thread = threading.Thread(target=running.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 15
    while not running.started:
        assert time.monotonic() < deadline, "the Mesa test server did not start"
        time.sleep(0.05)
    port = running.servers[0].sockets[0].getsockname()[1]
    yield f"http://127.0.0.1:{port}", database, article, headers
    running.should_exit = True
    thread.join(10)
    engine.dispose()


def test_writes_waiting_for_the_lock_hold_up_no_reader(server: Server) -> None:
    base, database, article, headers = server
    other_writer = sqlite3.connect(database, isolation_level=None)
    other_writer.execute("BEGIN IMMEDIATE")  # as a long import would
    # More writes than a connection pool of the default size holds (5 + 10), each waiting
    # for the lock with a connection of its own.
    with ThreadPoolExecutor(WRITERS) as pool:
        waiting = [
            pool.submit(
                httpx2.post,
                f"{base}/api/v1{article}/comments",
                json={"body": f"Precisar el plazo ({n})."},
                headers=headers,
                timeout=30,
            )
            for n in range(WRITERS)
        ]
        time.sleep(1)  # the comments are now waiting for the lock
        assert not any(write.done() for write in waiting)
        # Had this read waited for a connection that only a finished write gives back, or had a
        # write stopped the event loop, it would wait for them, and they for the lock until
        # their busy timeout (10 s) refused them.
        page = httpx2.get(f"{base}{article}", headers=headers, timeout=30)
        assert page.status_code == 200 and not any(write.done() for write in waiting)
        other_writer.execute("COMMIT")
        assert [write.result().status_code for write in waiting] == [201] * WRITERS
    other_writer.close()


def test_a_write_that_waits_too_long_for_the_lock_is_told_to_try_again(
    impatient_server: Server,
) -> None:
    base, database, article, headers = impatient_server
    other_writer = sqlite3.connect(database, isolation_level=None)
    other_writer.execute("BEGIN IMMEDIATE")
    comment = {"body": "Precisar el plazo."}
    refused = httpx2.post(f"{base}/api/v1{article}/comments", json=comment, headers=headers)
    other_writer.execute("COMMIT")
    other_writer.close()
    assert refused.status_code == 503 and refused.headers["retry-after"] == "5"
    error = refused.json()["error"]
    assert error["code"] == "busy" and "nada se guardó" in error["message"]
    again = httpx2.post(f"{base}/api/v1{article}/comments", json=comment, headers=headers)
    assert again.status_code == 201


def test_a_member_told_to_try_again_is_still_shown_signed_in(impatient_server: Server) -> None:
    base, database, article, _headers = impatient_server
    engine = create_db_engine(f"sqlite:///{database}")
    with write_session(engine) as session:
        member = make_member(session, name="Juana Mamani")
        signed = signin.sign_in(session, email=member.email, password=PASSWORD, address="t")
        session.commit()
    engine.dispose()
    browser = httpx2.Client(base_url=base, cookies={SESSION_COOKIE: signed.token})
    found = TOKEN.search(browser.get(article).text)
    assert found is not None
    token = found.group(1)
    other_writer = sqlite3.connect(database, isolation_level=None)
    other_writer.execute("BEGIN IMMEDIATE")
    refused = browser.post(f"{article}/comments", data={"body": "Precisar.", "csrf_token": token})
    other_writer.execute("COMMIT")
    other_writer.close()
    assert refused.status_code == 503
    assert "nada se guardó" in refused.text and "Juana Mamani" in refused.text


def test_every_connection_in_use_too_long_is_told_to_try_again(engine: Engine) -> None:
    """A process whose pool is all in use (here one connection, waited for 0.3 s): a 503 that
    says to try again, not a 500; then, the connection given back, the same request answers."""
    url = engine.url.render_as_string(hide_password=False)
    small = create_db_engine(url, pool_size=1, max_overflow=0, pool_timeout=0.3)
    app = create_app(Settings(database_url=url), engine=small)
    with TestClient(app, raise_server_exceptions=False) as client:
        held = small.connect()
        refused = client.get("/")
        api = client.get("/healthz")
        held.close()
        assert refused.status_code == 503 and refused.headers["retry-after"] == "5"
        assert "Mesa está ocupada" in refused.text
        assert api.status_code == 503 and api.json()["error"]["code"] == "busy"
        assert client.get("/healthz").status_code == 200
    small.dispose()
