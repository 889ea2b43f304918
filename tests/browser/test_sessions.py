"""A working-group session in the browser, run by the secretariat from a phone: convened, the
agenda from the queue, attendance recorded until there is quorum, an amendment accepted in
session, the session concluded and its acta downloaded; no sideways scroll, nothing axe-core
calls serious."""

import io
import re
import secrets

from docx import Document
from playwright.sync_api import Browser, expect
from sqlalchemy import Engine

from app.amendments import service as amendments
from app.core.db import write_session
from app.drafts import service as drafts
from app.members.service import get_member_by_email
from tests.browser.conftest import AXE, People, new_context, serious_violations, sign_in
from tests.factories import entry_of, make_member


def prepare(engine: Engine) -> tuple[int, str]:
    """A pending amendment to article 3 by the Defensoría's delegate (its id, and her name)."""
    name = f"Rosa Villanueva {secrets.token_hex(2)}"
    with write_session(engine) as session:
        draft = drafts.get_draft(session, "ley-de-prueba")
        rosa = make_member(
            session,
            name=name,
            sector="ombudsman",
            organization="Defensoría del Pueblo",
            email=f"rosa-{secrets.token_hex(3)}@mesa.example",
        )
        article = entry_of(session, draft, "Artículo 3.")
        amendment = amendments.submit_amendment(
            session,
            rosa,
            draft,
            kind="modify",
            target_uid=article.uid,
            base_version=article.version,
            rationale="Incluir a la pequeña minería",
            text="Para efectos de la presente Ley se entiende por minero artesanal a quien "
            "trabaja en forma personal o familiar.",
        )
        session.commit()
        assert amendment.id is not None and get_member_by_email(session, People.secretariat)
        return amendment.id, name


def test_the_secretariat_runs_a_session_from_a_phone(
    browser: Browser, live_url: str, live_engine: Engine
) -> None:
    amendment_id, rosa = prepare(live_engine)
    context = new_context(
        browser,
        live_url,
        viewport={"width": 360, "height": 740},
        bypass_csp=True,
        accept_downloads=True,
    )
    page = context.new_page()
    sign_in(page, People.secretariat)
    page.goto("/drafts/ley-de-prueba")
    page.get_by_role("link", name="Sesiones", exact=True).click()
    page.get_by_label("Título").fill("Sesión ordinaria")
    page.get_by_label("Fecha y hora (hora del Perú)").fill("2026-12-10T10:00")
    page.get_by_label("Lugar o enlace de videoconferencia").fill("Sala 3, MINEM")
    page.get_by_role("button", name="Convocar la sesión").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("sesión: Sesión ordinaria")

    page.get_by_role("button", name="Armar la agenda desde la cola").click()
    item = page.locator("ol.agenda > li").filter(has_text=f"Enmienda {amendment_id}")
    expect(item.first).to_contain_text("Respaldada por")
    page.get_by_role("button", name="Abrir la sesión").click()
    expect(page.locator("#status")).to_contain_text("En curso")
    expect(page.locator("p.quorum")).to_contain_text("no hay quórum")

    # Everyone the list offers attends (other journeys add members to this server's group).
    attendance = page.locator("#attendance").locator("..")
    for box in attendance.get_by_role("checkbox").all():
        box.check()
    expect(attendance.get_by_label(re.compile(re.escape(rosa)))).to_be_checked()
    page.get_by_role("button", name="Registrar la asistencia").click()
    expect(page.locator("p.quorum")).to_contain_text(": hay quórum")
    expect(page.locator("#attendance").locator("..")).to_contain_text("Defensoría del Pueblo")

    item = page.locator("ol.agenda > li").filter(has_text=f"Enmienda {amendment_id}").first
    item.get_by_label("Resultado").select_option(label="Acuerdo")
    item.get_by_label(re.compile("Texto de la decisión")).fill("Se acoge por unanimidad.")
    item.get_by_role("button", name="Registrar la decisión").click()
    expect(page.locator("#decisions").locator("..")).to_contain_text("Se acoge por unanimidad.")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    if AXE.exists():
        assert serious_violations(page) == []

    page.get_by_role("button", name="Concluir la sesión").click()
    with page.expect_download() as download:
        page.get_by_role("link", name="Descargar el acta (Word)").click()
    acta = Document(io.BytesIO(download.value.path().read_bytes()))
    text = "\n".join(p.text for p in acta.paragraphs)
    assert "Defensoría del Pueblo" in text and "Se acoge por unanimidad." in text

    page.goto(f"/amendments/{amendment_id}")
    expect(
        page.get_by_role("link", name=re.compile(r"Decidida en la \d+\.ª sesión"))
    ).to_be_visible()
    context.close()
