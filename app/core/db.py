"""Engines and the per-request session.

SQLite: WAL, foreign keys and a busy timeout on every connection, and transactions that write
begin IMMEDIATE. A deferred transaction that reads and then writes takes its write lock late and
fails with "database is locked" when another writer got there first; taking the lock at BEGIN
makes the second writer wait (up to the busy timeout) instead.
"""

from collections.abc import AsyncIterator, Iterator
from contextlib import contextmanager
from typing import Annotated, Any

from fastapi import Depends, Request
from sqlalchemy import Engine, create_engine, event, make_url
from sqlalchemy.engine import Connection
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session
from starlette.concurrency import run_in_threadpool

from app.core.errors import DomainError

SQLITE_BUSY_TIMEOUT_MS = 10_000
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
# Execution option that makes a SQLite transaction begin IMMEDIATE (ignored on PostgreSQL).
WRITE_OPTION = "mesa_write"


def normalize_url(url: str) -> str:
    """Use psycopg 3 for PostgreSQL whatever spelling the URL uses."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def create_db_engine(url: str, **kwargs: Any) -> Engine:
    url = normalize_url(url)
    if not url.startswith("sqlite"):
        # PostgreSQL has its own cap (max_connections): each process keeps to the pool's
        # usual 5 + 10, and a request that finds them all in use waits for one (up to 30 s).
        return create_engine(url, pool_pre_ping=True, **kwargs)
    # On SQLite a request never waits for a connection: with the pool's usual cap, writes
    # waiting for the one write lock took every connection, and readers waited behind them
    # until the writes' busy timeout. Five are kept open; more are opened while more requests
    # are under way. (An in-memory database has one connection, and no pool to size.)
    if make_url(url).database not in (None, "", ":memory:"):
        kwargs.setdefault("max_overflow", -1)

    engine = create_engine(url, connect_args={"check_same_thread": False}, **kwargs)

    @event.listens_for(engine, "connect")
    def _configure_sqlite(dbapi_connection: Any, _record: Any) -> None:
        # Let SQLAlchemy's "begin" event issue BEGIN itself, so it can choose IMMEDIATE.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _begin(conn: Connection) -> None:
        immediate = conn.get_execution_options().get(WRITE_OPTION, False)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")

    return engine


def database_kind(engine: Engine) -> str:
    return "postgresql" if engine.dialect.name == "postgresql" else engine.dialect.name


def write_session(engine: Engine) -> Session:
    """A session for a unit of work that writes (begins IMMEDIATE on SQLite)."""
    return Session(engine.execution_options(**{WRITE_OPTION: True}), expire_on_commit=False)


# Marks a session that only reads committed rows: derived data may come from app/core/cache.py.
READS_ONLY = "mesa_reads_only"


def read_session(engine: Engine) -> Session:
    return Session(engine, expire_on_commit=False, info={READS_ONLY: True})


def reads_only(session: Session) -> bool:
    return bool(session.info.get(READS_ONLY))


def _is_unique_violation(error: IntegrityError) -> bool:
    cause = error.orig
    return (
        getattr(cause, "sqlstate", None) == "23505"  # PostgreSQL's unique_violation
        or getattr(cause, "sqlite_errorname", None) == "SQLITE_CONSTRAINT_UNIQUE"
    )


@contextmanager
def unique_or(session: Session, refusal: DomainError) -> Iterator[None]:
    """Writes the block in a savepoint; if a concurrent request committed the same unique key
    first, raises `refusal` (a 409 saying what happened) instead of letting a 500 out.

    A check-then-insert ("is there one already?") cannot see a twin that has not committed yet;
    the unique constraint does, and this turns its verdict into the answer the check gives.
    """
    try:
        with session.begin_nested():
            yield
            session.flush()
    except IntegrityError as error:
        if not _is_unique_violation(error):
            raise
        raise refusal from error


def _end(session: Session) -> None:
    with session:  # closed, its connection back to the pool
        session.rollback()


async def get_session(request: Request) -> AsyncIterator[Session]:
    """One transaction per request. Routes commit before they respond; this only rolls back.

    FastAPI may run the code after `yield` once the response has gone out, so a commit here
    could fail after the client was told "done".

    A session opens no connection until its first statement: it is made here, on the event
    loop, and only a rollback, a statement, is handed to a worker thread; a write the route
    committed has none left to end. Each hand-over to a thread and back costs about as much
    of the server's time as the statement it runs.
    """
    engine: Engine = request.app.state.engine
    make = read_session if request.method in SAFE_METHODS else write_session
    session = make(engine)
    try:
        yield session
    finally:
        if session.in_transaction():
            await run_in_threadpool(_end, session)
        else:
            session.close()  # no connection held: nothing to wait for


def get_write_session(request: Request) -> Iterator[Session]:
    """A second session, for a short write after long reading work done in the request's read
    session (an export is rendered, then audited). Its transaction, and on SQLite the write
    lock, begins at its first statement: use it only for the write."""
    with write_session(request.app.state.engine) as session:
        try:
            yield session
        finally:
            session.rollback()


SessionDep = Annotated[Session, Depends(get_session)]
WriteSessionDep = Annotated[Session, Depends(get_write_session)]
