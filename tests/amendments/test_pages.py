"""The amendment and comment journeys through the pages and the API, as people use them."""

import re

from fastapi.testclient import TestClient
from sqlmodel import Session

from app.amendments import lists, service
from app.members import service as members
from tests.factories import csrf_token, make_draft, make_member, post_form, sign_in, uid_of

ARTICLE = "/drafts/ley-de-prueba/provisions/{uid}"
SECOND_NUMERAL = "2.2 No comprende a la gran minería."


def bearer(db: Session, role: str) -> dict[str, str]:
    _token, raw = members.create_api_token(db, make_member(db, role=role), "api")
    db.commit()
    return {"Authorization": f"Bearer {raw}"}


class TestProposing:
    def test_preview_shows_the_word_diff_without_javascript_then_submit(
        self, client: TestClient, db: Session
    ) -> None:
        draft = make_draft(db)
        sign_in(client, make_member(db, name="Juana Mamani"))
        page = ARTICLE.format(uid=uid_of(db, draft, "Artículo 2.")) + "/amend"
        form = client.get(page).text
        assert "2.1 Se aplica en todo el territorio nacional." in form  # starts from the text
        data = {
            "csrf_token": csrf_token(client, page),
            "kind": "modify",
            "base_version": "1",
            "heading": "Ámbito",
            "text": "2.1 Se aplica en todo el territorio de la República.\n"
            "2.2 No comprende a la gran minería.",
            "rationale": "Precisión",
            "action": "preview",
        }
        preview = client.post(page, data=data)
        assert preview.status_code == 200
        assert re.search(r"<del>.*nacional.*</del>", preview.text)
        assert re.search(r"<ins>.*República.*</ins>", preview.text)
        assert lists.list_amendments(db, draft).total == 0  # a preview writes nothing

        submitted = client.post(page, data={**data, "action": "submit"}, follow_redirects=False)
        assert submitted.status_code == 303
        amendment_page = client.get(submitted.headers["location"]).text
        assert "Pendiente de decisión" in amendment_page and "Precisión" in amendment_page

    def test_an_empty_rationale_keeps_what_was_typed(self, client: TestClient, db: Session) -> None:
        draft = make_draft(db)
        sign_in(client, make_member(db))
        page = ARTICLE.format(uid=uid_of(db, draft, "Artículo 2.")) + "/amend"
        data = {
            "csrf_token": csrf_token(client, page),
            "kind": "modify",
            "base_version": "1",
            "text": "Un texto nuevo y cuidado.",
            "rationale": "",
            "action": "submit",
        }
        response = client.post(page, data=data)
        assert response.status_code == 422
        assert "Un texto nuevo y cuidado." in response.text and 'role="alert"' in response.text

    def test_observers_cannot_propose(self, client: TestClient, db: Session) -> None:
        draft = make_draft(db)
        sign_in(client, make_member(db, role="observer"))
        page = ARTICLE.format(uid=uid_of(db, draft, "Artículo 2.")) + "/amend"
        response = client.post(page, headers={"X-CSRF-Token": csrf_token(client)}, data={})
        assert response.status_code == 403


