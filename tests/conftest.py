"""Tests run on real databases built by the migrations: SQLite always, PostgreSQL when
MESA_TEST_DATABASE_URL is set. Each test runs in a transaction that is rolled back."""

import os
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from argon2 import PasswordHasher
from fastapi import FastAPI, Request
from fastapi.testclient import TestClient
from hypothesis import settings
from sqlalchemy import Engine, create_engine, event, text
from sqlmodel import Session

from app.core import migrate, security
from app.core.config import Settings
from app.core.db import (
    READS_ONLY,
    SAFE_METHODS,
    create_db_engine,
    get_session,
    get_write_session,
    normalize_url,
)
from app.drafts.service import public_revision
from app.main import create_app

POSTGRES_URL = os.environ.get("MESA_TEST_DATABASE_URL")
# CI runs the same examples every time (a red build is then reproducible); locally, Hypothesis
# explores new ones on each run and remembers the failures it finds.
settings.register_profile("ci", derandomize=True, print_blob=True)
settings.load_profile("ci" if os.environ.get("CI") else "default")
ENGINES = ["sqlite", "postgresql"] if POSTGRES_URL else ["sqlite"]
# Every test member has a password: hashing each with production argon2 parameters cost most of
# a member's creation. tests/members/test_sign_in.py checks the production parameters.
TEST_HASHER = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)
security.configure_hasher(TEST_HASHER)


def reset_postgres(url: str) -> None:
    """Empty the PostgreSQL test database so the migrations start from nothing."""
    engine = create_engine(normalize_url(url), isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.execute(text("DROP SCHEMA public CASCADE"))
        connection.execute(text("CREATE SCHEMA public"))
    engine.dispose()


def database_url(kind: str, folder: Path) -> str:
    if kind == "sqlite":
        return f"sqlite:///{folder / 'mesa-test.db'}"
    assert POSTGRES_URL
    reset_postgres(POSTGRES_URL)
    return POSTGRES_URL


@pytest.fixture(scope="session", params=ENGINES)
def engine(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Engine]:
    url = database_url(request.param, tmp_path_factory.mktemp(request.param))
    migrate.upgrade(url)
    engine = create_db_engine(url)
    yield engine
    engine.dispose()


@pytest.fixture
def db(engine: Engine) -> Iterator[Session]:
    """A session whose commits are savepoints inside one transaction rolled back at the end."""
    connection = engine.connect()
    transaction = connection.begin()
    session = Session(
        bind=connection, join_transaction_mode="create_savepoint", expire_on_commit=False
    )
    yield session
    session.close()
    transaction.rollback()
    connection.close()


@pytest.fixture
def app(engine: Engine, db: Session) -> FastAPI:
    app = create_app(Settings(database_url=str(engine.url)), engine=engine)
    return give_each_request_its_own_session(app, db)


@pytest.fixture
def client(app: FastAPI) -> Iterator[TestClient]:
    with TestClient(app) as client:
        yield client


def give_each_request_its_own_session(app: FastAPI, db: Session) -> FastAPI:
    """Every request of `app` gets its own session, closed after it as in production (so a
    template reading something the request's rollback detached fails here as it would there),
    on savepoints of the test's transaction so the test still rolls everything back. The
    anonymous readers' cache reads the draft's revision on the test's connection too, and a
    request that only reads is marked so, as in production, so the caches by revision serve it."""
    app.state.public_revision = public_revision(db.connection())

    def read_or_write_session(request: Request) -> Iterator[Session]:
        yield from request_session(reads=request.method in SAFE_METHODS)

    def write_session() -> Iterator[Session]:
        yield from request_session(reads=False)

    def request_session(reads: bool) -> Iterator[Session]:
        with Session(
            bind=db.connection(),
            join_transaction_mode="create_savepoint",
            expire_on_commit=False,
            info={READS_ONLY: True} if reads else {},
        ) as session:
            wrote = _track_uncommitted_writes(session)
            try:
                yield session
            finally:
                # As get_session, whatever the route did not commit is undone. The savepoints
                # of a request's two sessions nest on the test's one connection, so a read
                # session that wrote nothing releases its savepoint instead: rolling it back
                # would undo what the write session committed inside it (an export's record).
                if wrote():
                    session.rollback()
                else:
                    session.expire_all()  # as production's rollback does: nothing outlives it
                    session.commit()

    app.dependency_overrides[get_session] = read_or_write_session
    app.dependency_overrides[get_write_session] = write_session
    return app


def _track_uncommitted_writes(session: Session) -> Callable[[], bool]:
    flushed = False

    def on_flush(*_args: object) -> None:
        nonlocal flushed
        flushed = True

    def on_end(*_args: object) -> None:
        nonlocal flushed
        flushed = False

    event.listen(session, "after_flush", on_flush)
    event.listen(session, "after_commit", on_end)
    event.listen(session, "after_soft_rollback", on_end)
    return lambda: flushed or bool(session.new or session.dirty or session.deleted)
