"""create_app(): routers, static files, middleware and the one error handler."""

import gc
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any
from urllib.parse import quote

from fastapi import Depends, FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from sqlalchemy import Engine
from sqlalchemy.exc import OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from starlette.exceptions import HTTPException
from starlette.routing import Match

from app.amendments import router as amendments_router
from app.amendments import templating as amendments_templating
from app.audit import router as audit_router
from app.comments import router as comments_router
from app.consensus import router as consensus_router
from app.consensus import templating as consensus_templating
from app.core import router as core_router
from app.core.anonymous import AnonymousResponses
from app.core.config import Settings, get_settings
from app.core.csrf import CsrfCookieMiddleware, verify_csrf
from app.core.db import create_db_engine, read_session
from app.core.errors import DomainError
from app.core.http import see_other
from app.core.i18n import _
from app.core.limits import RequestLimitsMiddleware
from app.core.middleware import (
    SHARED_CACHE_SECONDS,
    AdmissionMiddleware,
    CompressionMiddleware,
    LanguageMiddleware,
    SecurityHeadersMiddleware,
    ValidatorsMiddleware,
)
from app.core.static import STATIC, FingerprintedFiles
from app.core.templating import compile_templates, environment, render
from app.drafts import import_router
from app.drafts import router as drafts_router
from app.drafts import templating as drafts_templating
from app.drafts.deps import NotModified, read_named_draft
from app.drafts.imports import MAX_IMPORT_BYTES
from app.drafts.service import public_revision
from app.export import router as export_router
from app.intake import router as intake_router
from app.intake import templating as intake_templating
from app.meetings import router as meetings_router
from app.members import router as members_router
from app.members import templating as members_templating
from app.members.deps import current_member, identify
from app.notifications import router as notifications_router
from app.notifications import service as notifications
from app.notifications.deps import count_unread
from app.pages import router as pages_router
from app.search import router as search_router
from app.summaries import router as summaries_router
from app.workshops import router as workshops_router


def wants_json(request: Request) -> bool:
    return request.url.path.startswith("/api/") or request.url.path == "/healthz"


def _identify(request: Request, *, again: bool = False) -> None:
    """An address no route matches runs no dependency: find who is asking here, so the error
    page still shows them signed in. `again`: asking failed (the write lock was busy)."""
    if hasattr(request.state, "member") and not again:
        return
    with read_session(request.app.state.engine) as session:
        try:
            identify(request, session)
        except DomainError:  # a revoked token: the page shows them signed out
            request.state.member = None


def _page_above(request: Request) -> str | None:
    """The nearest address above this one that a page answers, e.g. the article for
    /drafts/x/provisions/u/comments, the amendment for /amendments/7/accept."""
    parts = request.url.path.rstrip("/").split("/")
    while len(parts) > 1:
        parts.pop()
        path = "/".join(parts) or "/"
        scope = {"type": "http", "path": path, "method": "GET"}
        for route in request.app.router.routes:
            match, _child = route.matches(scope)
            if match is Match.FULL:
                return path
    return None


def error_response(
    request: Request, status: int, code: str, message: str, details: dict[str, Any] | None = None
) -> Response:
    response: Response
    if wants_json(request):
        body = {"error": {"code": code, "message": message, **(details or {})}}
        response = JSONResponse(body, status_code=status)
    elif status == 401:
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        response = see_other(f"{request.app.url_path_for('sign_in_page')}?next={quote(target)}")
    else:
        _identify(request)
        context = {"status": status, "message": message}
        response = render(request, "error.html", context, status_code=status)
    response.headers["X-Mesa-Error"] = code  # the same code the API gives, for pages too
    return response


async def handle_domain_error(request: Request, error: Exception) -> Response:
    assert isinstance(error, DomainError)
    return error_response(request, error.status_code, error.code, error.message, error.details)


async def handle_http_error(request: Request, error: Exception) -> Response:
    assert isinstance(error, HTTPException)
    if error.status_code == 404:
        return error_response(request, 404, "not_found", _("This page does not exist."))
    if error.status_code == 405:
        if request.method == "GET" and not wants_json(request):
            # A form's address opened again (a reload, a bookmark, the back button after a
            # refused form): the page the form belongs to, not an error.
            page = _page_above(request)
            if page is not None:
                return see_other(page)
        return error_response(
            request, 405, "method_not_allowed", _("This address does not accept that request.")
        )
    code = getattr(error, "code", "http_error")  # the request limits name theirs
    return error_response(request, error.status_code, code, str(error.detail))


async def handle_not_modified(request: Request, error: Exception) -> Response:
    assert isinstance(error, NotModified)
    shared = {"Cache-Control": "public, no-cache", "X-Accel-Expires": str(SHARED_CACHE_SECONDS)}
    return Response(status_code=304, headers={"ETag": error.etag, **shared})


async def handle_database_busy(request: Request, error: Exception) -> Response:
    """SQLite's write lock held by another writer past the busy timeout (a long import), or
    every PostgreSQL connection of the process in use for 30 s: the request wrote nothing,
    and saying so is better than a 500."""
    if isinstance(error, PoolTimeout):  # asking again who it is would wait as long again
        message = _("Mesa is busy with many requests: nothing was saved. Try again in a moment.")
    elif isinstance(error, OperationalError) and "database is locked" in str(error.orig):
        if getattr(request.state, "member", None) is None:
            _identify(request, again=True)  # a read: it waits for no lock
        message = _("Mesa is busy saving other changes: nothing was saved. Try again in a moment.")
    else:
        raise error
    response = error_response(request, 503, "busy", message)
    response.headers["Retry-After"] = "5"
    return response


