"""Anonymous readers served again what was rendered for the draft's current revision, before
any routing, dependency or template runs: a public consultation's fifty readers cost one
render per revision, and each further reader one indexed read of the draft's revision.

Outermost in the stack, so what is kept is exactly what went out: gzipped, with the security
headers. Only responses the application itself marked as shared are kept (an ETag and
`Cache-Control: public`, no cookie set: the routes depending on app/drafts/deps.revalidate),
under the draft they belong to. A response is served again only while that draft's revision,
read from the database after the request arrived, is the one it was rendered at; the revision
moves in the transaction of every change, so no process serves a page from before a change it
can see. Readers arriving together share one such read (`FreshReads`).
"""

import asyncio
import re
from collections import OrderedDict
from collections.abc import Callable, Hashable
from threading import Lock
from weakref import WeakKeyDictionary

import anyio.to_thread
from starlette.datastructures import Headers
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.core import i18n
from app.core.http import cookies
from app.core.security import SESSION_COOKIE

# The draft an address belongs to: its pages and its API.
_DRAFT_PATH = re.compile(r"^/(?:api/v1/)?drafts/([^/]+)(?:/|$)")

_REVALIDATION_HEADERS = (b"etag", b"cache-control", b"vary", b"x-accel-expires")

# (draft, language, gzip, address) → (draft's revision key, status, headers, body)
Stored = tuple[Hashable, int, list[tuple[bytes, bytes]], bytes]


class FreshReads:
    """A draft's revision for every request waiting on it, from one read begun after each of
    them arrived: fifty readers arriving together cost one query, not fifty, and none is
    answered from before a change committed before it arrived. While a read is under way, the
    requests that arrive wait for the next one, which begins as soon as it ends."""

    def __init__(self, read: Callable[[str], Hashable | None]) -> None:
        self._read = read
        # Per event loop (the tests start several): the next read's answer, by slug, and the
        # tasks reading.
        self._next: WeakKeyDictionary[
            asyncio.AbstractEventLoop, dict[str, asyncio.Future[Hashable | None]]
        ] = WeakKeyDictionary()
        self._readers: WeakKeyDictionary[
            asyncio.AbstractEventLoop, dict[str, asyncio.Task[None]]
        ] = WeakKeyDictionary()

    async def revision(self, slug: str) -> Hashable | None:
        loop = asyncio.get_running_loop()
        waiting = self._next.setdefault(loop, {})
        future = waiting.get(slug)
        if future is None:
            future = waiting[slug] = loop.create_future()
            readers = self._readers.setdefault(loop, {})
            if slug not in readers:
                readers[slug] = loop.create_task(self._read_while_waited(slug, waiting, readers))
        # Shielded: a reader who hangs up does not cancel the others' answer.
        return await asyncio.shield(future)

    async def _read_while_waited(
        self,
        slug: str,
        waiting: dict[str, asyncio.Future[Hashable | None]],
        readers: dict[str, asyncio.Task[None]],
    ) -> None:
        try:
            while (future := waiting.pop(slug, None)) is not None:
                try:
                    found = await anyio.to_thread.run_sync(self._read, slug)
                except Exception as error:
                    future.set_exception(error)
                else:
                    future.set_result(found)
        finally:
            del readers[slug]


