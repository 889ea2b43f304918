"""A process works on a few reading requests at once, the others waiting their turn in order;
writes and slow downloads take no reader's turn (app/core/middleware.py)."""

from collections.abc import Awaitable, Callable
from concurrent.futures import ThreadPoolExecutor

import anyio
from starlette.types import Message, Receive, Scope, Send

from app.core.middleware import AdmissionMiddleware


class Recorder:
    """An ASGI app that notes how many requests it is working on, and the order they began."""

    def __init__(self) -> None:
        self.working = 0
        self.most = 0
        self.began: list[str] = []
        self.finish = anyio.Event()
        self.body_may_go = anyio.Event()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        self.working += 1
        self.most = max(self.most, self.working)
        self.began.append(scope["path"])
        if scope["path"] not in ("/write", "/drafts/ley/export"):
            await self.finish.wait()
        self.working -= 1
        await send({"type": "http.response.start", "status": 200, "headers": []})
        if scope["path"] == "/download":  # its body goes out after its turn is given back
            await self.body_may_go.wait()
        await send({"type": "http.response.body", "body": b"ok"})


async def request(app: AdmissionMiddleware, path: str, method: str = "GET") -> list[Message]:
    sent: list[Message] = []

    async def receive() -> Message:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: Message) -> None:
        sent.append(message)

    await app({"type": "http", "method": method, "path": path, "headers": []}, receive, send)
    return sent


def run_alone(test: Callable[[], Awaitable[None]]) -> None:
    """In an event loop of its own thread: the browser tests' Playwright keeps one running in
    the main thread."""
    with ThreadPoolExecutor(1) as thread:
        thread.submit(anyio.run, test).result()


def test_readers_are_worked_on_a_few_at_a_time_in_order_of_arrival() -> None:
    run_alone(readers_in_order)


def test_a_slow_download_gives_its_turn_back_when_its_response_starts() -> None:
    run_alone(slow_download)


async def readers_in_order() -> None:
    inner = Recorder()
    app = AdmissionMiddleware(inner, documents=("/export",), limit=2)
    async with anyio.create_task_group() as group:
        for n in range(6):
            group.start_soon(request, app, f"/read/{n}")
            await anyio.sleep(0.01)  # they arrive one after another
        assert inner.began == ["/read/0", "/read/1"]  # the others wait their turn
        # A write is not held back by readers, nor a document rendered while someone waits.
        assert (await request(app, "/write", "POST"))[-1]["body"] == b"ok"
        assert (await request(app, "/drafts/ley/export"))[-1]["body"] == b"ok"
        inner.finish.set()
    assert inner.most == 3  # two readers and the write
    assert inner.began[2:4] == ["/write", "/drafts/ley/export"]
    assert inner.began[4:] == ["/read/2", "/read/3", "/read/4", "/read/5"]


async def slow_download() -> None:
    inner = Recorder()
    inner.finish.set()
    app = AdmissionMiddleware(inner, limit=1)
    async with anyio.create_task_group() as group:
        group.start_soon(request, app, "/download")
        await anyio.sleep(0.01)
        with anyio.fail_after(2):
            answer = await request(app, "/read")  # served while the download still goes out
        assert answer[-1]["body"] == b"ok"
        inner.body_may_go.set()
