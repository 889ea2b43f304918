"""One transaction per request, committed before the response leaves, on the real session
dependency (not the tests' override)."""

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import event
from sqlmodel import Session, func, select
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.core import migrate
from app.core.config import Settings
from app.core.db import SessionDep, create_db_engine, write_session
from app.core.errors import Conflict
from app.main import create_app
from app.members import service as members
from app.members.deps import SignedInMember
from app.members.models import ApiToken
from tests.factories import PASSWORD, make_member, post_form


@pytest.fixture
def real_app(tmp_path: Path) -> Iterator[tuple[TestClient, list[str], object]]:
    url = f"sqlite:///{tmp_path / 'requests.db'}"
    migrate.upgrade(url)
    engine = create_db_engine(url)
    app = create_app(Settings(database_url=url), engine=engine)

    @app.post("/api/v1/flush-then-fail")
    def flush_then_fail(session: SessionDep, who: SignedInMember) -> None:
        """A route whose service has written (and flushed) before it refuses."""
        members.create_api_token(session, who, "half-done")
        session.flush()
        raise Conflict("Refused after writing.")

    order: list[str] = []

    def recorder(inner: ASGIApp) -> ASGIApp:
        async def wrapped(scope: Scope, receive: Receive, send: Send) -> None:
            async def spy(message: Message) -> None:
                if message["type"] == "http.response.start" and scope.get("method") == "POST":
                    order.append("response")
                await send(message)

            await inner(scope, receive, spy)

        return wrapped

    def on_commit(_session: Session) -> None:
        order.append("commit")

    event.listen(Session, "after_commit", on_commit)
    try:
        with TestClient(recorder(app)) as client:  # type: ignore[arg-type]
            yield client, order, engine
    finally:
        event.remove(Session, "after_commit", on_commit)
        engine.dispose()


def test_a_write_is_committed_before_the_response_is_sent(
    real_app: tuple[TestClient, list[str], object],
) -> None:
    client, order, engine = real_app
    with write_session(engine) as session:  # type: ignore[arg-type]
        member = make_member(session)
    order.clear()
    response = post_form(client, "/sign-in", {"email": member.email, "password": PASSWORD})
    assert response.status_code == 303
    assert order == ["commit", "response"]


def test_a_request_that_fails_after_writing_leaves_nothing_behind(
    real_app: tuple[TestClient, list[str], object],
) -> None:
    """A service that has already flushed a row and then refuses: the row must not survive.
    (The first version of this test was refused by the CSRF check before any write ran.)"""
    client, _order, engine = real_app
    with write_session(engine) as session:  # type: ignore[arg-type]
        member = make_member(session)
        _token, secret = members.create_api_token(session, member, "script")
        session.commit()
        tokens_before = session.exec(select(func.count()).select_from(ApiToken)).one()

    response = client.post("/api/v1/flush-then-fail", headers={"Authorization": f"Bearer {secret}"})
    assert response.status_code == 409
    assert response.json()["error"]["message"] == "Refused after writing."
    with write_session(engine) as session:  # type: ignore[arg-type]
        assert session.exec(select(func.count()).select_from(ApiToken)).one() == tokens_before
