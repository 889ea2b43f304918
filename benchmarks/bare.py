"""The yardstick for the load benchmark: a bare Starlette app serving one JSON body from memory
at the provision API's address, as fast as a Python web app can answer it."""

import os
from pathlib import Path

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route


def create_app() -> Starlette:
    body = Path(os.environ["MESA_BENCH_BODY"]).read_bytes()

    async def serve(request: Request) -> Response:
        return Response(body, media_type="application/json")

    async def healthz(request: Request) -> Response:
        return Response(b'{"status":"ok"}', media_type="application/json")

    return Starlette(
        routes=[Route("/healthz", healthz), Route("/api/v1/drafts/{slug}/provisions/{uid}", serve)]
    )
