"""Finding an article from the search box in the header, on a phone, without JavaScript."""

from playwright.sync_api import Browser, expect

from tests.browser.conftest import new_context, serious_violations

PHONE = {"width": 360, "height": 740}


def test_on_a_phone_the_header_search_finds_an_article(browser: Browser, live_url: str) -> None:
    context = new_context(browser, live_url, viewport=PHONE, java_script_enabled=False)
    page = context.new_page()
    page.goto("/drafts/ley-de-prueba")
    header = page.get_by_role("banner")
    box = header.get_by_role("searchbox", name="Buscar")
    assert (box.bounding_box() or {"y": 9999})["y"] < PHONE["height"]  # on the first screen
    # Typed as people type on a phone: no accent, no capital.
    box.fill("mineria")
    header.get_by_role("button", name="Buscar").click()
    expect(page.get_by_role("heading", name="Artículos y disposiciones")).to_be_visible()
    result = page.get_by_role("link", name="Artículo 2", exact=True)
    expect(result).to_be_visible()
    expect(page.locator(".snippet mark").first).to_have_text("minería")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    result.click()
    expect(page.get_by_role("heading", name="Artículo 2. Ámbito")).to_be_visible()
    context.close()


def test_the_results_page_passes_axe_on_a_phone(browser: Browser, live_url: str) -> None:
    context = new_context(browser, live_url, viewport=PHONE, bypass_csp=True)  # to inject axe
    page = context.new_page()
    page.goto("/search?q=%22presente+ley%22&draft=ley-de-prueba")
    expect(page.get_by_role("status").first).to_contain_text("resultados")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    assert serious_violations(page) == []
    context.close()
