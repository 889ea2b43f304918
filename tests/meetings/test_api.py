"""A whole session through the API, as a program drives it: convened, the agenda from the queue,
attendance with and without quorum, three decisions (one accepting an amendment), the acta
exported as DOCX (converted by LibreOffice) and PDF (read back), approved at the next session."""

import io
from pathlib import Path

from docx import Document
from fastapi.testclient import TestClient
from pypdf import PdfReader
from sqlmodel import Session

from app.consensus import positions, rules
from app.consensus import service as consensus
from app.drafts.models import Draft
from app.members import service as members
from app.members.models import Member
from tests.factories import entry_of, make_member
from tests.libreoffice import convert_to_pdf
from tests.meetings.conftest import free_registry


def bearer(db: Session, member: Member) -> dict[str, str]:
    _token, raw = members.create_api_token(db, member, "pruebas")
    db.commit()
    return {"Authorization": f"Bearer {raw}"}


def test_a_whole_session(
    client: TestClient,
    db: Session,
    draft: Draft,
    secretariat: Member,
    group: list[Member],
    tmp_path: Path,
) -> None:
    rosa, juan, ana, _pedro = group
    headers = bearer(db, secretariat)
    article_1 = entry_of(db, draft, "Artículo 1.")
    consensus.set_rule(db, secretariat, draft, rules.Rule(require_sector_coverage=False))
    positions.record_position(
        db, rosa, draft, article_1, stance="object", reason="Falta la consulta previa.", version=1
    )
    for supporter in (juan, ana):
        positions.record_position(
            db, supporter, draft, article_1, stance="support", reason=None, version=1
        )
    amendment = free_registry(db, juan, draft)

    created = client.post(
        "/api/v1/drafts/ley-de-prueba/sessions",
        json={"title": "Sesión ordinaria", "starts_at": "2026-12-10T10:00", "place": "Sala 3"},
        headers=headers,
    )
    assert created.status_code == 201, created.text
    sid = created.json()["id"]
    url = f"/api/v1/sessions/{sid}"
    assert client.get(url, headers=headers).json()["starts_at"].startswith("2026-12-10T15:00")

    agenda = client.post(f"{url}/agenda/from-queue", headers=headers).json()["agenda"]
    assert [(i["provision"], i["amendment"]) for i in agenda] == [
        (article_1.uid, None),
        (None, amendment.id),
    ]
    assert agenda[0]["consensus"] == "divided"
    items = [
        {"provision": article_1.uid},
        {"amendment": amendment.id},
        {"provision": entry_of(db, draft, "Artículo 2.").uid},
    ]
    assert client.put(f"{url}/agenda", json={"items": items}, headers=headers).status_code == 200
    assert client.post(f"{url}/status?to=en_curso", headers=headers).status_code == 200

    # 1 of 5 voters present; the quorum (half) is 3.
    answer = client.put(f"{url}/attendance", json={"present": [rosa.id]}, headers=headers)
    assert answer.json()["quorum"] == {"present": 1, "required": 3, "met": False}
    refused = client.post(
        f"{url}/decisions",
        headers=headers,
        json={"item": {"provision": article_1.uid}, "outcome": "acuerdo", "text": "Sí"},
    )
    assert refused.status_code == 409 and refused.json()["error"]["code"] == "no_quorum"
    postponed = client.post(
        f"{url}/decisions",
        headers=headers,
        json={"item": items[2], "outcome": "postergado", "text": "Se posterga el artículo 2."},
    )
    assert postponed.status_code == 201

    present = [rosa.id, juan.id, ana.id, secretariat.id]
    answer = client.put(f"{url}/attendance", json={"present": present}, headers=headers)
    assert answer.json()["quorum"] == {"present": 4, "required": 3, "met": True}
    reservation = "Reserva de la Defensoría: «la consulta previa debe constar en la ley»."
    assert (
        client.post(
            f"{url}/decisions",
            headers=headers,
            json={
                "item": items[0],
                "outcome": "acuerdo_con_reservas",
                "text": reservation,
            },
        ).status_code
        == 201
    )
    stale = client.post(
        f"{url}/decisions",
        headers=headers,
        json={"item": items[1], "outcome": "acuerdo", "text": "Se acoge.", "expected_version": 7},
    )
    assert stale.status_code == 409 and stale.json()["error"]["code"] == "stale_version"
    accepted = client.post(
        f"{url}/decisions",
        headers=headers,
        json={"item": items[1], "outcome": "acuerdo", "text": "Se acoge.", "expected_version": 1},
    )
    assert accepted.status_code == 201
    decisions = accepted.json()["decisions"]
    assert [d["outcome"] for d in decisions] == ["postergado", "acuerdo_con_reservas", "acuerdo"]
    assert decisions[2]["version"] == 2 and decisions[2]["amendment_status"] == "accepted"
    decided = client.get(f"/api/v1/amendments/{amendment.id}", headers=headers).json()
    assert decided["status"] == "accepted" and decided["decision"]["version"] == 2
    assert decided["decision"]["session"] == sid

    assert client.post(f"{url}/status?to=concluida", headers=headers).status_code == 200
    docx = client.get(f"{url}/minutes?format=docx", headers=headers)
    assert docx.status_code == 200
    assert 'filename="acta-sesion-1.docx"' in docx.headers["content-disposition"]
    words = "\n".join(p.text for p in Document(io.BytesIO(docx.content)).paragraphs)
    for organization in (
        "Defensoría del Pueblo",
        "Federación de Mineros Artesanales de Puno",
        "Comisión de Energía y Minas",
        "Ministerio de Energía y Minas",
    ):
        assert organization in words
    assert reservation in words and "Se acoge." in words and "Se posterga el artículo 2." in words
    # Not yet approved: the document says so under its title, where no one can miss it.
    assert "Proyecto de acta: pendiente de aprobación en una sesión posterior." in words
    pdf = client.get(f"{url}/minutes?format=pdf", headers=headers)
    printed = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.content)).pages)
    assert "Defensoría del Pueblo" in printed and "Acta de la 1.ª sesión" in printed

    # Approved at the next session.
    second = client.post(
        "/api/v1/drafts/ley-de-prueba/sessions",
        headers=headers,
        json={"title": "Segunda", "starts_at": "2026-12-17T10:00", "place": "Sala 3"},
    ).json()["id"]
    next_url = f"/api/v1/sessions/{second}"
    client.post(f"{next_url}/status?to=en_curso", headers=headers)
    client.put(f"{next_url}/attendance", json={"present": present}, headers=headers)
    approved = client.post(
        f"{next_url}/decisions",
        headers=headers,
        json={"item": {"minutes": sid}, "outcome": "acuerdo", "text": "Se aprueba el acta."},
    )
    assert approved.status_code == 201
    assert client.get(url, headers=headers).json()["minutes_approved_in"] == second
    filed = client.get(f"{url}/minutes?format=txt", headers=headers).text
    assert filed.splitlines()[1].startswith("Aprobada en la 2.ª sesión, el ")
    assert "Proyecto de acta" not in filed
    edit = client.put(f"{url}/minutes", json={"text": "otra"}, headers=headers)
    assert edit.status_code == 409

    # Last, as it may be skipped: the acta opens in a real word processor.
    source = tmp_path / "acta.docx"
    source.write_bytes(docx.content)
    converted = convert_to_pdf(source, tmp_path)
    text = " ".join(" ".join(p.extract_text() for p in PdfReader(converted).pages).split())
    assert "Comisión de Energía y Minas" in text and reservation in text


