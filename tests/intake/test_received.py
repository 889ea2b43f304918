"""Contributions received outside Mesa, entered by the secretariat for who sent them; the
secretariat's answer to each comment; and the matriz de aportes holding all of it."""

import io
import re
import zipfile
from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from pypdf import PdfReader
from sqlmodel import Session, select

from app.amendments import service as amendments
from app.amendments import support
from app.audit.models import AuditEvent
from app.comments import service as comments
from app.comments.models import Comment
from app.consensus import positions
from app.drafts import snapshots
from app.drafts.models import Draft
from app.export import html
from app.export import service as exports
from app.intake import service as intake
from app.intake.models import Receipt
from tests.factories import (
    entry_of,
    make_draft,
    make_member,
    post_form,
    sign_in,
    token_headers,
    uid_of,
)

RECEIVED = {
    "channel": "email",
    "contributor": "Eulogia Quispe",
    "organization": "Asociación de Pallaqueras de La Rinconada",
    "sector": "miners_organization",
    "region": "Puno",
    "reserved": True,
}


def received(**overrides: object) -> dict[str, object]:
    return {**RECEIVED, "received_on": intake.today_in_peru().isoformat(), **overrides}


def article(db: Session, draft: Draft, label: str = "Artículo 1.") -> str:
    return f"/drafts/{draft.slug}/provisions/{uid_of(db, draft, label)}"


class TestEnteringThroughTheApi:
    def test_a_comment_received_by_email_is_credited_to_its_sender_not_the_secretariat(
        self, client: TestClient, db: Session
    ) -> None:
        draft = make_draft(db)
        headers = token_headers(db, "secretariat")
        url = f"/api/v1/drafts/{draft.slug}/provisions/{uid_of(db, draft, 'Artículo 1.')}/comments"
        response = client.post(
            url, json={"body": "Pedimos un plazo mayor.", "received": received()}, headers=headers
        )
        assert response.status_code == 201, response.text
        body = response.json()
        # She asked for her name to be reserved: the secretariat who typed it sees it...
        assert body["channel"] == "email" and body["author"] == "Eulogia Quispe"
        # ...and nobody else does.
        listed = client.get(url).json()
        assert [(c["author"], c["channel"]) for c in listed] == [("Reservado", "email")]
        assert "Eulogia Quispe" not in client.get(article(db, draft)).text
        event = db.exec(
            select(AuditEvent).where(AuditEvent.action == "comment.added")
        ).one()  # the record names the secretariat who entered it, and how it arrived
        assert event.details["channel"] == "email"
        assert event.actor_name != "Eulogia Quispe"

    def test_an_amendment_received_at_the_front_desk(self, client: TestClient, db: Session) -> None:
        draft = make_draft(db)
        headers = token_headers(db, "secretariat")
        response = client.post(
            f"/api/v1/drafts/{draft.slug}/amendments",
            json={
                "kind": "modify",
                "target": uid_of(db, draft, "Artículo 1."),
                "base_version": 1,
                "text": "La presente Ley tiene por objeto ordenar la minería artesanal.",
                "rationale": "Carta de la federación regional.",
                "received": received(channel="front_desk", reserved=False),
            },
            headers=headers,
        )
        assert response.status_code == 201, response.text
        assert response.json()["author"] == "Eulogia Quispe"
        assert response.json()["channel"] == "front_desk"
        page = client.get(f"/amendments/{response.json()['id']}").text
        assert "recibida por Mesa de partes" in page and "Eulogia Quispe" in page

    def test_a_member_cannot_enter_a_contribution_for_someone_else(
        self, client: TestClient, db: Session
    ) -> None:
        draft = make_draft(db)
        url = f"/api/v1/drafts/{draft.slug}/provisions/{uid_of(db, draft, 'Artículo 1.')}/comments"
        response = client.post(
            url,
            json={"body": "Hola", "received": received()},
            headers=token_headers(db, "member"),
        )
        assert response.status_code == 403
        assert db.exec(select(Comment)).all() == [] and db.exec(select(Receipt)).all() == []

    def test_an_unknown_channel_or_a_future_date_is_refused_by_field(
        self, client: TestClient, db: Session
    ) -> None:
        draft = make_draft(db)
        headers = token_headers(db, "secretariat")
        url = f"/api/v1/drafts/{draft.slug}/provisions/{uid_of(db, draft, 'Artículo 1.')}/comments"
        tomorrow = (intake.today_in_peru() + timedelta(days=3)).isoformat()
        for bad, field in (
            (received(channel="mesa"), "channel"),
            (received(received_on=tomorrow), "received_on"),
            (received(contributor="   "), "contributor"),
            (received(region="Atlántida"), "region"),
        ):
            response = client.post(url, json={"body": "Hola", "received": bad}, headers=headers)
            assert response.status_code == 422, bad
            assert response.json()["error"]["field"] == field
        assert db.exec(select(Comment)).all() == []