class TestDeciding:
    def test_accept_reject_and_a_conflict_merged_by_hand(
        self, client: TestClient, db: Session
    ) -> None:
        draft = make_draft(db)
        uid = uid_of(db, draft, "Artículo 2.")
        author = make_member(db, name="Juana Mamani", organization="Federación de Mineros")
        texts = ["de la República", "peruano", "del Perú"]
        ids = [
            service.submit_amendment(
                db,
                author,
                draft,
                kind="modify",
                target_uid=uid,
                rationale=f"Propuesta {n}",
                base_version=1,
                text=f"2.1 Se aplica en todo el territorio {word}.\n{SECOND_NUMERAL}",
            ).id
            for n, word in enumerate(texts)
        ]
        db.commit()
        sign_in(client, make_member(db, role="secretariat"))

        queue = client.get("/drafts/ley-de-prueba/queue").text
        assert "Enmiendas pendientes: 3 · Artículos y disposiciones afectados: 1" in queue
        assert "Compite con" in queue
        assert f'<a href="/amendments/{ids[1]}">#{ids[1]}</a>' in queue  # the competitor, a link
        assert "Propuesta 0" in queue and "Consenso:" in queue  # rationale, where it stands
        # Only the changed numeral and one around it: 2.2 is context, not the whole article.
        for word in texts:  # each one shows, as a word diff, what accepting it would change
            assert re.search(rf"<del>.*nacional.*</del>.*?<ins>.*{word}.*</ins>", queue)

        page = f"/amendments/{ids[0]}"
        accepted = client.post(
            f"{page}/accept",
            data={
                "csrf_token": csrf_token(client, page),
                "expected_version": "1",
                "reason": "Mejor redacción",
            },
            follow_redirects=False,
        )
        assert accepted.status_code == 303
        after = client.get(accepted.headers["location"]).text
        assert f"#{ids[0]}" in after and "Conflicto" in after

        page = f"/amendments/{ids[1]}"
        conflict_view = client.get(page).text
        assert "Texto de base" in conflict_view and "Texto integrado" in conflict_view
        merged = client.post(
            f"{page}/accept",
            data={
                "csrf_token": csrf_token(client, page),
                "expected_version": "2",
                "reason": "Se integran",
                "sources": str(ids[0]),
                "text": "2.1 Se aplica en todo el territorio peruano de la República.\n"
                "2.2 No comprende a la gran minería.",
            },
            follow_redirects=False,
        )
        assert merged.status_code == 303
        assert service.get_amendment(db, ids[1]).status == "accepted_modified"

        page = f"/amendments/{ids[2]}"
        rejected = client.post(
            f"{page}/reject",
            data={"csrf_token": csrf_token(client, page), "reason": "Ya integrada"},
            follow_redirects=False,
        )
        assert rejected.status_code == 303
        # Back to the queue with a notice, as after accepting.
        assert rejected.headers["location"].startswith("/drafts/ley-de-prueba/queue?rejected=")
        assert (
            f"La enmienda #{ids[2]} no fue acogida" in client.get(rejected.headers["location"]).text
        )
        assert "No acogida" in client.get(page).text

        contributions = TestClient(client.app)
        sign_in(contributions, author)
        mine = contributions.get("/me/contributions").text
        assert mine.count("Acogida") >= 2 and "Ya integrada" in mine

    def test_a_stale_accept_from_the_page_is_409_and_shows_the_page_again(
        self, client: TestClient, db: Session
    ) -> None:
        draft = make_draft(db)
        uid = uid_of(db, draft, "Artículo 1.")
        amendment = service.submit_amendment(
            db,
            make_member(db),
            draft,
            kind="modify",
            target_uid=uid,
            rationale="x",
            base_version=1,
            text="Otro objeto.",
        )
        db.commit()
        sign_in(client, make_member(db, role="secretariat"))
        page = f"/amendments/{amendment.id}"
        data = {"csrf_token": csrf_token(client, page), "expected_version": "7", "reason": "x"}
        response = client.post(f"{page}/accept", data=data)
        assert response.status_code == 409 and 'role="alert"' in response.text


