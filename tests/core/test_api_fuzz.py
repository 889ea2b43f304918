"""Schema-driven fuzzing of the API: whatever a client sends, within its OpenAPI document or
outside it, Mesa answers with a 2xx, 3xx or 4xx, never a 5xx; anonymously and as the
secretariat, one operation at a time and in sequences that follow the links between them."""

from typing import Any

import pytest
import schemathesis
from fastapi import FastAPI
from hypothesis import HealthCheck, given, settings
from schemathesis import Case
from sqlmodel import Session

from app.core.config import Settings
from app.main import create_app
from tests.factories import make_draft, token_headers

# Per operation and role; CI runs the same derandomized examples every time.
FUZZ = settings(max_examples=12, deadline=None, suppress_health_check=list(HealthCheck))
STATEFUL = settings(
    max_examples=15, stateful_step_count=6, deadline=None, suppress_health_check=list(HealthCheck)
)
OPERATIONS = sorted(
    (method.upper(), path)
    for path, methods in create_app(Settings(database_url="sqlite://")).openapi()["paths"].items()
    for method in methods
)
ROLES = ["anonymous", "secretariat"]


def _headers(db: Session, role: str) -> dict[str, str]:
    make_draft(db)  # something to find, so requests reach past the 404s
    return {} if role == "anonymous" else token_headers(db, role)


def _check(case: Case, app: FastAPI, headers: dict[str, str]) -> None:
    response = case.call(app=app, headers=headers)
    assert response.status_code < 500, (
        f"{case.method} {case.formatted_path} query={case.query} body={case.body!r}: "
        f"{response.status_code} {response.text[:300]}"
    )


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(("method", "path"), OPERATIONS)
def test_no_request_fails_the_server(
    app: FastAPI, db: Session, role: str, method: str, path: str
) -> None:
    headers = _headers(db, role)
    operation = schemathesis.openapi.from_asgi("/api/v1/openapi.json", app)[path][method]

    @given(case=operation.as_strategy())
    @FUZZ
    def run(case: Case) -> None:
        _check(case, app, headers)

    run()


@pytest.mark.parametrize("role", ROLES)
def test_no_sequence_of_requests_fails_the_server(app: FastAPI, db: Session, role: str) -> None:
    headers = _headers(db, role)
    schema = schemathesis.openapi.from_asgi("/api/v1/openapi.json", app)

    class Walk(schema.as_state_machine()):  # type: ignore[misc]
        def get_call_kwargs(self, case: Case) -> dict[str, Any]:
            return {"app": app, "headers": headers}

        def validate_response(self, response: Any, case: Case, **kwargs: Any) -> None:
            assert response.status_code < 500, (
                f"{case.method} {case.formatted_path}: {response.status_code} {response.text[:300]}"
            )

    Walk.run(settings=STATEFUL)
