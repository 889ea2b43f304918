"""Small HTTP helpers shared by routers."""

from urllib.parse import urlsplit

from fastapi import Request
from fastapi.responses import RedirectResponse
from starlette.requests import cookie_parser
from starlette.types import Scope

_COOKIES = "mesa.cookies"  # where a request's scope keeps them, once parsed


def local_path(target: str | None, default: str = "/") -> str:
    """`target` if it is a path on this site, else `default`: never an open redirect."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return default
    parts = urlsplit(target)
    return default if parts.scheme or parts.netloc else target


def see_other(url: str) -> RedirectResponse:
    """Every form posts and redirects (303), so reloading a page never re-submits it."""
    return RedirectResponse(url, status_code=303)


def client_address(request: Request) -> str:
    return request.client.host if request.client else "unknown"


def cookies(scope: Scope) -> dict[str, str]:
    """The request's cookies, parsed once for every layer that reads one (the anonymous
    responses, the language, the CSRF cookie), by the parser `request.cookies` uses: all of
    them read the same cookies, a malformed header included."""
    found: dict[str, str] | None = scope.get(_COOKIES)
    if found is None:
        header = next((value for name, value in scope["headers"] if name == b"cookie"), b"")
        found = scope[_COOKIES] = cookie_parser(header.decode("latin-1"))
    return found
