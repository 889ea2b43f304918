"""SQLite settings and the 'database is locked' trap: writers must begin IMMEDIATE."""

import threading
from pathlib import Path

from sqlalchemy import text

from app.core import migrate
from app.core.db import create_db_engine, read_session, write_session
from tests.factories import make_draft


def test_sqlite_connections_use_wal_foreign_keys_and_a_busy_timeout(tmp_path: Path) -> None:
    engine = create_db_engine(f"sqlite:///{tmp_path / 'pragmas.db'}")
    with engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert connection.exec_driver_sql("PRAGMA busy_timeout").scalar() >= 5000


def test_two_writers_that_read_first_both_succeed_on_sqlite(tmp_path: Path) -> None:
    """Both transactions read, then write. Begun DEFERRED, the second fails at its write with
    'database is locked' (its snapshot is stale); begun IMMEDIATE, it waits its turn."""
    url = f"sqlite:///{tmp_path / 'writers.db'}"
    migrate.upgrade(url)
    engine = create_db_engine(url)
    with write_session(engine) as session:
        make_draft(session, slug="contador")

    first_has_read = threading.Event()
    first_committed = threading.Event()
    errors: list[BaseException] = []

    def rename(suffix: str, before_write: threading.Event | None) -> None:
        try:
            with write_session(engine) as session:
                title = session.connection().execute(text("SELECT title FROM draft")).scalar_one()
                if before_write is None:
                    first_has_read.set()
                    first_committed.wait(0.3)  # give the other writer time to start
                else:
                    before_write.wait(5)
                session.connection().execute(
                    text("UPDATE draft SET title = :title"), {"title": f"{title} {suffix}"}
                )
                session.commit()
        except BaseException as error:
            errors.append(error)
        finally:
            if before_write is None:
                first_committed.set()

    def second() -> None:
        first_has_read.wait(5)
        rename("B", first_committed)

    threads = [threading.Thread(target=rename, args=("A", None)), threading.Thread(target=second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(20)

    assert errors == []
    with read_session(engine) as session:
        title = session.connection().execute(text("SELECT title FROM draft")).scalar_one()
    assert title == "Ley de prueba A B"  # neither update was lost
    engine.dispose()