class TestApi:
    def test_bad_input_gets_the_error_shape_and_writes_nothing(
        self, client: TestClient, db: Session
    ) -> None:
        draft = make_draft(db)
        other = make_draft(db, slug="otra-ley")
        headers = bearer(db, "member")
        url = "/api/v1/drafts/ley-de-prueba/amendments"
        cases = [
            (
                {
                    "kind": "modify",
                    "target": uid_of(db, other, "Artículo 1."),
                    "base_version": 1,
                    "text": "x",
                    "rationale": "x",
                },
                404,
            ),
            (
                {
                    "kind": "modify",
                    "target": uid_of(db, draft, "Artículo 1."),
                    "base_version": 9,
                    "text": "x",
                    "rationale": "x",
                },
                422,
            ),
            (
                {
                    "kind": "modify",
                    "target": uid_of(db, draft, "Artículo 1."),
                    "base_version": 1,
                    "text": "",
                    "rationale": "x",
                },
                422,
            ),
            (
                {
                    "kind": "delete",
                    "target": uid_of(db, draft, "CAPÍTULO I"),
                    "base_version": 1,
                    "rationale": "x",
                },
                422,
            ),
            (
                {
                    "kind": "insert",
                    "target": "x",
                    "after": "no-existe",
                    "text": "Nuevo.",
                    "rationale": "x",
                },
                404,
            ),
        ]
        for body, status in cases:
            response = client.post(url, json=body, headers=headers)
            assert response.status_code == status, body
            assert set(response.json()["error"]) >= {"code", "message"}
        assert client.get(url).json() == []

    def test_submit_list_read_and_accept(self, client: TestClient, db: Session) -> None:
        draft = make_draft(db)
        target = uid_of(db, draft, "Artículo 1.")
        body = {
            "kind": "modify",
            "target": target,
            "base_version": 1,
            "text": "La presente Ley tiene por objeto ordenar la formalización.",
            "rationale": "Claridad",
        }
        created = client.post(
            "/api/v1/drafts/ley-de-prueba/amendments", json=body, headers=bearer(db, "member")
        )
        assert created.status_code == 201 and created.json()["status"] == "submitted"
        amendment_id = created.json()["id"]
        listed = client.get(
            f"/api/v1/drafts/ley-de-prueba/amendments?status=submitted&target={target}"
        ).json()
        assert [a["id"] for a in listed] == [amendment_id]
        secretariat = bearer(db, "secretariat")
        accepted = client.post(
            f"/api/v1/amendments/{amendment_id}/accept",
            json={"expected_version": 1, "reason": "Acogida"},
            headers=secretariat,
        )
        assert accepted.json() == {"status": "accepted", "version": 2, "affected": []}
        again = client.post(
            f"/api/v1/amendments/{amendment_id}/accept",
            json={"expected_version": 2, "reason": "Otra vez"},
            headers=secretariat,
        )
        assert again.status_code == 409 and again.json()["error"]["code"] == "already_decided"
        read = client.get(f"/api/v1/amendments/{amendment_id}").json()
        decision = {"reason": "Acogida", "by": read["decision"]["by"], "version": 2}
        assert read["decision"] == {**decision, "session": None}  # not decided in a session

    def test_a_comment_quoting_text_not_in_the_clause_is_422(
        self, client: TestClient, db: Session
    ) -> None:
        draft = make_draft(db)
        url = f"/api/v1/drafts/ley-de-prueba/provisions/{uid_of(db, draft, 'Artículo 1.')}/comments"
        headers = bearer(db, "member")
        response = client.post(url, json={"body": "Hola", "quote": "texto ajeno"}, headers=headers)
        assert response.status_code == 422
        assert response.json()["error"]["code"] == "quote_not_found"
        ok = client.post(
            url, json={"body": "Hola", "quote": "promover la formalización"}, headers=headers
        )
        assert ok.status_code == 201
        assert client.get(url).json()[0]["quote"] == "promover la formalización"


class TestCommentsOnThePage:
    def test_comment_on_a_passage_chosen_from_the_list(
        self, client: TestClient, db: Session
    ) -> None:
        draft = make_draft(db)
        sign_in(client, make_member(db, name="Rosa Villanueva"))
        page = ARTICLE.format(uid=uid_of(db, draft, "Artículo 2."))
        html = client.get(page).text
        assert '<option value="2.2 No comprende a la gran minería.">' in html
        response = client.post(
            f"{page}/comments",
            data={
                "csrf_token": csrf_token(client, page),
                "quote": SECOND_NUMERAL,
                "body": "¿Y la mediana minería?\\n\\n<script>alert(1)</script>",
            },
            follow_redirects=False,
        )
        assert response.status_code == 303
        html = client.get(page).text
        assert "«2.2 No comprende a la gran minería.»" in html
        assert "<script>alert(1)</script>" not in html and "&lt;script&gt;" in html


class TestRefusedDecisions:
    def test_a_refused_rejection_keeps_the_reason_typed(
        self, client: TestClient, db: Session
    ) -> None:
        draft = make_draft(db)
        uid = uid_of(db, draft, "Artículo 2.")
        amendment = service.submit_amendment(
            db, make_member(db), draft, kind="modify", target_uid=uid, rationale="Mejor.",
            base_version=1, text="Otro texto.",
        )  # fmt: skip
        db.commit()
        sign_in(client, make_member(db, role="secretariat"))
        typed = "No procede " + "x" * 2_000
        response = client.post(
            f"/amendments/{amendment.id}/reject",
            data={"csrf_token": csrf_token(client), "reason": typed},
        )
        assert response.status_code == 422
        assert 'role="alert"' in response.text and f'value="{typed}"' in response.text
        db.refresh(amendment)
        assert amendment.status == "submitted"