class TestTheSecretariatsForm:
    def test_shown_only_to_the_secretariat(self, client: TestClient, db: Session) -> None:
        draft = make_draft(db)
        sign_in(client, make_member(db))
        assert (
            "Registrar un aporte recibido fuera de Mesa" not in client.get(article(db, draft)).text
        )
        refused = post_form(
            client, f"{article(db, draft)}/received", {"channel": "email", "body": "x"}
        )
        assert refused.status_code == 403
        client.cookies.clear()
        sign_in(client, make_member(db, role="secretariat"))
        assert "Registrar un aporte recibido fuera de Mesa" in client.get(article(db, draft)).text

    def test_a_refused_entry_says_why_beside_the_field_and_keeps_what_was_typed(
        self, client: TestClient, db: Session
    ) -> None:
        draft = make_draft(db)
        sign_in(client, make_member(db, role="secretariat"))
        typed = {
            "channel": "front_desk",
            "received_on": intake.today_in_peru().isoformat(),
            "contributor": "",
            "body": "Que se reconozca a las pallaqueras.",
        }
        response = post_form(client, f"{article(db, draft)}/received", typed)
        assert response.status_code == 422
        assert 'id="received-contributor-error"' in response.text
        assert "Escriba quién envió el aporte." in response.text
        assert "Que se reconozca a las pallaqueras." in response.text
        assert '<details id="received" open>' in response.text
        assert db.exec(select(Comment)).all() == []

    def test_entered_as_a_comment_or_with_a_text_as_an_amendment(
        self, client: TestClient, db: Session
    ) -> None:
        draft = make_draft(db)
        sign_in(client, make_member(db, role="secretariat"))
        form = {**{k: str(v) for k, v in received(reserved=False).items()}, "reserved": ""}
        form.pop("reserved")
        done = post_form(
            client, f"{article(db, draft)}/received", {**form, "body": "Un plazo mayor."}
        )
        assert done.status_code == 303
        page = client.get(article(db, draft)).text
        assert "Un plazo mayor." in page
        assert "recibido por Correo electrónico, registrado por la Secretaría" in page
        done = post_form(
            client,
            f"{article(db, draft)}/received",
            {**form, "body": "Por claridad.", "text": "La Ley ordena la minería artesanal."},
        )
        assert done.status_code == 303 and done.headers["location"].startswith("/amendments/")
        assert "Eulogia Quispe" in client.get(done.headers["location"]).text


class TestTheSecretariatsAnswer:
    def test_through_the_api_by_the_secretariat_only(self, client: TestClient, db: Session) -> None:
        draft = make_draft(db)
        comment = comments.add_comment(
            db, make_member(db), draft, entry_of(db, draft, "Artículo 1."), body="Incluir la pesca."
        )
        db.commit()
        url = f"/api/v1/comments/{comment.id}/disposition"
        answer = {"disposition": "out_of_scope", "reason": "La pesca no es materia de esta Ley."}
        assert client.put(url, json=answer, headers=token_headers(db, "member")).status_code == 403
        secretariat = token_headers(db, "secretariat")
        unknown = client.put(url, json={**answer, "disposition": "maybe"}, headers=secretariat)
        assert unknown.status_code == 422 and unknown.json()["error"]["field"] == "disposition"
        no_reason = client.put(url, json={**answer, "reason": " "}, headers=secretariat)
        assert no_reason.status_code == 422 and no_reason.json()["error"]["field"] == "reason"
        done = client.put(url, json=answer, headers=secretariat)
        assert done.status_code == 200 and done.json()["disposition"] == "out_of_scope"
        page = client.get(article(db, draft)).text
        assert "Respuesta de la Secretaría: Fuera del ámbito de la Ley." in page

    def test_a_refused_answer_keeps_its_form_open_beside_the_comment(
        self, client: TestClient, db: Session
    ) -> None:
        draft = make_draft(db)
        comment = comments.add_comment(
            db, make_member(db), draft, entry_of(db, draft, "Artículo 1."), body="Incluir la pesca."
        )
        db.commit()
        sign_in(client, make_member(db, role="secretariat"))
        response = post_form(
            client,
            f"/comments/{comment.id}/disposition",
            {"disposition": "accepted", "reason": ""},
        )
        assert response.status_code == 422
        assert f'id="disposition-{comment.id}-error"' in response.text
        assert '<option value="accepted" selected>' in response.text  # the choice kept
        db.refresh(comment)
        assert comment.disposition is None


