"""Routes that belong to no domain: health and the language switch."""

from typing import Literal
from urllib.parse import urlsplit

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse

from app.core import i18n
from app.core.db import SessionDep, database_kind

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
    # Only local paths: an absolute URL here would make Mesa an open redirect.
    target = urlsplit(next)
    if target.scheme or target.netloc or not next.startswith("/") or "\\" in next:
        next = "/"
    response = RedirectResponse(next, status_code=303)
    response.set_cookie(
        i18n.LANGUAGE_COOKIE,
        language,
        max_age=ONE_YEAR,
        httponly=True,
        samesite="lax",
        secure=request.app.state.settings.production,
    )
    return response
