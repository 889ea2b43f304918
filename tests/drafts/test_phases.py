"""A closed draft is read-only for everyone: every write endpoint refuses, says why, and changes
nothing. Reads and exports stay allowed."""

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import Engine, select
from sqlmodel import Session, SQLModel

from app.amendments import service as amendments
from app.audit.service import SYSTEM
from app.comments import service as comments
from app.consensus import positions, rounds
from app.core.db import write_session
from app.core.models import utcnow
from app.drafts import motives
from app.drafts import service as drafts
from app.drafts.models import Draft
from app.members import service as members
from tests.factories import entry_of, make_draft, make_member, uid_of
from tests.members.test_permissions import app_routes
from tests.races import committed, real_client

# Tables that sign-in and token use touch on every request; the draft's own data is the rest.
MEMBER_TABLES = {
    "member",
    "member_session",
    "api_token",
    "invitation",
    "sign_in_failure",
    "recovery_code",
}
# Write endpoints a closed draft still takes, and why.
ALLOWED_WHEN_CLOSED = {
    ("POST", "/drafts/{slug}/phase"),  # how the secretariat reopens it
    ("POST", "/comments/{comment_id}/hide"),  # moderation protects people; no text changes
}
REFUSAL = "closed phase"


@dataclass
class Closed:
    draft: Draft
    headers: dict[str, str]
    ids: dict[str, Any]


@pytest.fixture
def closed(db: Session, client: TestClient) -> Closed:
    """A draft with something of every kind in it, then closed."""
    draft = make_draft(db)
    secretariat = make_member(db, role="secretariat")
    _token, raw = members.create_api_token(db, secretariat, "api")
    article = entry_of(db, draft, "Artículo 2.")
    comment = comments.add_comment(db, secretariat, draft, article, body="Conviene precisarlo.")
    amendment = amendments.submit_amendment(
        db,
        secretariat,
        draft,
        kind="modify",
        target_uid=article.uid,
        rationale="Más claro",
        base_version=1,
        text="2.1 Se aplica en todo el Perú.\n2.2 No comprende a la gran minería.",
    )
    positions.record_position(
        db, secretariat, draft, article, stance="support", reason=None, version=1
    )
    round_ = rounds.open_round(
        db, secretariat, draft, "Primera ronda", utcnow() + timedelta(days=7), [article.uid]
    )
    motives.revise(
        db,
        secretariat,
        draft,
        expected_version=0,
        fundamentos="Fundamentos",
        efecto_vigencia="Efecto",
        costo_beneficio="Costo",
        reason="Primera",
    )
    db.commit()
    drafts.set_phase(db, SYSTEM, draft, "closed")
    db.commit()
    client.cookies.set("mesa_lang", "en")
    ids = {
        "slug": draft.slug,
        "uid": article.uid,
        "last": uid_of(db, draft, "Artículo 4."),
        "amendment_id": amendment.id,
        "comment_id": comment.id,
        "round_id": round_.id,
    }
    return Closed(draft, {"Authorization": f"Bearer {raw}"}, ids)


def state(db: Session) -> dict[str, list[Any]]:
    """Every row of every table that holds the draft, its contributions and its record."""
    db.expire_all()
    return {
        table.name: sorted(map(tuple, db.execute(select(table)).all()), key=repr)
        for table in SQLModel.metadata.sorted_tables
        if table.name not in MEMBER_TABLES
    }