def test_the_matriz_holds_every_contribution_with_its_channel_and_what_became_of_it(
    db: Session,
) -> None:
    draft = make_draft(db)
    secretariat = make_member(db, role="secretariat")
    miner = make_member(
        db, name="Juana Mamani", organization="Federación de Mineros", sector="miners_organization"
    )
    first, second = entry_of(db, draft, "Artículo 1."), entry_of(db, draft, "Artículo 2.")
    # Through Mesa: a comment on article 2, and an amendment to article 1 not accepted.
    on_two = comments.add_comment(db, miner, draft, second, body="Aclarar el alcance.")
    fishing = amendments.submit_amendment(
        db, miner, draft, kind="modify", target_uid=first.uid, base_version=1,
        text="La presente Ley regula también la pesca artesanal.", rationale="Ampliar",
    )  # fmt: skip
    amendments.reject(
        db, secretariat, fishing, "La pesca no es materia de esta Ley.", out_of_scope=True
    )
    # By e-mail, her name reserved: a comment on article 1, partly taken up.
    by_email = intake.record_receipt(db, secretariat, draft, intake.Received(
        "email", "Eulogia Quispe", intake.today_in_peru(), "Pallaqueras de La Rinconada",
        "miners_organization", "Puno", reserved=True,
    ))  # fmt: skip
    reserved = comments.add_comment(
        db, secretariat, draft, first, body="Reconocer a las pallaqueras.", receipt=by_email
    )
    comments.dispose_comment(
        db, secretariat, reserved, disposition="partially", reason="Se recoge en el numeral 1.2."
    )
    # At the front desk: an amendment to article 1, accepted.
    by_letter = intake.record_receipt(db, secretariat, draft, intake.Received(
        "front_desk", "Central de Mineros de Nasca", intake.today_in_peru(),
        sector="miners_organization", region="Ica",
    ))  # fmt: skip
    letter = amendments.submit_amendment(
        db, secretariat, draft, kind="modify", target_uid=first.uid, base_version=1,
        text="La presente Ley tiene por objeto ordenar la formalización.",
        rationale="Carta de la Central", receipt=by_letter,
    )  # fmt: skip
    amendments.accept(db, secretariat, draft, letter, expected_version=1, reason="Mejora el texto")
    positions.record_position(
        db, miner, draft, second, stance="support", reason=None, version=second.version
    )
    db.commit()

    page = exports.render(db, draft, "html", with_annexes={"aportes"}).content.decode()
    section = page[
        page.index('id="aportes"') : page.index("</section>", page.index('id="aportes"'))
    ]
    rows = re.findall(r"<tr><td>(Enm\. \d+|Com\. \d+)<br>", section)
    # By article in the draft's order, then as they arrived: article 1's three, then article 2's.
    assert rows == [
        f"Enm. {fishing.id}",
        f"Com. {reserved.id}",
        f"Enm. {letter.id}",
        f"Com. {on_two.id}",
    ]
    assert "Eulogia Quispe" not in page and "Reservado" in section
    assert "Correo electrónico" in section and "Mesa de partes" in section and "Puno" in section
    assert "Fuera del ámbito de la Ley" in section and "Acogido parcialmente" in section
    assert "Se recoge en el numeral 1.2." in section
    assert "Artículo 1., versión 2" in section  # the version the accepted letter produced
    assert "Aún sin respuesta" in section  # the comment on article 2 has no answer yet
    # Positions, counted per article.
    assert re.search(r"<tr><td>Artículo 2\.</td><td>1</td>", page)


