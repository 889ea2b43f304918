"""CSRF protection for every state-changing request made with the session cookie.

Forms carry the token in the `csrf_token` field, scripts in the X-CSRF-Token header. For a
browser with a session cookie the token is an HMAC of the session token, so it is new at each
sign-in and no other visitor's cookie and token pair works with it. An anonymous visitor gets a
random `mesa_csrf` cookie and the token is an HMAC of it (the signed double-submit pattern).
Requests authenticated with a Bearer token carry no cookie a browser could replay, so they need
none.
"""

from fastapi import Request
from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.core import security
from app.core.db import SAFE_METHODS
from app.core.errors import Forbidden
from app.core.http import cookies
from app.core.i18n import _


class CsrfRefused(Forbidden):
    # Its own code, so a refusal for a missing token is never mistaken for one by role.
    code = "csrf_invalid"


class CsrfCookieMiddleware:
    """Gives every visitor a CSRF cookie; its value is in request.state.csrf_cookie."""

    def __init__(self, app: ASGIApp, *, secure: bool) -> None:
        self.app = app
        self.secure = secure

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        existing = cookies(scope).get(security.CSRF_COOKIE)
        value = existing if existing and len(existing) >= 32 else None
        fresh = value is None
        scope.setdefault("state", {})["csrf_cookie"] = value or security.new_token()

        async def send_with_cookie(message: Message) -> None:
            if message["type"] == "http.response.start":
                state = scope["state"]
                # A page any visitor may be served from a cache carries nothing of this one's.
                shared = MutableHeaders(scope=message).get("cache-control", "").startswith("public")
                if (fresh or state.get("csrf_rotated")) and not shared:
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
    """A new CSRF cookie on sign-in and sign-out, so a planted cookie does not carry over (once
    signed in, the token follows the new session token by itself)."""
    request.state.csrf_cookie = security.new_token()
    request.state.csrf_rotated = True


def _bound_to(request: Request, csrf_cookie: str | None) -> str | None:
    # The session cookie is read as sent: whether its session is still valid does not matter
    # here, only that the page and the form that follows it come from the same browser.
    session_token = request.cookies.get(security.SESSION_COOKIE)
    if session_token:
        return "session:" + session_token
    return "visitor:" + csrf_cookie if csrf_cookie else None


def form_token(request: Request) -> str:
    bound_to = _bound_to(request, request.state.csrf_cookie)
    assert bound_to is not None  # the middleware always sets a CSRF cookie
    return security.csrf_token(request.app.state.settings.secret_key, bound_to)


async def verify_csrf(request: Request) -> None:
    """App-wide dependency: refuses a state-changing request without a valid CSRF token."""
    if request.method in SAFE_METHODS:
        return
    if request.headers.get("authorization", "").lower().startswith("bearer "):
        return
    # Addresses whose own signed token authenticates the request (a mail's one-click
    # unsubscribe, RFC 8058, posted by the mail client without any cookie): create_app names them.
    if request.url.path.startswith(tuple(getattr(request.app.state, "csrf_exempt", ()))):
        return
    submitted = request.headers.get(security.CSRF_HEADER)
    if submitted is None and request.headers.get("content-type", "").startswith(
        ("application/x-www-form-urlencoded", "multipart/form-data")
    ):
        field = (await request.form()).get(security.CSRF_FIELD)
        submitted = field if isinstance(field, str) else None
    bound_to = _bound_to(request, request.cookies.get(security.CSRF_COOKIE))
    if not security.csrf_valid(request.app.state.settings.secret_key, bound_to, submitted):
        raise CsrfRefused(
            _("The form has expired or did not come from Mesa. Reload the page and try again.")
        )