class AnonymousResponses:
    def __init__(
        self,
        app: ASGIApp,
        *,
        revision_of: Callable[[str], Hashable | None],
        entries: int = 1024,
        max_bytes: int = 64 * 1024 * 1024,
    ) -> None:
        """`revision_of(slug)`: the public draft's revision key now (None: no such public
        draft, never served from here)."""
        self.app = app
        self.fresh = FreshReads(revision_of)
        self._entries = entries
        self._max_bytes = max_bytes
        self._bytes = 0
        self._kept: OrderedDict[Hashable, Stored] = OrderedDict()
        self._lock = Lock()
        self._rendering: dict[Hashable, asyncio.Event] = {}  # in this event loop, by key

    def clear(self) -> None:
        with self._lock:
            self._kept.clear()
            self._bytes = 0

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] not in ("GET", "HEAD"):
            await self.app(scope, receive, send)
            return
        match = _DRAFT_PATH.match(scope["path"])
        headers = Headers(scope=scope)
        if match is None or "authorization" in headers or SESSION_COOKIE in cookies(scope):
            await self.app(scope, receive, send)
            return
        slug = match.group(1)
        key = (
            slug,
            _language(scope),
            "gzip" in headers.get("accept-encoding", ""),
            scope["method"],
            scope["path"],
            scope.get("query_string", b""),
        )
        # Read before rendering: a change committed meanwhile makes what is kept under this
        # (older) revision unreachable, never the other way round.
        revision = await self.fresh.revision(slug)
        if revision is None:
            await self.app(scope, receive, send)
            return
        found = self._current(key, revision)
        if found is None and (rendering := self._rendering.get(key)) is not None:
            # Fifty readers arriving on a new revision wait for the first one's page instead
            # of all rendering it at once.
            await rendering.wait()
            found = self._current(key, revision)
        if found is not None:
            await self._replay(found, headers, send)
            return
        done = self._rendering.setdefault(key, asyncio.Event())
        try:
            await self.app(scope, receive, self._keeping(key, revision, send))
        finally:
            done.set()
            if self._rendering.get(key) is done:
                del self._rendering[key]

    def _current(self, key: Hashable, revision: Hashable) -> Stored | None:
        with self._lock:
            found = self._kept.get(key)
            if found is None or found[0] != revision:
                return None
            self._kept.move_to_end(key)
            return found

    async def _replay(self, stored: Stored, request: Headers, send: Send) -> None:
        _revision, status, headers, body = stored
        etag = next((v for k, v in headers if k == b"etag"), b"").decode("latin-1")
        wanted = {tag.strip() for tag in request.get("if-none-match", "").split(",")}
        if etag and etag in wanted:
            # With the proxy's own expiry: a 304 without it made nginx hold a revalidated page as
            # uncacheable, and fifty readers queued behind its cache lock.
            kept = [(k, v) for k, v in headers if k in _REVALIDATION_HEADERS]
            await send({"type": "http.response.start", "status": 304, "headers": kept})
            await send({"type": "http.response.body", "body": b""})
            return
        await send({"type": "http.response.start", "status": status, "headers": headers})
        await send({"type": "http.response.body", "body": body})

    def _keeping(self, key: Hashable, revision: Hashable, send: Send) -> Send:
        started: list[Message] = []
        body: list[bytes] = []

        async def send_and_keep(message: Message) -> None:
            if message["type"] == "http.response.start" and shared(message):
                started.append(message)
            elif message["type"] == "http.response.body" and started:
                body.append(message.get("body", b""))
                if not message.get("more_body", False):
                    self._keep(key, revision, started[0], b"".join(body))
            await send(message)

        return send_and_keep

    def _keep(self, key: Hashable, revision: Hashable, start: Message, body: bytes) -> None:
        headers = [(k.lower(), v) for k, v in start["headers"]]
        with self._lock:
            previous = self._kept.pop(key, None)
            if previous is not None:
                self._bytes -= len(previous[3])
            self._kept[key] = (revision, start["status"], headers, body)
            self._bytes += len(body)
            while len(self._kept) > self._entries or self._bytes > self._max_bytes:
                _key, dropped = self._kept.popitem(last=False)
                self._bytes -= len(dropped[3])


def shared(start: Message) -> bool:
    """Whether a response, by its start, may be kept and served to any reader."""
    headers = Headers(raw=start["headers"])
    return (
        start["status"] == 200
        and "etag" in headers
        and headers.get("cache-control", "").startswith("public")
        and "set-cookie" not in headers
    )


def _language(scope: Scope) -> str:
    # Quechua and Aymara readers get Spanish pages with other summaries: kept apart.
    return i18n.choose_reading(cookies(scope).get(i18n.LANGUAGE_COOKIE))