def test_tracked_changes_credit_the_organization_that_wrote_in_not_the_secretariat(
    db: Session,
) -> None:
    draft = make_draft(db)
    secretariat = make_member(db, role="secretariat", organization="Secretaría Técnica")
    base = snapshots.freeze_snapshot(db, secretariat, draft, "Borrador 1")
    letter = intake.record_receipt(db, secretariat, draft, intake.Received(
        "front_desk", "Central de Mineros de Nasca", intake.today_in_peru(),
        organization="Central de Mineros de Nasca", sector="miners_organization",
    ))  # fmt: skip
    amendment = amendments.submit_amendment(
        db, secretariat, draft, kind="modify", target_uid=uid_of(db, draft, "Artículo 1."),
        base_version=1, text="La presente Ley tiene por objeto ordenar la formalización.",
        rationale="Carta", receipt=letter,
    )  # fmt: skip
    amendments.accept(db, secretariat, draft, amendment, expected_version=1, reason="Mejora")
    db.commit()
    tracked = exports.render(db, draft, "docx-tracked", base_id=str(base.id))
    with zipfile.ZipFile(io.BytesIO(tracked.content)) as package:
        xml = package.read("word/document.xml").decode()
    authors = set(re.findall(r'w:author="([^"]+)"', xml))
    assert authors == {"Central de Mineros de Nasca"}


def test_a_long_matriz_is_printed_part_by_part_into_one_pdf_numbered_throughout(
    db: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    draft = make_draft(db)
    member = make_member(db)
    written = [
        comments.add_comment(
            db, member, draft, entry_of(db, draft, f"Artículo {1 + n % 3}."), body=f"Aporte {n}."
        )
        for n in range(7)
    ]
    db.commit()
    whole = exports.render(db, draft, "pdf", with_annexes={"aportes", "consenso"}).content
    monkeypatch.setattr(html, "ROWS_PER_PART", 3)  # the bill, three parts of the matriz, the rest
    parted = exports.render(db, draft, "pdf", with_annexes={"aportes", "consenso"}).content
    pages = [" ".join(p.extract_text().split()) for p in PdfReader(io.BytesIO(parted)).pages]
    text = " ".join(pages)
    assert all(f"Com. {c.id}" in text and f"Aporte {n}." in text for n, c in enumerate(written))
    assert (
        text.count("Anexo: matriz de aportes".upper()) + text.count("Anexo: matriz de aportes") == 1
    )
    assert "Posiciones por artículo" in pages[-1] or "Posiciones por artículo" in text
    assert "Anexo: informe de consenso".upper() in text.upper()
    # Each page's number, at its foot, follows the one before across the parts.
    for number, page in enumerate(pages, start=1):
        assert page.endswith(str(number)), (number, page[-40:])
    assert len(PdfReader(io.BytesIO(whole)).pages) <= len(pages)


def test_search_credits_a_received_comment_to_its_sender_and_keeps_a_reserved_name(
    client: TestClient, db: Session
) -> None:
    draft = make_draft(db)
    secretariat = make_member(db, role="secretariat", name="Rosa de la Secretaría")
    receipt = intake.record_receipt(db, secretariat, draft, intake.Received(
        "email", "Eulogia Quispe", intake.today_in_peru(), reserved=True,
    ))  # fmt: skip
    comments.add_comment(
        db, secretariat, draft, entry_of(db, draft, "Artículo 1."),
        body="Las pallaqueras seleccionan mineral a mano.", receipt=receipt,
    )  # fmt: skip
    db.commit()
    found = client.get("/api/v1/search", params={"q": "pallaqueras"}).json()["results"]
    assert [r["label"] for r in found if r["type"] == "comment"] == [
        "Comentario de Reservado — Artículo 1"
    ]


def test_an_amendment_received_outside_mesa_counts_its_senders_organization_first(
    db: Session,
) -> None:
    draft = make_draft(db)
    secretariat = make_member(db, role="secretariat", organization="Secretaría Técnica")
    letter = intake.record_receipt(db, secretariat, draft, intake.Received(
        "front_desk", "Central de Mineros de Nasca", intake.today_in_peru(),
        organization="Central de Mineros de Nasca", sector="miners_organization",
    ))  # fmt: skip
    amendment = amendments.submit_amendment(
        db, secretariat, draft, kind="modify", target_uid=uid_of(db, draft, "Artículo 1."),
        base_version=1, text="La presente Ley tiene por objeto ordenar la formalización.",
        rationale="Carta", receipt=letter,
    )  # fmt: skip
    ombudsman = make_member(db, organization="Defensoría del Pueblo", sector="ombudsman")
    support.adhere(db, ombudsman, amendment)
    db.commit()
    backing = support.support_of(db, amendment)
    assert backing.organizations == ["Central de Mineros de Nasca", "Defensoría del Pueblo"]
    assert support.pending_breadths(db, draft)[amendment.id or 0] == (2, 2)
    page = exports.render(db, draft, "html", with_annexes={"aportes"}).content.decode()
    assert "Respaldada por 2 organizaciones de 2 sectores" in page
