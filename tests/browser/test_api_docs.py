"""The interactive API documentation renders from Mesa alone, under Mesa's own CSP."""

from playwright.sync_api import ConsoleMessage, Page, expect


def test_swagger_ui_lists_the_operations_and_asks_nothing_of_other_servers(
    page: Page, live_url: str
) -> None:
    requests: list[str] = []
    refused: list[str] = []
    page.on("request", lambda request: requests.append(request.url))

    def on_console(message: ConsoleMessage) -> None:
        if message.type == "error":
            refused.append(message.text)

    page.on("console", on_console)
    page.goto("/api/docs")
    operation = page.locator(".opblock-summary-path", has_text="/api/v1/drafts/{slug}/export")
    expect(operation.first).to_be_visible(timeout=10_000)
    assert page.locator(".opblock").count() > 10  # every operation, not just one
    page.locator(".opblock-summary", has_text="/api/v1/drafts/{slug}/export").first.click()
    expect(page.get_by_text("Parameters").first).to_be_visible()
    assert requests and all(url.startswith((live_url, "data:")) for url in requests), requests
    assert not refused, refused  # no Content-Security-Policy refusal, no script error
