"""Writes waiting for SQLite's write lock hold up no reader: not by taking every connection
of the pool (app/core/db.py), nor the event loop. A real server, a real database file, the lock
held by another writer."""

import sqlite3
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx2
import pytest
import uvicorn

from app.core import migrate
from app.core.config import Settings
from app.core.db import create_db_engine, write_session
from app.main import create_app
from tests.factories import entry_of, make_draft, token_headers

WRITERS = 20


@pytest.fixture
def server(tmp_path: Path) -> Iterator[tuple[str, Path, str, dict[str, str]]]:
    database = tmp_path / "mesa.db"
    url = f"sqlite:///{database}"
    migrate.upgrade(url)
    engine = create_db_engine(url)
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


def test_writes_waiting_for_the_lock_hold_up_no_reader(
    server: tuple[str, Path, str, dict[str, str]],
) -> None:
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
