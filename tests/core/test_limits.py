"""What a request may carry: bounded bodies, text that can be stored, numbers that fit."""

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session

from app.core.bounds import MAX_INT, parse_id
from app.core.limits import MAX_BODY_BYTES
from tests.factories import csrf_token, entry_of, make_draft, make_member, sign_in, token_headers


class TestBodySize:
    def test_an_oversized_json_body_is_refused_before_it_is_parsed(
        self, client: TestClient, db: Session
    ) -> None:
        draft = make_draft(db)
        uid = entry_of(db, draft, "Artículo 1.").uid
        body = '{"body": "' + "a" * (MAX_BODY_BYTES + 10) + '"}'
        response = client.post(
            f"/api/v1/drafts/{draft.slug}/provisions/{uid}/comments",
            content=body,
            headers={**token_headers(db, "member"), "content-type": "application/json"},
        )
        assert response.status_code == 413
        assert response.json()["error"]["code"] == "too_large"

    def test_an_oversized_form_gets_a_page_in_the_person_s_language(
        self, client: TestClient, db: Session
    ) -> None:
        draft = make_draft(db)
        sign_in(client, make_member(db))
        uid = entry_of(db, draft, "Artículo 1.").uid
        response = client.post(
            f"/drafts/{draft.slug}/provisions/{uid}/comments",
            data={"csrf_token": csrf_token(client), "body": "a" * (MAX_BODY_BYTES + 10)},
        )
        assert response.status_code == 413
        assert "La solicitud es demasiado grande." in response.text

    def test_a_body_sent_in_chunks_is_counted_as_it_arrives(
        self, client: TestClient, db: Session
    ) -> None:
        draft = make_draft(db)
        uid = entry_of(db, draft, "Artículo 1.").uid

        def chunks():  # type: ignore[no-untyped-def]  # no Content-Length: chunked
            yield b'{"body": "'
            for _ in range(20):
                yield b"a" * 65536
            yield b'"}'

        response = client.post(
            f"/api/v1/drafts/{draft.slug}/provisions/{uid}/comments",
            content=chunks(),
            headers={**token_headers(db, "member"), "content-type": "application/json"},
        )
        assert response.status_code == 413


class TestText:
    def test_a_lone_surrogate_in_json_is_refused(self, client: TestClient, db: Session) -> None:
        draft = make_draft(db)
        uid = entry_of(db, draft, "Artículo 1.").uid
        response = client.post(
            f"/api/v1/drafts/{draft.slug}/provisions/{uid}/comments",
            content='{"body": "x \\ud800"}',
            headers={**token_headers(db, "member"), "content-type": "application/json"},
        )
        assert response.status_code == 422
        assert response.json()["error"]["code"] == "invalid_input"

    def test_a_pair_of_surrogates_is_an_ordinary_character(
        self, client: TestClient, db: Session
    ) -> None:
        draft = make_draft(db)
        uid = entry_of(db, draft, "Artículo 1.").uid
        response = client.post(
            f"/api/v1/drafts/{draft.slug}/provisions/{uid}/comments",
            content='{"body": "Bien \\ud83d\\udc4d"}',
            headers={**token_headers(db, "member"), "content-type": "application/json"},
        )
        assert response.status_code == 201
        assert response.json()["body"] == "Bien 👍"


class TestNumbers:
    @pytest.mark.parametrize(
        "text", ["²", "٣", "1²", "-1", "0", "", " 7", "99999999999999999999", str(MAX_INT + 1)]
    )
    def test_only_ascii_ids_in_range_are_ids(self, text: str) -> None:
        assert parse_id(text) is None

    def test_ids_in_range(self) -> None:
        assert parse_id("7") == 7
        assert parse_id(str(MAX_INT)) == MAX_INT

    @pytest.mark.parametrize(
        "path",
        [
            "/api/v1/amendments/99999999999999999999",
            "/api/v1/drafts/ley-de-prueba/snapshots/%C2%B2",
            "/drafts/ley-de-prueba/snapshots/%C2%B2",
            "/drafts/ley-de-prueba/snapshots/99999999999999999999",
            "/amendments/99999999999999999999",
            "/drafts/ley-de-prueba/rounds/99999999999999999999",
            "/drafts/ley-de-prueba/provisions/x?page=1152921504606846976",
            "/drafts/ley-de-prueba/amendments?page=1152921504606846976",
        ],
    )
    def test_out_of_range_ids_and_pages_are_client_errors(
        self, client: TestClient, db: Session, path: str
    ) -> None:
        make_draft(db)
        assert client.get(path).status_code in (404, 422)

    def test_a_huge_version_in_a_diff_is_a_client_error(
        self, client: TestClient, db: Session
    ) -> None:
        draft = make_draft(db)
        uid = entry_of(db, draft, "Artículo 1.").uid
        for base in (f"/api/v1/drafts/{draft.slug}", f"/drafts/{draft.slug}"):
            url = f"{base}/provisions/{uid}/diff?from=99999999999999999999&to=1"
            assert client.get(url).status_code == 422

    def test_a_huge_parent_or_source_is_a_client_error(
        self, client: TestClient, db: Session
    ) -> None:
        draft = make_draft(db)
        uid = entry_of(db, draft, "Artículo 1.").uid
        headers = token_headers(db, "secretariat")
        comment = client.post(
            f"/api/v1/drafts/{draft.slug}/provisions/{uid}/comments",
            json={"body": "Hola", "parent": 2**70},
            headers=headers,
        )
        assert comment.status_code == 422
        accept = client.post(
            "/api/v1/amendments/1/accept",
            json={"reason": "x", "sources": [2**70]},
            headers=headers,
        )
        assert accept.status_code == 422


def test_a_code_of_superscript_digits_is_no_code() -> None:
    """`str.isdigit()` accepts "²"; comparing such a string in constant time raised a TypeError."""
    from app.core import security

    assert security.totp_step(security.new_totp_secret(), "²²²²²²") is None
