"""Sessions through the pages, as the secretariat runs one from a browser without JavaScript:
convening (a refused form keeps what was typed), attendance and the quorum line, the agenda from
the queue, a decision accepting an amendment, the acta edited and downloaded; members read."""

import re

from fastapi.testclient import TestClient
from httpx2 import Response
from sqlmodel import Session

from app.amendments.models import Amendment
from app.drafts.models import Draft
from app.meetings.models import Meeting
from app.members.models import Member
from tests.factories import make_draft, make_member, post_form, sign_in
from tests.meetings.conftest import free_registry


def convene(client: TestClient, **fields: str) -> str:
    data = {"title": "Sesión ordinaria", "starts_at": "2026-12-10T10:00", "place": "Sala 3"}
    answer = post_form(client, "/drafts/ley-de-prueba/sessions", {**data, **fields})
    assert answer.status_code == 303, answer.text
    return answer.headers["location"]


def accept_registry(client: TestClient, page: str, amendment: Amendment) -> Response:
    fields = {"outcome": "acuerdo", "text": "Se acoge.", "expected_version": "1"}
    return post_form(client, f"{page}/decisions", {"item": f"amendment:{amendment.id}", **fields})


def test_the_secretariat_runs_a_session_from_the_pages(
    client: TestClient, db: Session, draft: Draft, secretariat: Member, group: list[Member]
) -> None:
    rosa, juan = group[:2]
    amendment = free_registry(db, rosa, draft)
    sign_in(client, secretariat)

    refused = post_form(
        client,
        "/drafts/ley-de-prueba/sessions",
        {"title": "Sesión ordinaria", "starts_at": "mañana", "place": "Sala 3"},
    )
    assert refused.status_code == 422
    assert "Indique la fecha y la hora de la sesión." in refused.text
    assert 'value="Sesión ordinaria"' in refused.text and 'aria-invalid="true"' in refused.text

    page = convene(client)
    assert client.get("/drafts/ley-de-prueba/sessions").text.count("1.ª sesión") == 1
    meeting_id = int(page.rsplit("/", 1)[1])
    assert post_form(client, f"{page}/agenda/from-queue").status_code == 303
    assert post_form(client, f"{page}/status", {"to": "en_curso"}).status_code == 303
    shown = client.get(page).text
    assert (
        "Enmienda " + str(amendment.id) in shown and "El registro es público y gratuito." in shown
    )
    assert "0 de 5 presentes; quórum 3: no hay quórum" in shown
    assert f">#{amendment.id}\n</textarea>" in shown  # the agenda by hand starts from it

    refused = post_form(client, f"{page}/agenda", {"items": f"#{amendment.id}\n#999999"})
    assert refused.status_code == 422
    assert "La enmienda 999999 no pertenece a este borrador." in refused.text
    assert f"#{amendment.id}\n#999999</textarea>" in refused.text

    refused = accept_registry(client, page, amendment)
    assert refused.status_code == 409 and "No hay quórum" in refused.text
    assert "Se acoge." in refused.text  # what was typed is kept

    fields = {
        "csrf_token": _token(client, page),
        "present": [str(m.id) for m in (rosa, juan, secretariat)],
    }
    answer = client.post(f"{page}/attendance", data=fields, follow_redirects=False)
    assert answer.status_code == 303
    shown = client.get(page).text
    assert "3 de 5 presentes; quórum 3: hay quórum" in shown
    assert re.search(r"Defensoría del Pueblo</bdi></strong> \(Defensoría del Pueblo\)", shown)

    answer = accept_registry(client, page, amendment)
    assert answer.status_code == 303
    assert "Decidida en la 1.ª sesión" in client.get(f"/amendments/{amendment.id}").text
    assert "en la 1.ª sesión" in client.get("/registro").text

    assert post_form(client, f"{page}/status", {"to": "concluida"}).status_code == 303
    acta = client.get(page).text
    assert "Acta de la 1.ª sesión" in acta and "Se acoge." in acta
    assert "Proyecto de acta: pendiente de aprobación" in acta
    answer = post_form(client, f"{page}/minutes", {"text": "# Acta corregida\nTexto editado."})
    assert answer.status_code == 303
    assert db.get_one(Meeting, meeting_id).minutes_text == "# Acta corregida\nTexto editado."
    download = client.get(f"/api/v1/sessions/{meeting_id}/minutes?format=docx")
    assert download.status_code == 200 and download.content[:2] == b"PK"
    frozen = post_form(client, f"{page}/snapshot")
    assert frozen.status_code == 303
    assert "Al cierre de la 1.ª sesión" in client.get(frozen.headers["location"]).text


def _token(client: TestClient, page: str) -> str:
    match = re.search(r'name="csrf_token" value="([0-9a-f]+)"', client.get(page).text)
    assert match
    return match.group(1)


def test_members_read_a_session_but_cannot_run_it(client: TestClient, db: Session) -> None:
    make_draft(db)
    secretariat = make_member(db, role="secretariat")
    member: Member = make_member(db)
    sign_in(client, secretariat)
    page = convene(client)
    client.cookies.clear()
    sign_in(client, member)
    shown = client.get(page)
    assert shown.status_code == 200 and "Sesión ordinaria" in shown.text
    assert "Registrar la asistencia" not in shown.text
    assert post_form(client, f"{page}/status", {"to": "en_curso"}).status_code == 403
