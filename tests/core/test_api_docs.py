"""/api/docs is served from Mesa's own files, under the same CSP as every page."""

import re

from fastapi.testclient import TestClient

from app.core.middleware import CONTENT_SECURITY_POLICY


def test_the_docs_page_loads_swagger_ui_from_mesa(client: TestClient) -> None:
    page = client.get("/api/docs")
    assert page.status_code == 200
    assert page.headers["content-security-policy"] == CONTENT_SECURITY_POLICY
    assert "unsafe-inline" not in CONTENT_SECURITY_POLICY
    assert not re.search(r"<script>|<script [^>]*>[^<]", page.text)  # no inline script
    assets = re.findall(r'(?:src|href)="(/static/[^"]+)"', page.text)
    assert len(assets) == 4  # favicon, Swagger UI's CSS and JS, and the script that starts it
    for asset in assets:
        assert client.get(asset).status_code == 200, asset
    assert 'data-openapi-url="/api/v1/openapi.json"' in page.text
