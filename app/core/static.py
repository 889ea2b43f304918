"""Static files named by their content: pages link each with its hash (`?v=…`), so a reader's
browser and nginx keep it for a year and a new version is a new address."""

import hashlib
from functools import cache

from starlette.responses import Response
from starlette.staticfiles import StaticFiles
from starlette.types import Scope

from app.core.config import ROOT

STATIC = ROOT / "static"
A_YEAR = "public, max-age=31536000, immutable"


@cache
def fingerprint(path: str) -> str:
    """The first characters of the file's SHA-256, read once per process ("" if there is no
    such file: the link then fails as it would have)."""
    try:
        return hashlib.sha256((STATIC / path).read_bytes()).hexdigest()[:12]
    except OSError:
        return ""


class FingerprintedFiles(StaticFiles):
    async def get_response(self, path: str, scope: Scope) -> Response:
        response = await super().get_response(path, scope)
        asked = scope.get("query_string", b"").decode("latin-1")
        digest = fingerprint(path)
        if response.status_code == 200 and digest and asked == f"v={digest}":
            response.headers["Cache-Control"] = A_YEAR
        return response
