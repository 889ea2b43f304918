"""Limits on what a request may carry, applied before anything parses it: a body larger than
the largest form or API call Mesa takes is refused at once (a 10 MB JSON body used to be parsed
in full before a 422), and JSON strings holding a lone UTF-16 surrogate ("\\ud800"), which no
database can store, are refused instead of failing deep inside a query."""

import json
import re
from typing import Any

from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.core.i18n import _

# The largest legitimate body is an article text or a merged text (20,000 characters, up to
# 4 bytes each in UTF-8, escaped in JSON or a form) with its reason: 1 MiB leaves room.
MAX_BODY_BYTES = 1024 * 1024
_SURROGATE_ESCAPE = re.compile(rb"\\u[dD][89a-fA-F]")


class BodyTooLarge(HTTPException):
    code = "too_large"

    def __init__(self) -> None:
        super().__init__(413, _("The request is too large."))


class InvalidCharacters(HTTPException):
    code = "invalid_input"

    def __init__(self) -> None:
        super().__init__(422, _("The request holds characters that are not valid text."))


def has_lone_surrogate(value: Any) -> bool:
    if isinstance(value, str):
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            return True
        return False
    if isinstance(value, dict):
        return any(has_lone_surrogate(k) or has_lone_surrogate(v) for k, v in value.items())
    if isinstance(value, list):
        return any(has_lone_surrogate(item) for item in value)
    return False


class RequestLimitsMiddleware:
    """Raises from `receive`, so the error reaches the app's own handlers (as a JSON error for
    the API and a page for people) at the moment the route reads the body."""

    def __init__(
        self,
        app: ASGIApp,
        *,
        max_body_bytes: int = MAX_BODY_BYTES,
        larger_bodies: dict[str, int] | None = None,
    ) -> None:
        self.app = app
        self.max_body_bytes = max_body_bytes
        # Paths that take more (an uploaded law), with their own limit.
        self.larger_bodies = larger_bodies or {}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = dict(scope["headers"])
        limit = self.larger_bodies.get(scope["path"], self.max_body_bytes)
        declared = headers.get(b"content-length", b"")
        too_large = declared.isdigit() and int(declared) > limit
        is_json = headers.get(b"content-type", b"").split(b";")[0].strip().endswith(b"json")
        received = bytearray()

        async def limited_receive() -> Message:
            if too_large:
                raise BodyTooLarge()
            message = await receive()
            if message["type"] == "http.request":
                received.extend(message.get("body", b""))
                if len(received) > limit:
                    raise BodyTooLarge()
                # Only a body that escapes a surrogate (\ud800 to \udfff) can hold a lone one:
                # the others are not parsed twice.
                done = not message.get("more_body", False)
                if is_json and done and _SURROGATE_ESCAPE.search(received):
                    try:
                        parsed = json.loads(received)
                    except ValueError:
                        return message  # the route answers malformed JSON itself
                    if has_lone_surrogate(parsed):
                        raise InvalidCharacters()
            return message

        await self.app(scope, limited_receive, send)