TEXT = "2.1 Se aplica en la República.\n2.2 No comprende a la gran minería."
# (method, path, JSON body or None, form fields or None): every write that concerns a draft.
WRITES: list[tuple[str, str, dict[str, Any] | None, dict[str, Any] | None]] = [
    # API
    ("PUT", "/api/v1/drafts/{slug}/provisions/{uid}/position",
     {"stance": "object", "reason": "No", "version": 1}, None),
    ("POST", "/api/v1/drafts/{slug}/amendments",
     {"kind": "modify", "target": "{uid}", "base_version": 1, "text": TEXT, "rationale": "R"},
     None),
    ("POST", "/api/v1/amendments/{amendment_id}/withdraw", {}, None),
    ("POST", "/api/v1/amendments/{amendment_id}/accept", {"expected_version": 1, "reason": "R"},
     None),
    ("POST", "/api/v1/amendments/{amendment_id}/reject", {"reason": "R"}, None),
    ("POST", "/api/v1/amendments/{amendment_id}/support", None, None),
    ("DELETE", "/api/v1/amendments/{amendment_id}/support", None, None),
    ("PUT", "/api/v1/amendments/{amendment_id}/proposal", {"proposal": "reject", "note": "N"},
     None),
    ("PUT", "/api/v1/drafts/{slug}/support-rule", {"min_organizations": 2, "min_sectors": 2},
     None),
    ("PUT", "/api/v1/drafts/{slug}/provisions/{uid}/modifies", None, None),
    ("POST", "/api/v1/drafts/{slug}/provisions/{uid}/revise",
     {"expected_version": 1, "text": TEXT, "reason": "R"}, None),
    ("POST", "/api/v1/drafts/{slug}/provisions",
     {"kind": "articulo", "after": "{uid}", "text": "Nuevo.", "reason": "R"}, None),
    ("DELETE", "/api/v1/drafts/{slug}/provisions/{uid}?reason=R", None, None),
    ("POST", "/api/v1/drafts/{slug}/provisions/{uid}/move", {"after": "{last}", "reason": "R"},
     None),
    ("POST", "/api/v1/drafts/{slug}/snapshots", {"label": "Texto final"}, None),
    ("POST", "/api/v1/drafts/{slug}/provisions/{uid}/comments", {"body": "Otro"}, None),
    ("POST", "/api/v1/drafts/{slug}/sessions",
     {"title": "Sesión", "starts_at": "2099-01-01T10:00", "place": "Sala 3"}, None),
    # Pages
    ("POST", "/drafts/{slug}/provisions/{uid}/position", None,
     {"stance": "object", "reason": "No", "version": 1}),
    ("POST", "/drafts/{slug}/provisions/{uid}/position/confirm", None, {}),
    ("POST", "/drafts/{slug}/consensus/rule", None, {"quorum": 60, "broad_support_share": 80}),
    ("POST", "/drafts/{slug}/rounds", None,
     {"title": "Otra", "deadline": "2099-01-01T10:00", "clauses": "{uid}"}),
    ("POST", "/drafts/{slug}/rounds/{round_id}/close", None, {}),
    ("POST", "/drafts/{slug}/motives", None,
     {"expected_version": 1, "fundamentos": "Otros", "reason": "R"}),
    ("POST", "/drafts/{slug}/provisions/{uid}/amend", None,
     {"kind": "modify", "base_version": 1, "text": TEXT, "rationale": "R", "action": "submit"}),
    ("POST", "/amendments/{amendment_id}/accept", None, {"expected_version": 1, "reason": "R"}),
    ("POST", "/amendments/{amendment_id}/reject", None, {"reason": "R"}),
    ("POST", "/amendments/{amendment_id}/withdraw", None, {}),
    ("POST", "/amendments/{amendment_id}/support", None, {}),
    ("POST", "/amendments/{amendment_id}/support/withdraw", None, {}),
    ("POST", "/amendments/{amendment_id}/proposal", None, {"proposal": "reject", "note": "N"}),
    ("POST", "/drafts/{slug}/queue/support-rule", None,
     {"min_organizations": "2", "min_sectors": "2"}),
    ("POST", "/drafts/{slug}/provisions/{uid}/edit", None,
     {"expected_version": 1, "text": TEXT, "reason": "R"}),
    ("POST", "/drafts/{slug}/provisions/{uid}/insert", None, {"text": "Nuevo.", "reason": "R"}),
    ("POST", "/drafts/{slug}/numbering", None, {"numbering": "fixed", "confirmed": "true"}),
    ("POST", "/drafts/{slug}/provisions/{uid}/delete", None, {"reason": "R"}),
    ("POST", "/drafts/{slug}/provisions/{uid}/move", None, {"after": "{last}", "reason": "R"}),
    ("POST", "/drafts/{slug}/snapshots", None, {"label": "Texto final"}),
    ("POST", "/drafts/{slug}/provisions/{uid}/comments", None, {"body": "Otro"}),
    ("POST", "/drafts/{slug}/sessions", None,
     {"title": "Sesión", "starts_at": "2099-01-01T10:00", "place": "Sala 3"}),
    ("POST", "/comments/{comment_id}/edit", None, {"body": "Corregido"}),
    ("PUT", "/api/v1/comments/{comment_id}/disposition",
     {"disposition": "accepted", "reason": "R"}, None),
    ("POST", "/comments/{comment_id}/disposition", None,
     {"disposition": "accepted", "reason": "R"}),
    ("POST", "/drafts/{slug}/provisions/{uid}/received", None,
     {"channel": "email", "contributor": "X", "received_on": "2026-11-30", "body": "Otro"}),
    ("POST", "/api/v1/drafts/{slug}/workshops",
     {"title": "Taller", "region": "Puno", "held_on": "2026-11-30",
      "participants": {"women": 5, "men": 5}}, None),
    ("POST", "/drafts/{slug}/workshops", None,
     {"title": "Taller", "region": "Puno", "held_on": "2026-11-30", "women": "5", "men": "5"}),
    ("POST", "/drafts/{slug}/provisions/{uid}/workshop-stance", None,
     {"workshop": "1", "stance": "support"}),
    ("PUT", "/api/v1/drafts/{slug}/provisions/{uid}/summary", {"language": "es", "text": "R"},
     None),
    ("POST", "/drafts/{slug}/provisions/{uid}/summary", None, {"language": "es", "text": "R"}),
    ("POST", "/drafts/{slug}/coverage", None, {"regions": "Puno"}),
]  # fmt: skip


