"""The secretariat inserts an article in the browser: the articles after it, their numerales and
the references to them follow, on the page and in the Word file."""

import io

from docx import Document
from playwright.sync_api import Page, expect
from sqlalchemy import Engine

from app.core.db import write_session
from app.drafts import editing
from app.drafts import service as drafts
from app.members.service import get_member_by_email
from tests.browser.conftest import People, sign_in
from tests.factories import entry_of, make_draft

SLUG = "ley-estructura"


def a_draft_that_refers_to_article_2(engine: Engine) -> None:
    with write_session(engine) as session:
        draft = make_draft(session, slug=SLUG)
        secretariat = get_member_by_email(session, People.secretariat)
        assert secretariat is not None
        article = entry_of(session, draft, "Artículo 4.")
        editing.revise(
            session, secretariat, draft, uid=article.uid, expected_version=article.version,
            text="El registro es público, conforme al numeral 2.1 del artículo 2.",
            heading=None, reason="Precisión",
        )  # fmt: skip
        session.commit()


def test_inserting_an_article_renumbers_what_follows_on_the_page_and_in_word(
    page: Page, live_engine: Engine
) -> None:
    a_draft_that_refers_to_article_2(live_engine)
    sign_in(page, People.secretariat)
    page.goto(f"/drafts/{SLUG}")
    page.get_by_role("link", name="Artículo 1.").first.click()
    page.get_by_role("link", name="Editar").click()
    page.locator("#new-heading").fill("Finalidad")
    page.locator("#new-text").fill("La presente Ley tiene por finalidad la formalización.")
    page.locator("#new-reason").fill("Acuerdo de la tercera sesión")
    page.get_by_role("button", name="Insertar").click()

    expect(page.get_by_role("status")).to_contain_text("Artículo 2.")
    updated = page.get_by_role("list").filter(has_text="Artículo 5.")
    expect(updated).to_contain_text("artículo 3")

    with write_session(live_engine) as session:
        draft = drafts.get_draft(session, SLUG)
        uids = {e.label.text: e.uid for e in drafts.load_outline(session, draft).entries}
    page.goto(f"/drafts/{SLUG}/provisions/{uids['Artículo 3.']}")
    expect(page.locator(".text")).to_contain_text("3.1 Se aplica en todo el territorio nacional.")
    page.goto(f"/drafts/{SLUG}/provisions/{uids['Artículo 5.']}")
    text = page.locator(".text")
    expect(text).to_contain_text("conforme al numeral 3.1 del artículo 3.")
    text.get_by_role("link", name="3").first.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Artículo 3.")

    page.goto(f"/drafts/{SLUG}/export")
    page.get_by_label("Formato").select_option("docx")
    with page.expect_download() as download:
        page.get_by_role("button", name="Descargar").click()
    path = download.value.path()
    assert path is not None
    paragraphs = [p.text for p in Document(io.BytesIO(path.read_bytes())).paragraphs]
    assert "3.1 Se aplica en todo el territorio nacional." in paragraphs
    assert "El registro es público, conforme al numeral 3.1 del artículo 3." in paragraphs
