"""Routes that belong to no domain: health, the language switch and the API documentation."""

from html import escape
from typing import Literal

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from app.core import i18n
from app.core.db import SessionDep, database_kind
from app.core.http import local_path, see_other
from app.core.i18n import _

router = APIRouter()
ONE_YEAR = 365 * 24 * 3600


@router.get("/healthz", tags=["health"])
def health(request: Request, session: SessionDep) -> dict[str, str]:
    session.connection().exec_driver_sql("SELECT 1")
    return {"status": "ok", "database": database_kind(request.app.state.engine)}


@router.get("/language/{language}", include_in_schema=False)
def choose_language(
    request: Request, language: Literal["es", "en"], next: str = "/"
) -> RedirectResponse:
    response = see_other(local_path(next))
    response.set_cookie(
        i18n.LANGUAGE_COOKIE,
        language,
        max_age=ONE_YEAR,
        httponly=True,
        samesite="lax",
        secure=request.app.state.settings.production,
    )
    return response


# Swagger UI from Mesa's static files (make copies them from swagger-ui-dist), started by a
# script file of its own: Mesa's Content-Security-Policy allows no inline script, no other origin.
_API_DOCS = """<!DOCTYPE html>
<html lang="{lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>
<link rel="icon" href="{favicon}" type="image/svg+xml">
<link rel="stylesheet" href="{css}">
</head>
<body>
<main id="swagger-ui" data-openapi-url="{openapi}">
<noscript><p>{needs_js} <a href="{openapi}">{openapi}</a></p></noscript>
</main>
<script src="{js}"></script>
<script src="{init}"></script>
</body>
</html>
"""


@router.get("/api/docs", include_in_schema=False)
def api_docs(request: Request) -> HTMLResponse:
    root: str = request.scope.get("root_path", "")  # site-relative, as every page's links

    def static(path: str) -> str:
        return escape(root + str(request.app.url_path_for("static", path=path)))

    return HTMLResponse(
        _API_DOCS.format(
            lang=i18n.current_language.get(),
            title=escape(_("Mesa API documentation")),
            needs_js=escape(_("This page needs JavaScript. The description of the API:")),
            openapi=escape(root + request.app.openapi_url),
            favicon=static("favicon.svg"),
            css=static("vendor/swagger-ui/swagger-ui.css"),
            js=static("vendor/swagger-ui/swagger-ui-bundle.js"),
            init=static("js/swagger-init.js"),
        )
    )