def _fill(value: Any, ids: dict[str, Any]) -> Any:
    if isinstance(value, str):
        return value.format(**ids)
    if isinstance(value, dict):
        return {key: _fill(item, ids) for key, item in value.items()}
    return value


@pytest.mark.parametrize(
    ("method", "path", "body", "form"), WRITES, ids=[f"{m} {p}" for m, p, _b, _f in WRITES]
)
def test_a_closed_draft_refuses_every_write_and_says_why(
    client: TestClient,
    db: Session,
    closed: Closed,
    method: str,
    path: str,
    body: dict[str, Any] | None,
    form: dict[str, Any] | None,
) -> None:
    before = state(db)
    response = client.request(
        method,
        _fill(path, closed.ids),
        json=_fill(body, closed.ids),
        data=_fill(form, closed.ids),
        headers=closed.headers,
        follow_redirects=False,
    )
    assert response.status_code == 403, response.text
    if path.startswith("/api/"):
        error = response.json()["error"]
        assert (error["code"], error["phase"]) == ("phase_closed", "closed")
        assert REFUSAL in error["message"]
    else:
        assert REFUSAL in response.text
    assert state(db) == before


def test_the_table_names_every_write_endpoint(app: FastAPI) -> None:
    """A new write endpoint on a draft must join the table above (or be allowed, with a why)."""
    writes = {
        (method, path)
        for method, path in app_routes(app)
        if method in {"POST", "PUT", "PATCH", "DELETE"}
        and path.removeprefix("/api/v1").startswith(("/drafts/", "/amendments/", "/comments/"))
    }
    assert writes - ALLOWED_WHEN_CLOSED == {
        (method, path.split("?")[0]) for method, path, *_ in WRITES
    }


class TestStillAllowedWhenClosed:
    def test_reading_and_exporting(self, client: TestClient, closed: Closed) -> None:
        slug = closed.ids["slug"]
        assert client.get(f"/drafts/{slug}").status_code == 200
        assert client.get(f"/api/v1/drafts/{slug}").status_code == 200
        export = client.get(f"/api/v1/drafts/{slug}/export?format=md", headers=closed.headers)
        assert export.status_code == 200, export.text

    def test_the_secretariat_reopens_it(
        self, client: TestClient, db: Session, closed: Closed
    ) -> None:
        slug = closed.ids["slug"]
        reopened = client.post(
            f"/drafts/{slug}/phase", data={"phase": "open"}, headers=closed.headers
        )
        assert reopened.status_code < 400
        db.refresh(closed.draft)
        assert closed.draft.phase == "open"

    def test_moderation_still_hides_a_comment(
        self, client: TestClient, db: Session, closed: Closed
    ) -> None:
        hidden = client.post(
            f"/comments/{closed.ids['comment_id']}/hide",
            data={"reason": "Contiene datos personales"},
            headers=closed.headers,
        )
        assert hidden.status_code < 400
        assert comments.get_comment(db, closed.ids["comment_id"]).hidden_at is not None


def test_a_signed_in_member_is_told_why_on_the_real_session(engine: Engine) -> None:
    """Not the tests' session: the request's own, rolled back and closed before the error page
    (which names who is signed in) is rendered."""
    with committed(engine):
        with write_session(engine) as session:
            draft = make_draft(session, slug="cerrado-de-verdad")
            secretariat = make_member(session, role="secretariat", name="Rosa Villanueva")
            _token, raw = members.create_api_token(session, secretariat, "api")
            drafts.set_phase(session, SYSTEM, draft, "closed")
            session.commit()
        with real_client(engine) as client:
            client.cookies.set("mesa_lang", "en")
            refused = client.post(
                f"/drafts/{draft.slug}/consensus/rule",
                data={"quorum": 60, "broad_support_share": 80},
                headers={"Authorization": f"Bearer {raw}"},
            )
        assert refused.status_code == 403
        assert REFUSAL in refused.text and "Rosa Villanueva" in refused.text
