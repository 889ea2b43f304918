"""ASGI middleware: the request's language, the security headers on every response, their
compression, and how many requests a process works on at once."""

import anyio
from starlette.datastructures import Headers, MutableHeaders
from starlette.middleware.gzip import GZipMiddleware, GZipResponder
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.core import i18n
from app.core.anonymous import shared
from app.core.db import SAFE_METHODS
from app.core.http import cookies

CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)


class LanguageMiddleware:
    """Sets the language for gettext from the language cookie (Spanish unless asked)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        chosen = cookies(scope).get(i18n.LANGUAGE_COOKIE)
        token = i18n.current_language.set(i18n.choose_language(chosen))
        reading = i18n.reading_language.set(i18n.choose_reading(chosen))
        try:
            await self.app(scope, receive, send)
        finally:
            i18n.reading_language.reset(reading)
            i18n.current_language.reset(token)


class SecurityHeadersMiddleware:
    def __init__(self, app: ASGIApp, *, hsts: bool) -> None:
        self.app = app
        self.hsts = hsts

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
                headers.setdefault("X-Content-Type-Options", "nosniff")
                headers.setdefault("Referrer-Policy", "same-origin")
                headers.setdefault("X-Frame-Options", "DENY")
                if self.hsts:
                    headers.setdefault("Strict-Transport-Security", "max-age=31536000")
            await send(message)

        await self.app(scope, receive, send_with_headers)


# Browsers revalidate every time (a 304 costs little); a proxy may keep the page this long.
SHARED_CACHE_SECONDS = 2


class ValidatorsMiddleware:
    """An ETag set by a route (request.state.etag: anonymous pages that follow from a draft's
    revision) goes out with a Cache-Control that lets a reverse proxy micro-cache the page."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_validators(message: Message) -> None:
            etag = scope.get("state", {}).get("etag")
            if message["type"] == "http.response.start" and etag and message["status"] == 200:
                headers = MutableHeaders(scope=message)
                headers["ETag"] = etag
                headers["Cache-Control"] = "public, no-cache"
                headers["X-Accel-Expires"] = str(SHARED_CACHE_SECONDS)  # nginx's own header
            await send(message)

        await self.app(scope, receive, send_with_validators)


# zlib's levels, measured on a member's article page (23 KB; 79 KB with the load benchmark's
# 10× data): level 3 compressed it to 9% more bytes than 6, in 5% (12% at 10×) fewer of the
# whole request's instructions. A response kept and served again to every anonymous reader is
# compressed once, at the better ratio; one rendered for one reader, at the faster level.
SHARED_LEVEL = 6
OWN_LEVEL = 3


class _LevelByReuse(GZipResponder):
    def __init__(self, app: ASGIApp, minimum_size: int) -> None:
        super().__init__(app, minimum_size, compresslevel=OWN_LEVEL)

    async def send_with_compression(self, message: Message) -> None:
        # Whether it is kept is told by its start, as app/core/anonymous.py tells it (the
        # validators, inside this, have marked it). The compressor is made at the first body,
        # so the level chosen here is the one used.
        if message["type"] == "http.response.start" and shared(message):
            self.compresslevel = SHARED_LEVEL
        await super().send_with_compression(message)


class CompressionMiddleware(GZipMiddleware):
    """Starlette's gzip, its level chosen by whether the response is served again (above)."""

    def __init__(self, app: ASGIApp, minimum_size: int = 500) -> None:
        super().__init__(app, minimum_size=minimum_size, compresslevel=OWN_LEVEL)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and "gzip" in Headers(scope=scope).get("accept-encoding", ""):
            await _LevelByReuse(self.app, self.minimum_size)(scope, receive, send)
            return
        await super().__call__(scope, receive, send)


# Requests that read, worked on at once by a process: one computing while another waits for
# the database (measured with benchmarks/load.py: 2 gave the shortest waits, 16 the longest).
READS_AT_ONCE = 2


class AdmissionMiddleware:
    """Requests that read are worked on `limit` at a time, the others waiting their turn in
    order of arrival, until their response starts. Python runs one thread at a time: fifty
    requests begun together take turns on it, each hand-over to a worker thread waiting
    behind the others, and all finish late, each holding a database connection meanwhile;
    taken in order, most finish early. Not held back: writes (a slow upload must not take a
    turn from readers), documents rendered while someone waits (addresses ending in one of
    `documents`: an export takes seconds), and what anonymous readers are served again
    (app/core/anonymous.py, outside this)."""

    def __init__(
        self, app: ASGIApp, *, documents: tuple[str, ...] = (), limit: int = READS_AT_ONCE
    ) -> None:
        self.app = app
        self.documents = documents
        self.turns = anyio.Semaphore(limit)  # first come, first served

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if (
            scope["type"] != "http"
            or scope["method"] not in SAFE_METHODS
            or scope["path"].endswith(self.documents)
        ):
            await self.app(scope, receive, send)
            return
        await self.turns.acquire()
        held = True

        def release() -> None:
            nonlocal held
            if held:
                held = False
                self.turns.release()

        async def send_and_release(message: Message) -> None:
            if message["type"] == "http.response.start":
                release()  # the work is done; a slow reader's download takes no one's turn
            await send(message)

        try:
            await self.app(scope, receive, send_and_release)
        finally:
            release()
