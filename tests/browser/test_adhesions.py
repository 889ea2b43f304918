"""Adhesions in the browser: two members of different sectors co-sign an amendment (one of
them on a phone), the secretariat publishes how it proposes to handle it, then decides."""

import re
import secrets

from playwright.sync_api import Browser, Page, expect
from sqlalchemy import Engine

from app.amendments import service as amendments
from app.core.db import write_session
from app.drafts import service as drafts
from app.members.service import get_member_by_email
from tests.browser.conftest import People, new_context, serious_violations, sign_in
from tests.factories import entry_of, make_member

ARTICLE_1 = "La presente Ley tiene por objeto promover la formalización."


def prepare(engine: Engine) -> tuple[int, str, str]:
    """An amendment by the miners' federation, and two members of other sectors (their
    e-mails), as the demo accounts of the Defensoría and the Ministry of Labour."""
    suffix = secrets.token_hex(3)
    with write_session(engine) as session:
        draft = drafts.get_draft(session, "ley-de-prueba")
        author = get_member_by_email(session, People.member)
        assert author is not None
        amendment = amendments.submit_amendment(
            session,
            author,
            draft,
            kind="modify",
            target_uid=entry_of(session, draft, "Artículo 1.").uid,
            rationale="Nombrar a la minería artesanal en el objeto",
            base_version=entry_of(session, draft, "Artículo 1.").version,
            text=ARTICLE_1.replace("la formalización", "la formalización minera artesanal"),
        )
        ombudsman = make_member(
            session,
            email=f"defensoria-{suffix}@mesa.example",
            name="Rosa Villanueva Paredes",
            sector="ombudsman",
            organization="Defensoría del Pueblo",
        )
        labour = make_member(
            session,
            email=f"trabajo-{suffix}@mesa.example",
            name="Miguel Ccori Layme",
            sector="labour",
            organization="Ministerio de Trabajo y Promoción del Empleo",
        )
        session.commit()
        assert amendment.id is not None
        return amendment.id, ombudsman.email, labour.email


def adhere(page: Page, amendment_id: int) -> None:
    page.goto(f"/amendments/{amendment_id}")
    page.get_by_role("button", name="Adherirme a esta enmienda").click()
    expect(page.get_by_role("status")).to_contain_text("Su adhesión quedó registrada")


def test_two_sectors_adhere_the_secretariat_proposes_then_decides(
    page: Page, browser: Browser, live_url: str, live_engine: Engine
) -> None:
    amendment_id, ombudsman, labour = prepare(live_engine)

    sign_in(page, ombudsman)
    adhere(page, amendment_id)
    expect(page.locator("#support").locator("..")).to_contain_text(
        "Respaldada por 2 organizaciones de 2 sectores"
    )

    # The second member adheres from a phone, without sideways scrolling.
    phone = new_context(
        browser, live_url, viewport={"width": 360, "height": 740}, bypass_csp=True
    )  # the test injects axe-core
    try:
        mobile = phone.new_page()
        sign_in(mobile, labour)
        adhere(mobile, amendment_id)
        expect(mobile.locator("body")).to_contain_text(
            "Respaldada por 3 organizaciones de 3 sectores"
        )
        assert mobile.evaluate("document.documentElement.scrollWidth") <= 360
        assert serious_violations(mobile) == []
    finally:
        phone.close()

    # The secretariat sees the support in the queue, ordered by it, and publishes a proposal.
    secretariat = new_context(browser, live_url, bypass_csp=True)
    try:
        desk = secretariat.new_page()
        sign_in(desk, People.secretariat)
        desk.goto("/drafts/ley-de-prueba/queue")
        desk.get_by_label("Orden", exact=True).select_option("support")
        desk.get_by_role("button", name="Mostrar").click()
        first = desk.locator(".queue-item").first
        expect(first).to_contain_text(f"#{amendment_id}")
        expect(first).to_contain_text("Respaldada por 3 organizaciones de 3 sectores")

        desk.goto(f"/amendments/{amendment_id}")
        desk.get_by_role("radio", name="Acoger con modificaciones").check()
        desk.get_by_label("Nota (se publica)").fill("Se acoge precisando el ámbito")
        desk.get_by_label(re.compile("^Texto propuesto")).fill(
            ARTICLE_1.replace("la formalización", "la formalización de la minería artesanal")
        )
        desk.get_by_role("button", name="Publicar la propuesta").click()
        expect(desk.locator("body")).to_contain_text("Se acoge precisando el ámbito")
        assert serious_violations(desk) == []

        # A member reads it on the amendment.
        page.goto(f"/amendments/{amendment_id}")
        proposal = page.locator("section.proposal")
        expect(proposal).to_contain_text("Acoger con modificaciones")
        expect(proposal).to_contain_text("la formalización de la minería artesanal")

        # The secretariat decides: the accept form starts from the proposed text.
        desk.goto(f"/amendments/{amendment_id}")
        expect(
            desk.get_by_label("Texto que se acoge: la propuesta de la Secretaría")
        ).to_have_value(re.compile("la formalización de la minería artesanal"))
        desk.get_by_label(re.compile("^Motivo de la decisión")).fill("Como se propuso")
        desk.get_by_role("button", name="Acoger", exact=True).click()
        desk.goto(f"/amendments/{amendment_id}")
        expect(desk.locator("body")).to_contain_text(
            "La decisión sigue la propuesta de la Secretaría (Acoger con modificaciones)"
        )
        expect(desk.locator("body")).not_to_contain_text("Adherirme a esta enmienda")
    finally:
        secretariat.close()
