"""Races on committed data: two threads at once on the real test database (file SQLite and,
when set, PostgreSQL), then every row they added is removed again.

On PostgreSQL both transactions are held at a barrier once they have read, so they really
write at the same moment. On SQLite a writer cannot begin while another holds the write lock:
the threads start together and the database queues them, which is the race's real outcome there.
"""

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, delete, event, func, select
from sqlmodel import Session, SQLModel

from app.core.config import Settings
from app.core.db import write_session
from app.main import create_app

T = TypeVar("T")
WAIT = 10  # seconds; a barrier that is not met in this time fails the test instead of hanging


@contextmanager
def committed(engine: Engine) -> Iterator[None]:
    """Lets a test commit for real, and removes every row it added once it is done."""
    tables = SQLModel.metadata.sorted_tables
    with write_session(engine) as session:
        marks = {
            table.name: session.execute(select(func.max(_key(table)))).scalar() or 0
            for table in tables
        }
    try:
        yield
    finally:
        with write_session(engine) as session:
            for table in reversed(tables):  # children before their parents
                session.execute(delete(table).where(_key(table) > marks[table.name]))
            session.commit()


def _key(table: Any) -> Any:
    """A table's growing key: its id, the record's seq, or (a row per member or per round)
    the key it takes from its owner."""
    return next(iter(table.primary_key.columns))


@contextmanager
def real_client(engine: Engine) -> Iterator[TestClient]:
    """The app on the real session dependency: each request is its own transaction."""
    url = engine.url.render_as_string(hide_password=False)
    app = create_app(Settings(database_url=url), engine=engine)
    with TestClient(app, raise_server_exceptions=False) as client:
        yield client


def together(*calls: Callable[[], T]) -> list[T | BaseException]:
    """Runs the calls in threads at once; each result, or the exception it raised."""
    results: list[T | BaseException] = [RuntimeError("did not finish")] * len(calls)

    def run(index: int, call: Callable[[], T]) -> None:
        try:
            results[index] = call()
        except BaseException as error:  # the test looks at what each one raised
            results[index] = error

    threads = [threading.Thread(target=run, args=item) for item in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(3 * WAIT)
    return results


@contextmanager
def meeting_at_first_write(engine: Engine, parties: int = 2) -> Iterator[None]:
    """On PostgreSQL, holds each session at its first flush until all `parties` got there:
    every one of them has read what it checks, none has written yet."""
    if engine.dialect.name != "postgresql":
        yield
        return
    barrier = threading.Barrier(parties)
    met: set[int] = set()

    def meet(session: Session, _context: Any, _instances: Any) -> None:
        if id(session) not in met:
            met.add(id(session))
            barrier.wait(WAIT)

    event.listen(Session, "before_flush", meet)
    try:
        yield
    finally:
        event.remove(Session, "before_flush", meet)


def meet_after(
    monkeypatch: pytest.MonkeyPatch, engine: Engine, module: Any, name: str, parties: int = 2
) -> None:
    """On PostgreSQL, holds each caller of module.name, once it has returned, until all
    `parties` got there: for a race whose first write comes before any flush (a row lock)."""
    if engine.dialect.name != "postgresql":
        return
    original = getattr(module, name)
    barrier = threading.Barrier(parties)

    def meeting(*args: Any, **kwargs: Any) -> Any:
        result = original(*args, **kwargs)
        barrier.wait(WAIT)
        return result

    monkeypatch.setattr(module, name, meeting)