class TestGuards:
    def test_a_member_cannot_convene(self, client: TestClient, db: Session, draft: Draft) -> None:
        headers = bearer(db, make_member(db))
        answer = client.post(
            "/api/v1/drafts/ley-de-prueba/sessions",
            headers=headers,
            json={"title": "X", "starts_at": "2026-12-10T10:00", "place": "Y"},
        )
        assert answer.status_code == 403

    def test_an_unknown_session_is_a_404(self, client: TestClient, db: Session) -> None:
        headers = bearer(db, make_member(db))
        assert client.get("/api/v1/sessions/999999", headers=headers).status_code == 404
        assert client.get("/api/v1/sessions/99999999999", headers=headers).status_code == 422

    def test_an_amendment_of_another_draft_is_refused(
        self, client: TestClient, db: Session, draft: Draft, secretariat: Member
    ) -> None:
        headers = bearer(db, secretariat)
        sid = client.post(
            "/api/v1/drafts/ley-de-prueba/sessions",
            headers=headers,
            json={"title": "X", "starts_at": "2026-12-10T10:00", "place": "Y"},
        ).json()["id"]
        answer = client.put(
            f"/api/v1/sessions/{sid}/agenda", headers=headers, json={"items": [{"amendment": 4242}]}
        )
        assert answer.status_code == 422


class TestMembersList:
    def test_paged_for_the_secretariat_refused_to_members(
        self, client: TestClient, db: Session, secretariat: Member, group: list[Member]
    ) -> None:
        answer = client.get("/api/v1/members?per_page=2", headers=bearer(db, secretariat))
        assert answer.status_code == 200 and len(answer.json()) == 2
        assert int(answer.headers["X-Total-Count"]) >= 4 and 'rel="next"' in answer.headers["Link"]
        assert set(answer.json()[0]) == {
            "id",
            "name",
            "organization",
            "sector",
            "region",
            "role",
            "active",
        }
        assert client.get("/api/v1/members", headers=bearer(db, group[0])).status_code == 403
