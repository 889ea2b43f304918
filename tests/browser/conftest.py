"""Browser tests: Debian's Chromium driven by Playwright against a live Mesa on 127.0.0.1.

Outside CI they are skipped, saying why, when no Chromium is installed; in CI they must run.
"""

import os
import shutil
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import uvicorn
from playwright.sync_api import Browser, BrowserContext, Page, sync_playwright
from sqlalchemy import Engine

from app.core import migrate
from app.core.config import Settings
from app.core.db import create_db_engine, write_session
from app.main import create_app
from tests.factories import PASSWORD, make_draft, make_member

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
AXE = Path(__file__).parent / "node_modules" / "axe-core" / "axe.min.js"
# Chromium's own calls home fail on this closed network; they are not Mesa's requests.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]

if CHROMIUM is None:
    if os.environ.get("CI"):
        raise RuntimeError("Chromium is missing: .ci/run must install Debian's chromium package")
    pytest.skip(
        "no Chromium here: install Debian's chromium to run the browser tests",
        allow_module_level=True,
    )


if not AXE.exists() and os.environ.get("CI"):
    raise RuntimeError("axe-core is missing: make installs it with npm ci in tests/browser")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class People:
    """The accounts the journeys use, one for each role, each with the demo password."""

    observer = "observadora@mesa.example"
    member = "integrante@mesa.example"
    secretariat = "secretaria@mesa.example"
    admin = "administrador@mesa.example"
    password = PASSWORD


@pytest.fixture(scope="session")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Engine]]:
    """A real Mesa server with a migrated database, the test law and two accounts; the engine
    lets a test prepare what another person did meanwhile."""
    url = f"sqlite:///{tmp_path_factory.mktemp('browser') / 'mesa.db'}"
    migrate.upgrade(url)
    engine = create_db_engine(url)
    with write_session(engine) as session:
        make_draft(session)
        make_member(session, email=People.member, name="Juana Mamani", sector="miners_organization")
        make_member(session, role="secretariat", email=People.secretariat, name="Lucía Quispe")
        make_member(session, role="observer", email=People.observer, name="Rosa Condori")
        make_member(session, role="admin", email=People.admin, name="Carlos Huamán")
    port = free_port()
    config = uvicorn.Config(
        create_app(Settings(database_url=url), engine=engine),
        host="127.0.0.1",
        port=port,
        log_level="warning",
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 15
    while not server.started:
        if time.monotonic() > deadline:
            raise RuntimeError("the Mesa test server did not start")
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}", engine
    server.should_exit = True
    thread.join(10)
    engine.dispose()


@pytest.fixture(scope="session")
def live_url(live_server: tuple[str, Engine]) -> str:
    return live_server[0]


@pytest.fixture(scope="session")
def live_engine(live_server: tuple[str, Engine]) -> Engine:
    return live_server[1]


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


def new_context(browser: Browser, live_url: str, **options: object) -> BrowserContext:
    return browser.new_context(base_url=live_url, locale="es-PE", **options)  # type: ignore[arg-type]


@pytest.fixture
def page(browser: Browser, live_url: str) -> Iterator[Page]:
    context = new_context(browser, live_url)
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def page_without_js(browser: Browser, live_url: str) -> Iterator[Page]:
    context = new_context(browser, live_url, java_script_enabled=False)
    page = context.new_page()
    yield page
    context.close()


def sign_in(page: Page, email: str) -> None:
    page.goto("/sign-in")
    page.get_by_label("Correo electrónico").fill(email)
    page.get_by_label("Contraseña").fill(People.password)
    page.get_by_role("button", name="Iniciar sesión").click()
    page.wait_for_load_state()


def serious_violations(page: Page) -> list[str]:
    """What axe-core finds serious or critical on the page, as "rule: where" lines."""
    page.add_script_tag(path=str(AXE))
    found: list[str] = page.evaluate(
        """async () => (await axe.run(document)).violations
            .filter(v => v.impact === "serious" || v.impact === "critical")
            .map(v => v.id + ": " + v.nodes.map(n => n.target.join(" ")).join(", "))"""
    )
    return found
