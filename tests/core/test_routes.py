"""Every route is reached at its own address: none is taken by a route matched before it
(create_app orders the routers by how often they are read, not by how their paths nest)."""

import re
from collections.abc import Iterator, Sequence

from fastapi import FastAPI
from starlette.routing import BaseRoute, Match, Mount


def _leaves(routes: Sequence[BaseRoute]) -> Iterator[BaseRoute]:
    for route in routes:
        included = getattr(route, "original_router", None)  # FastAPI's included router
        yield from _leaves(included.routes) if included is not None else [route]


def _first_match(routes: Sequence[BaseRoute], scope: dict[str, object]) -> BaseRoute | None:
    for route in routes:
        match, _child = route.matches(scope)
        if match is Match.FULL:
            included = getattr(route, "original_router", None)
            return _first_match(included.routes, scope) if included is not None else route
    return None


def test_no_route_is_taken_by_an_earlier_one(app: FastAPI) -> None:
    checked = []
    for route in _leaves(app.router.routes):
        path = getattr(route, "path", None)
        if path is None or isinstance(route, Mount):
            continue
        # A literal segment ("new") is what a route with a parameter before it would take.
        address = re.sub(r"\{[^}]+\}", "x1", path)
        for method in getattr(route, "methods", None) or {"GET"}:
            scope = {"type": "http", "path": address, "method": method, "root_path": ""}
            found = _first_match(app.router.routes, scope)
            checked.append((method, path, found is route, getattr(found, "path", None)))
    taken = [(method, path, by) for method, path, own, by in checked if not own]
    assert len(checked) > 150 and not taken
