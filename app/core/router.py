"""Routes that belong to no domain: health, the language switch and the API documentation."""

from typing import Literal

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from app.core import i18n
from app.core.db import SessionDep, database_kind
from app.core.http import local_path, see_other
from app.core.templating import render

router = APIRouter()
ONE_YEAR = 365 * 24 * 3600


@router.get("/healthz", tags=["health"])
def health(request: Request, session: SessionDep) -> dict[str, str]:
    session.connection().exec_driver_sql("SELECT 1")
    return {"status": "ok", "database": database_kind(request.app.state.engine)}


@router.get("/language/{language}", include_in_schema=False)
def choose_language(
    request: Request, language: Literal["es", "en", "qu", "ay"], next: str = "/"
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


@router.get("/api/docs", include_in_schema=False)
def api_docs(request: Request) -> HTMLResponse:
    openapi = request.scope.get("root_path", "") + request.app.openapi_url
    return render(request, "core/api_docs.html", {"openapi": openapi})
