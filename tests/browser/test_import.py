"""The secretariat imports a real law in the browser: upload, preview, import; no script."""

from pathlib import Path

from playwright.sync_api import Browser, Page, expect

from tests.browser.conftest import AXE, People, new_context, serious_violations, sign_in

LAW = Path(__file__).parents[1] / "drafts" / "data" / "real" / "ley-28271-spij.txt"


def test_upload_preview_then_import_without_javascript(page_without_js: Page) -> None:
    page = page_without_js
    sign_in(page, People.secretariat)
    page.goto("/")
    page.get_by_role("link", name="Importar una ley").click()
    page.get_by_label("Archivo").set_input_files(str(LAW))
    page.get_by_label("Identificador").fill("ley-28271")
    page.get_by_role("button", name="Vista previa").click()

    counts = page.locator("table.import-counts")
    expect(counts.get_by_role("row", name="Artículos 13")).to_be_visible()
    expect(
        counts.get_by_role("row", name="DISPOSICIONES COMPLEMENTARIAS Y FINALES 1")
    ).to_be_visible()
    expect(counts.get_by_role("row", name="Notas editoriales (SPIJ) 32")).to_be_visible()
    expect(page.get_by_text("Todas las líneas de la ley fueron ubicadas.")).to_be_visible()
    # The source, line by line, with what each was read as.
    expect(page.locator("tr.role-note").first).to_contain_text("Nota editorial")

    page.get_by_role("button", name="Importar", exact=True).click()
    expect(page).to_have_url("/drafts/ley-28271")
    page.get_by_role("link", name="Artículo 11.").click()
    notes = page.locator("aside.editorial-notes")
    expect(notes).to_contain_text("Notas editoriales (SPIJ)")
    expect(notes).to_contain_text(
        "Artículo modificado por el Artículo 2 del Decreto Legislativo Nº 1670"
    )
    expect(page.locator("div.text")).not_to_contain_text("(*)")


def test_discard_writes_nothing(page_without_js: Page) -> None:
    page = page_without_js
    sign_in(page, People.secretariat)
    page.goto("/imports/new")
    page.get_by_label("Archivo").set_input_files(str(LAW))
    page.get_by_label("Identificador").fill("ley-descartada")
    page.get_by_role("button", name="Vista previa").click()
    page.get_by_role("link", name="Descartar").click()
    page.goto("/drafts/ley-descartada")
    expect(page.get_by_role("heading", level=1)).not_to_contain_text("pasivos")


def test_the_import_page_has_no_serious_accessibility_violation(
    browser: Browser, live_url: str
) -> None:
    if not AXE.exists():
        return
    context = new_context(browser, live_url, bypass_csp=True)
    page = context.new_page()
    sign_in(page, People.secretariat)
    page.goto("/imports/new")
    assert serious_violations(page) == []
    page.get_by_label("Archivo").set_input_files(str(LAW))
    page.get_by_label("Identificador").fill("ley-accesible")
    page.get_by_role("button", name="Vista previa").click()
    assert serious_violations(page) == []
    context.close()
