"""Every error a person can meet is a proper page, for anonymous visitors and for every role
(a signed-in error page once crashed with a 500: the session had rolled back under the header)."""

from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session

from app.amendments import service as amendments
from app.core import migrate
from app.core.config import Settings
from app.core.db import create_db_engine, write_session
from app.main import create_app
from tests.conftest import give_each_request_its_own_session
from tests.factories import entry_of, make_draft, make_member, post_form, sign_in

ROLES = [None, "observer", "member", "secretariat", "admin"]


def _signed_in(client: TestClient, db: Session, role: str | None) -> str | None:
    if role is None:
        return None
    member = make_member(db, role=role, name=f"Persona {role}")
    sign_in(client, member)
    return member.name


@pytest.mark.parametrize("role", ROLES)
class TestErrorPages:
    def test_not_found(self, client: TestClient, db: Session, role: str) -> None:
        name = _signed_in(client, db, role)
        for path in ("/drafts/no-such-draft", "/amendments/424242"):
            response = client.get(path)
            assert response.status_code == 404, path
            assert "text/html" in response.headers["content-type"]
            assert "<h1>" in response.text
            if name:
                assert name in response.text  # the header still shows who is signed in

    def test_method_not_allowed(self, client: TestClient, db: Session, role: str) -> None:
        _signed_in(client, db, role)
        response = client.delete("/sign-in")
        assert response.status_code == 405
        assert "<h1>" in response.text

    def test_a_forms_address_opened_again_is_its_page(
        self, client: TestClient, db: Session, role: str
    ) -> None:
        """Reloading or bookmarking where a form posted (a refused comment, a decision) is the
        page the form is on, not an error."""
        _signed_in(client, db, role)
        draft = make_draft(db)
        article = f"/drafts/{draft.slug}/provisions/{entry_of(db, draft, 'Artículo 1.').uid}"
        for form, page in [
            (f"{article}/comments", article),
            (f"{article}/position/confirm", article),
            (f"/drafts/{draft.slug}/rounds", f"/drafts/{draft.slug}"),
            ("/sign-out", "/"),
        ]:
            response = client.get(form, follow_redirects=False)
            assert (response.status_code, response.headers.get("location")) == (303, page), form
        assert client.get("/api/v1/drafts/x/rounds").status_code in (404, 405)

    def test_invalid_input(self, client: TestClient, db: Session, role: str) -> None:
        name = _signed_in(client, db, role)
        draft = make_draft(db)
        uid = entry_of(db, draft, "Artículo 1.").uid
        path = f"/drafts/{draft.slug}/provisions/{uid}/diff?from=x&to=1"
        response = client.get(path)
        assert response.status_code == 422
        assert "from" in response.text
        assert not name or name in response.text


# What each role may not open (admins may open everything, anonymous visitors are sent to sign in;
# the production two-factor refusal below covers the secretariat's and admins' 403 page).
FORBIDDEN = [
    ("observer", "/drafts/ley-de-prueba/queue"),
    ("member", "/drafts/ley-de-prueba/queue"),
    ("secretariat", "/members"),
]


@pytest.mark.parametrize(("role", "path"), FORBIDDEN)
def test_forbidden(client: TestClient, db: Session, role: str, path: str) -> None:
    name = _signed_in(client, db, role)
    make_draft(db)
    response = client.get(path)
    assert response.status_code == 403
    assert name and name in response.text


@pytest.mark.parametrize("role", ["member", "secretariat", "admin"])
def test_conflict(client: TestClient, db: Session, role: str) -> None:
    """Withdrawing twice: the second is a 409 page (only those who may amend can withdraw)."""
    author = make_member(db, role=role, name="Autora de la enmienda")
    sign_in(client, author)
    draft = make_draft(db)
    entry = entry_of(db, draft, "Artículo 1.")
    amendment = amendments.submit_amendment(
        db,
        author,
        draft,
        kind="modify",
        target_uid=entry.uid,
        rationale="Más claro.",
        base_version=1,
        text="Nuevo.",
    )
    db.commit()
    url = f"/amendments/{amendment.id}/withdraw"
    assert post_form(client, url).status_code == 303
    response = post_form(client, url)
    assert response.status_code == 409
    assert "Autora de la enmienda" in response.text


def test_the_second_factor_message_reaches_the_secretariat(engine: object, db: Session) -> None:
    """In production a secretariat without two-factor sign-in is told to turn it on, on a page."""
    settings = Settings(
        database_url=str(engine.url),  # type: ignore[attr-defined]
        env="production",
        secret_key="s" * 40,
    )
    app = create_app(settings, engine=engine)  # type: ignore[arg-type]
    give_each_request_its_own_session(app, db)
    draft = make_draft(db)
    secretariat = make_member(db, role="secretariat", name="Secretaría sin código")
    with TestClient(app, base_url="https://testserver") as client:
        sign_in(client, secretariat)
        response = client.get(f"/drafts/{draft.slug}/queue")
    assert response.status_code == 403
    assert "Secretaría sin código" in response.text
    assert "Active la verificación en dos pasos" in response.text


def test_an_address_that_matches_no_route_still_knows_who_is_signed_in(tmp_path: Path) -> None:
    """No route, so no dependency ran: the error handler itself finds who is asking."""
    url = f"sqlite:///{tmp_path / 'errors.db'}"
    migrate.upgrade(url)
    engine = create_db_engine(url)
    try:
        with write_session(engine) as session:
            member = make_member(session, name="Persona perdida")
        with TestClient(create_app(Settings(database_url=url), engine=engine)) as client:
            sign_in(client, member)
            not_found = client.get("/no/such/page")
            not_allowed = client.delete("/sign-in")
        assert (not_found.status_code, not_allowed.status_code) == (404, 405)
        assert "Persona perdida" in not_found.text
        assert "Persona perdida" in not_allowed.text
    finally:
        engine.dispose()
