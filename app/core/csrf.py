"""CSRF protection for every state-changing request made with the session cookie.

Each visitor gets a random `mesa_csrf` cookie; forms carry an HMAC of it (the signed
double-submit pattern) in the `csrf_token` field, scripts in the X-CSRF-Token header. Requests
authenticated with a Bearer token carry no cookie a browser could replay, so they need none.
"""

from http.cookies import SimpleCookie

from fastapi import Request
from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.core import security
from app.core.db import SAFE_METHODS
from app.core.errors import Forbidden
from app.core.i18n import _


class CsrfCookieMiddleware:
    """Gives every visitor a CSRF cookie; its value is in request.state.csrf_cookie."""

    def __init__(self, app: ASGIApp, *, secure: bool) -> None:
        self.app = app
        self.secure = secure

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        cookies = SimpleCookie()
        try:
            cookies.load(dict(scope["headers"]).get(b"cookie", b"").decode("latin-1"))
        except Exception:  # a malformed cookie header is treated as no cookie
            cookies = SimpleCookie()
        existing = cookies.get(security.CSRF_COOKIE)
        value = existing.value if existing and len(existing.value) >= 32 else None
        fresh = value is None
        scope.setdefault("state", {})["csrf_cookie"] = value or security.new_token()

        async def send_with_cookie(message: Message) -> None:
            if message["type"] == "http.response.start":
                state = scope["state"]
                if fresh or state.get("csrf_rotated"):
                    headers = MutableHeaders(scope=message)
                    secure = "; Secure" if self.secure else ""
                    headers.append(
                        "set-cookie",
                        f"{security.CSRF_COOKIE}={state['csrf_cookie']}; Path=/; HttpOnly; "
                        f"SameSite=Lax{secure}",
                    )
            await send(message)

        await self.app(scope, receive, send_with_cookie)


def rotate_csrf_cookie(request: Request) -> None:
    """A new CSRF cookie on sign-in and sign-out, so a planted cookie does not carry over."""
    request.state.csrf_cookie = security.new_token()
    request.state.csrf_rotated = True


def form_token(request: Request) -> str:
    return security.csrf_token(request.app.state.settings.secret_key, request.state.csrf_cookie)


async def verify_csrf(request: Request) -> None:
    """App-wide dependency: refuses a state-changing request without a valid CSRF token."""
    if request.method in SAFE_METHODS:
        return
    if request.headers.get("authorization", "").lower().startswith("bearer "):
        return
    submitted = request.headers.get(security.CSRF_HEADER)
    if submitted is None and request.headers.get("content-type", "").startswith(
        ("application/x-www-form-urlencoded", "multipart/form-data")
    ):
        field = (await request.form()).get(security.CSRF_FIELD)
        submitted = field if isinstance(field, str) else None
    cookie = request.cookies.get(security.CSRF_COOKIE)
    if not security.csrf_valid(request.app.state.settings.secret_key, cookie, submitted):
        raise Forbidden(
            _("The form has expired or did not come from Mesa. Reload the page and try again."),
            reason="csrf",
        )
