"""Small HTTP helpers shared by routers."""

from urllib.parse import urlsplit

from fastapi import Request
from fastapi.responses import RedirectResponse


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