async def handle_validation_error(request: Request, error: Exception) -> Response:
    assert isinstance(error, RequestValidationError)
    problems = []
    for item in error.errors():
        where = ".".join(str(part) for part in item["loc"] if part not in ("body", "query", "path"))
        problems.append(f"{where}: {item['msg']}" if where else item["msg"])
    message = _("The request is not valid: %(problems)s", problems="; ".join(problems))
    return error_response(request, 422, "invalid_input", message)


# The collector's oldest generation is walked after this many passes over the middle one.
FULL_PASS_EVERY = 100
IMPORT_PATHS = ("/api/v1/imports", "/imports/preview", "/imports")
# Where documents are rendered while someone waits (seconds): they take no reader's turn.
DOCUMENT_PATHS = ("/export", "/packet", "/minutes")


@asynccontextmanager
async def warmed_up(app: FastAPI) -> AsyncIterator[None]:
    """Before the first request: every template compiled, then what the process holds from its
    start left out of the collector's full passes. Those passes otherwise walk every object in
    the process, a tenth of a second each, while the requests under way wait."""
    compile_templates()
    if not gc.get_freeze_count():  # once: the tests start many apps in one process
        gc.freeze()
    # A full pass every 100 of the middle generation's, not every 10: what a page allocates
    # dies young, and the caches filling after the freeze made a full pass (35-50 ms, every
    # request of the process waiting) come every two or three seconds under load.
    young, middle, _old = gc.get_threshold()
    gc.set_threshold(young, middle, FULL_PASS_EVERY)
    yield


def create_app(settings: Settings | None = None, engine: Engine | None = None) -> FastAPI:
    settings = settings or get_settings()
    app = FastAPI(
        lifespan=warmed_up,
        # Mesa sets up no OpenTelemetry provider: looking for one on every request cost a
        # fifteenth of an anonymous read.
        telemetry={"tracing": False, "metrics": False, "logs": False},
        # Every request: who is asking (for pages' headers and guards), and CSRF on writes.
        dependencies=[Depends(verify_csrf), Depends(current_member)],
        title="Mesa",
        version="0.1.0",
        docs_url=None,  # /api/docs is app/core/router.py's: FastAPI's page needs inline script
        redoc_url=None,
        openapi_url="/api/v1/openapi.json",
    )
    app.state.settings = settings
    # Read in the same hand-over to a worker thread as who is asking (app/members/deps.py).
    app.state.also_read = (count_unread, read_named_draft)
    app.state.engine = engine or create_db_engine(settings.database_url)
    # A mail's one-click unsubscribe is posted by the mail client: its link's HMAC is the proof.
    app.state.csrf_exempt = ("/unsubscribe/",)
    notifications.install()

    # A law uploaded for import may be larger than any form: only those routes take more.
    app.add_middleware(
        RequestLimitsMiddleware,
        larger_bodies=dict.fromkeys(IMPORT_PATHS, MAX_IMPORT_BYTES + 64 * 1024),
    )
    app.add_middleware(ValidatorsMiddleware)
    app.add_middleware(CompressionMiddleware)
    app.add_middleware(SecurityHeadersMiddleware, hsts=settings.production)
    app.add_middleware(CsrfCookieMiddleware, secure=settings.production)
    app.add_middleware(LanguageMiddleware)
    app.add_middleware(AdmissionMiddleware, documents=DOCUMENT_PATHS)
    # Outermost: what anonymous readers are served again is what went out, gzipped and all.
    app.state.public_revision = public_revision(app.state.engine)
    app.add_middleware(AnonymousResponses, revision_of=lambda slug: app.state.public_revision(slug))
    app.mount("/static", FingerprintedFiles(directory=STATIC), name="static")
    for domain in (
        drafts_templating,
        amendments_templating,
        consensus_templating,
        members_templating,
        intake_templating,
    ):
        domain.register_templates(environment)

    # A request is matched against the routes in this order, every route before its own
    # costing it (5.9% of a member's article page when its router was fourth): the pages read
    # most come first. No route takes another's address (tests/core/test_routes.py).
    app.include_router(pages_router.pages)
    app.include_router(consensus_router.pages)
    app.include_router(core_router.router)
    app.include_router(drafts_router.api)
    app.include_router(drafts_router.pages)
    app.include_router(import_router.api)
    app.include_router(import_router.pages)
    app.include_router(comments_router.api)
    app.include_router(comments_router.pages)
    app.include_router(intake_router.pages)
    app.include_router(amendments_router.api)
    app.include_router(amendments_router.pages)
    app.include_router(consensus_router.api)
    app.include_router(export_router.api)
    app.include_router(export_router.pages)
    app.include_router(meetings_router.api)
    app.include_router(meetings_router.pages)
    app.include_router(members_router.api)
    app.include_router(members_router.pages)
    app.include_router(audit_router.api)
    app.include_router(audit_router.pages)
    app.include_router(search_router.api)
    app.include_router(search_router.pages)
    app.include_router(notifications_router.api)
    app.include_router(notifications_router.pages)
    app.include_router(summaries_router.api)
    app.include_router(summaries_router.pages)
    app.include_router(workshops_router.api)
    app.include_router(workshops_router.pages)

    app.add_exception_handler(DomainError, handle_domain_error)
    app.add_exception_handler(HTTPException, handle_http_error)
    app.add_exception_handler(RequestValidationError, handle_validation_error)
    app.add_exception_handler(NotModified, handle_not_modified)
    app.add_exception_handler(OperationalError, handle_database_busy)
    app.add_exception_handler(PoolTimeout, handle_database_busy)
    return app
