"""ASGI middleware: the request's language, and the security headers on every response."""

from http.cookies import SimpleCookie

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.core import i18n

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
        cookie_header = dict(scope["headers"]).get(b"cookie", b"").decode("latin-1")
        cookies = SimpleCookie()
        try:
            cookies.load(cookie_header)
        except Exception:  # a malformed cookie header must not break the page
            cookies = SimpleCookie()
        morsel = cookies.get(i18n.LANGUAGE_COOKIE)
        chosen = morsel.value if morsel else None
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
