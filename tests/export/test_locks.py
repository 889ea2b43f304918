"""An export only reads while it renders: writers are not locked out meanwhile. On a real SQLite
file with its own connections, not the tests' rolled-back session."""

import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, col, select

from app.audit.models import AuditEvent
from app.cli import main
from app.comments import service as comments
from app.comments.models import Comment
from app.core import db as database
from app.core import migrate
from app.core.config import Settings, get_settings
from app.core.db import create_db_engine, read_session, write_session
from app.drafts import service as drafts
from app.export import service as exports
from app.main import create_app
from app.members import service as members
from tests.factories import make_draft, make_member

# Short, so that a writer locked out fails within the test instead of after 10 s.
BUSY_TIMEOUT_MS = 1_500


@dataclass
class Attempt:
    error: Exception | None = None
    seconds: float = 0.0

    @property
    def went_through_promptly(self) -> bool:
        return self.error is None and self.seconds < BUSY_TIMEOUT_MS / 1000


@pytest.fixture
def url(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    monkeypatch.setattr(database, "SQLITE_BUSY_TIMEOUT_MS", BUSY_TIMEOUT_MS)
    url = f"sqlite:///{tmp_path / 'locks.db'}"
    migrate.upgrade(url)
    engine = create_db_engine(url)
    with Session(engine) as session:
        make_draft(session)
        make_member(session, email="comenta@mesa.example")
    engine.dispose()
    monkeypatch.setenv("MESA_DATABASE_URL", url)
    get_settings.cache_clear()
    yield url
    get_settings.cache_clear()


@pytest.fixture
def comment_while_rendering(url: str, monkeypatch: pytest.MonkeyPatch) -> Attempt:
    """While the Markdown export renders, a member posts a comment from another connection."""
    outcome = Attempt()

    def post() -> None:
        engine = create_db_engine(url)
        start = time.perf_counter()
        try:
            with write_session(engine) as session:
                draft = drafts.get_draft(session, "ley-de-prueba")
                author = members.get_member_by_email(session, "comenta@mesa.example")
                entry = drafts.load_outline(session, draft).clauses[0]
                comments.add_comment(
                    session, author, draft, entry, body="Propongo precisar el objeto."
                )
                session.commit()
        except Exception as error:  # what the member would see: the comment failed
            outcome.error = error
        outcome.seconds = time.perf_counter() - start
        engine.dispose()

    extension, media_type, render = exports.FORMATS["md"]

    def slow_render(job: exports.Job) -> bytes:
        writer = threading.Thread(target=post)
        writer.start()
        writer.join()
        return render(job)

    monkeypatch.setitem(exports.FORMATS, "md", (extension, media_type, slow_render))
    return outcome


def saved(url: str) -> tuple[int, list[str]]:
    engine = create_db_engine(url)
    with read_session(engine) as session:
        total = len(session.exec(select(Comment)).all())
        actions = list(session.exec(select(AuditEvent.action).order_by(col(AuditEvent.seq))).all())
    engine.dispose()
    return total, actions


def test_a_comment_posted_during_an_export_over_http_goes_through(
    url: str, comment_while_rendering: Attempt
) -> None:
    engine = create_db_engine(url)
    with Session(engine) as session:
        _token, raw = members.create_api_token(
            session, make_member(session, role="secretariat"), "x"
        )
        session.commit()
    app = create_app(Settings(database_url=url), engine=engine)
    with TestClient(app) as client:
        response = client.get(
            "/api/v1/drafts/ley-de-prueba/export?format=md",
            headers={"Authorization": f"Bearer {raw}"},
        )
    engine.dispose()
    assert response.status_code == 200
    assert comment_while_rendering.went_through_promptly, comment_while_rendering
    total, actions = saved(url)
    assert total == 1 and actions[-1] == "draft.exported"


def test_a_comment_posted_during_a_command_line_export_goes_through(
    url: str, comment_while_rendering: Attempt, tmp_path: Path
) -> None:
    assert main(["export", "ley-de-prueba", "--format", "md", "-o", str(tmp_path / "l.md")]) == 0
    assert comment_while_rendering.went_through_promptly, comment_while_rendering
    total, actions = saved(url)
    assert total == 1 and actions[-1] == "draft.exported"
