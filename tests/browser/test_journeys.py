"""Journeys through Mesa in a real browser, as working-group members make them."""

import re

from playwright.sync_api import Browser, Page, expect

from tests.browser.conftest import People, new_context, sign_in

ARTICLE_2 = "Artículo 2."
MAIN_PAGES = [
    "/",
    "/drafts/ley-de-prueba",
    "/sign-in",
    "/registro",
    "/drafts/ley-de-prueba/consensus",
]


def open_article(page: Page, label: str) -> None:
    page.goto("/drafts/ley-de-prueba")
    page.get_by_role("link", name=re.compile(rf"^{re.escape(label)}")).click()
    page.wait_for_load_state()


def test_sign_in_then_read_the_contents_and_an_article(page: Page) -> None:
    sign_in(page, People.member)
    expect(page.get_by_role("navigation", name="Cuenta")).to_contain_text("Juana Mamani")
    open_article(page, ARTICLE_2)
    expect(page.get_by_role("heading", level=1)).to_have_text("Artículo 2. Ámbito")
    expect(page.locator("p.numeral").first).to_have_text(
        "2.1 Se aplica en todo el territorio nacional."
    )
    page.get_by_role("link", name=re.compile("Siguiente")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Artículo 3. Definiciones")


def test_comment_on_a_passage_chosen_by_keyboard(page: Page) -> None:
    sign_in(page, People.member)
    open_article(page, ARTICLE_2)
    page.locator("#quote").focus()
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowDown")  # the second numeral, chosen without a mouse
    expect(page.locator("#quote")).to_have_value("2.2 No comprende a la gran minería.")
    page.keyboard.press("Tab")
    page.keyboard.type("¿Y la mediana minería en transición?")
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    page.wait_for_load_state()
    comment = page.locator("article.comment").filter(
        has_text="¿Y la mediana minería en transición?"
    )
    expect(comment.locator("blockquote")).to_contain_text("2.2 No comprende a la gran minería.")


def test_comment_without_javascript(page_without_js: Page) -> None:
    page = page_without_js
    sign_in(page, People.member)
    open_article(page, ARTICLE_2)
    page.select_option("#quote", "2.1 Se aplica en todo el territorio nacional.")
    page.get_by_label("Su comentario").fill("Sin JavaScript también se puede comentar.")
    page.get_by_role("button", name="Publicar el comentario").click()
    expect(page.locator("article.comment").last).to_contain_text("Sin JavaScript también")


def test_amendment_with_its_preview_without_javascript(page_without_js: Page) -> None:
    page = page_without_js
    sign_in(page, People.member)
    open_article(page, ARTICLE_2)
    page.get_by_role("link", name="Proponer una enmienda").click()
    text = page.get_by_label(re.compile("^Texto propuesto"))
    text.fill(text.input_value().replace("nacional", "de la República"))
    page.get_by_label(re.compile("^Fundamento")).fill("Precisión del ámbito territorial.")
    page.get_by_role("button", name="Vista previa del cambio").click()
    expect(page.locator(".preview del")).to_contain_text("nacional")
    expect(page.locator(".preview ins")).to_contain_text("de la República")
    page.get_by_role("button", name="Presentar la enmienda").click()
    expect(page.locator("body")).to_contain_text("Pendiente de decisión")


def test_switch_language_and_back(page: Page) -> None:
    page.goto("/drafts/ley-de-prueba")
    page.get_by_role("link", name="English").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("heading", name="Contents")).to_be_visible()
    page.get_by_role("link", name="Español").click()
    expect(page.get_by_role("heading", name="Contenido")).to_be_visible()


def test_every_request_goes_to_mesa_and_an_article_weighs_under_100_kb(
    page: Page, live_url: str
) -> None:
    requests: list[str] = []
    sizes: list[int] = []
    page.on("request", lambda request: requests.append(request.url))
    page.on("response", lambda response: sizes.append(len(response.body())))
    for path in MAIN_PAGES:
        page.goto(path)
    assert requests and all(url.startswith(live_url) for url in requests)

    sizes.clear()
    open_article(page, ARTICLE_2)
    page.reload()
    page.wait_for_load_state("networkidle")
    assert sum(sizes) < 100_000, f"the article page weighs {sum(sizes)} bytes"


def test_a_refused_form_puts_the_error_in_view_and_reloading_is_harmless(
    browser: Browser, live_url: str
) -> None:
    """On a phone: the amendment proposes the text it amends, the server refuses it; the page
    comes back with the error focused and in view, and opening that address again is the form,
    not an error page."""
    context = new_context(browser, live_url, viewport={"width": 360, "height": 740})
    page = context.new_page()
    sign_in(page, People.member)
    open_article(page, ARTICLE_2)
    page.get_by_role("link", name="Proponer una enmienda").click()
    page.get_by_label(re.compile("^Fundamento")).fill("Sin cambios, por error.")
    page.get_by_role("button", name="Presentar la enmienda").click()
    error = page.get_by_role("alert")
    expect(error).to_contain_text("igual")
    expect(error).to_be_focused()
    expect(error).to_be_in_viewport()
    reopened = page.goto(page.url)
    assert reopened is not None and reopened.status == 200
    expect(page.get_by_role("button", name="Presentar la enmienda")).to_be_visible()
    context.close()
