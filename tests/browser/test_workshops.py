"""Workshops and summaries in the browser: the secretariat records a workshop and enters what
was said there from the article page; a reader who chooses Quechua reads the Quechua summary
in a Spanish interface; the round page warns the secretariat of what it has not heard."""

from datetime import timedelta

from playwright.sync_api import Browser, Page, expect
from sqlalchemy import Engine

from app.consensus import rounds
from app.core.db import write_session
from app.core.models import utcnow
from app.drafts import service as drafts
from app.members.service import get_member_by_email
from app.summaries import service as summaries
from tests.browser.conftest import People, new_context, sign_in
from tests.factories import entry_of

QUECHUA = "Kay kamachiyqa llapan suyupi kanqa."


def test_a_workshops_contribution_entered_and_read_on_a_phone(
    browser: Browser, live_url: str, page: Page
) -> None:
    sign_in(page, People.secretariat)
    page.goto("/drafts/ley-de-prueba/workshops")
    page.get_by_label("Título (por ejemplo «Taller de Juliaca»)").fill("Taller de Chala")
    page.locator("#workshop-region").select_option("Arequipa")
    page.get_by_label("Mujeres").fill("7")
    page.get_by_label("Hombres").fill("6")
    page.get_by_role("button", name="Registrar el taller").click()
    expect(page.get_by_text("Taller de Chala, 13 participantes (7 mujeres)")).to_be_visible()

    page.goto("/drafts/ley-de-prueba")
    page.get_by_role("link", name="Artículo 3.").first.click()
    page.locator("#received summary").click()
    page.locator("#received-workshop").select_option(
        label="Taller de Chala, 13 participantes (7 mujeres) — Arequipa"
    )
    page.locator("#received-body").fill("Que el registro llegue a Chala.")
    page.get_by_role("button", name="Registrar el aporte").click()
    article = page.url.split("#")[0]

    phone = new_context(browser, live_url, viewport={"width": 360, "height": 800})
    reader = phone.new_page()
    reader.goto(article)
    said = reader.locator(".comment").filter(has_text="Que el registro llegue a Chala.")
    expect(said).to_contain_text("Taller de Chala, 13 participantes (7 mujeres)")
    expect(said).to_contain_text("recibido por Taller")
    assert reader.evaluate("document.documentElement.scrollWidth") <= 360
    phone.close()


def test_a_reader_who_chooses_quechua_reads_the_quechua_summary(
    live_engine: Engine, page: Page
) -> None:
    with write_session(live_engine) as session:
        draft = drafts.get_draft(session, "ley-de-prueba")
        secretariat = get_member_by_email(session, People.secretariat)
        assert secretariat is not None
        entry = entry_of(session, draft, "Artículo 1.")
        summaries.write_summary(
            session, secretariat, draft, entry, language="es", text="La ley vale en todo el país."
        )
        summaries.write_summary(
            session, secretariat, draft, entry, language="qu", text=QUECHUA,
            translator="Rosa Mamani Quispe",
        )  # fmt: skip
        session.commit()
        uid = entry.uid
    page.goto(f"/drafts/ley-de-prueba/provisions/{uid}")
    expect(page.locator(".summary")).to_contain_text("La ley vale en todo el país.")
    page.get_by_role("link", name="Runasimi").click()
    expect(page.locator(".summary")).to_contain_text(QUECHUA)
    expect(page.locator(".summary")).to_contain_text("Rosa Mamani Quispe")
    expect(page.locator(".reading-note")).to_contain_text("el resto de Mesa sigue en castellano")
    expect(page.get_by_role("heading", name="En palabras sencillas")).to_be_visible()
    page.get_by_role("link", name="Aymar aru").click()
    expect(page.locator(".summary")).to_contain_text("Aún no traducido")
    page.get_by_role("link", name="Español").click()
    expect(page.locator(".summary")).not_to_contain_text(QUECHUA)


def test_the_round_warns_the_secretariat_of_what_it_has_not_heard(
    live_engine: Engine, page: Page
) -> None:
    with write_session(live_engine) as session:
        draft = drafts.get_draft(session, "ley-de-prueba")
        secretariat = get_member_by_email(session, People.secretariat)
        assert secretariat is not None
        entry = entry_of(session, draft, "Artículo 4.")
        round_ = rounds.open_round(
            session, secretariat, draft, "Ronda regional", utcnow() + timedelta(days=5),
            [entry.uid],
        )  # fmt: skip
        session.commit()
        path = f"/drafts/ley-de-prueba/rounds/{round_.id}"
    page.goto(path)
    expect(page.locator("#coverage-alert")).to_have_count(0)
    sign_in(page, People.secretariat)
    page.goto(path)
    expect(page.locator("#coverage-alert")).to_contain_text("Artículo 4: ningún aporte de Arequipa")