class TestPagedLists:
    def test_my_contributions_page_through_every_amendment(
        self, client: TestClient, db: Session
    ) -> None:
        draft = make_draft(db)
        author = make_member(db)
        uid = uid_of(db, draft, "Artículo 2.")
        for n in range(lists.PAGE_SIZE + 2):
            service.submit_amendment(
                db, author, draft, kind="modify", target_uid=uid, rationale="Mejor.",
                base_version=1, text=f"Texto {n}.",
            )  # fmt: skip
        db.commit()
        sign_in(client, author)
        first = client.get("/me/contributions").text
        assert 'rel="next"' in first
        second = client.get("/me/contributions?page=2").text
        assert second.count('href="/amendments/') == 2
        assert client.get("/me/contributions?page=9").text.count('href="/amendments/') == 0

    def test_a_queue_page_past_the_end_is_empty(self, client: TestClient, db: Session) -> None:
        draft = make_draft(db)
        amendment = service.submit_amendment(
            db, make_member(db), draft, kind="modify", target_uid=uid_of(db, draft, "Artículo 2."),
            rationale="Mejor.", base_version=1, text="Otro.",
        )  # fmt: skip
        db.commit()
        sign_in(client, make_member(db, role="secretariat"))
        link = f'href="/amendments/{amendment.id}"'
        assert link in client.get(f"/drafts/{draft.slug}/queue").text
        assert link not in client.get(f"/drafts/{draft.slug}/queue?page=5").text


class TestConflictView:
    def test_the_merged_text_starts_with_every_uncontested_edit_and_marks_the_collision(
        self, client: TestClient, db: Session
    ) -> None:
        draft = make_draft(db)
        uid = uid_of(db, draft, "Artículo 2.")
        meanwhile = make_member(db, organization="Defensoría del Pueblo")
        author = make_member(db, name="Juana Mamani", organization="Federación de Mineros")
        first = service.submit_amendment(
            db, meanwhile, draft, kind="modify", target_uid=uid, rationale="Precisar el ámbito",
            base_version=1, text=f"2.1 Se aplica en todo el territorio peruano.\n{SECOND_NUMERAL}",
        )  # fmt: skip
        second = service.submit_amendment(
            db, author, draft, kind="modify", target_uid=uid, rationale="Otro alcance",
            base_version=1,
            text="2.1 Se aplica en todo el territorio de la República.\n"
            "2.2 No comprende a la gran minería ni a la mediana.",
        )  # fmt: skip
        secretariat = make_member(db, role="secretariat")
        service.accept(db, secretariat, draft, first, expected_version=1, reason="Precisión")
        db.commit()
        sign_in(client, secretariat)
        page = client.get(f"/amendments/{second.id}").text
        merged = re.search(r'<textarea id="merged"[^>]*>([^<]*)</textarea>', page)
        assert merged
        # The uncontested edit (2.2) is applied; the collision on 2.1 is marked, both sides.
        assert "ni a la mediana." in merged.group(1)
        assert "⟦vigente: peruano ‖ enmienda: de la República⟧" in merged.group(1)
        # The collision in its sentence; the source named, with its organization and summary.
        assert "<mark>peruano</mark>" in page and "territorio " in page
        assert f"#{first.id} — <bdi>Defensoría del Pueblo</bdi>: Precisar el ámbito" in page

        url = f"/amendments/{second.id}/accept"
        typed = (
            "2.1 Se aplica en todo el territorio peruano.\n"
            "2.2 No comprende a la gran minería ni a la mediana."
        )
        preview = post_form(
            client, url, {"expected_version": "2", "reason": "", "text": typed, "action": "preview"}
        )
        assert preview.status_code == 200 and 'id="preview"' in preview.text
        assert re.search(r"<ins>.*ni a la mediana.*</ins>", preview.text)
        assert service.get_amendment(db, second.id or 0).status == "submitted"  # nothing decided

        marked = post_form(
            client, url, {"expected_version": "2", "reason": "Se integran", "text": merged.group(1)}
        )
        assert marked.status_code == 422 and "resuelva cada uno" in marked.text
        done = post_form(
            client, url, {"expected_version": "2", "reason": "Se integran", "text": typed}
        )
        assert done.status_code == 303


def test_the_proposal_form_names_the_clause_as_a_sentence_does(
    client: TestClient, db: Session
) -> None:
    draft = make_draft(db)
    sign_in(client, make_member(db))
    article = client.get(ARTICLE.format(uid=uid_of(db, draft, "Artículo 2.")) + "/amend").text
    assert "<h1>Proponer una enmienda al artículo 2</h1>" in article
    disposition = client.get(ARTICLE.format(uid=uid_of(db, draft, "PRIMERA.")) + "/amend").text
    assert "<h1>Proponer una enmienda a la disposición PRIMERA</h1>" in disposition
