"""`make screenshots`: the main pages at phone and desktop widths, for the README.

Starts Mesa on a throw-away database with the shipped draft, the demo accounts and a little
activity, and photographs it in Debian's Chromium. The pictures go to static/screenshots/.
"""

import random
import sys
import tempfile
import threading
import time
from pathlib import Path

import uvicorn
from playwright.sync_api import sync_playwright
from sqlmodel import select

from app.amendments import service as amendments
from app.comments import service as comments
from app.consensus import positions
from app.core import migrate
from app.core.config import ROOT, Settings
from app.core.db import create_db_engine, write_session
from app.drafts import service as drafts
from app.main import create_app
from app.members import demo
from app.members.models import Member
from app.members.permissions import VOTING_ROLES
from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS, free_port

OUT = ROOT / "static" / "screenshots"
WIDTHS = {"phone": (360, 780), "desktop": (1280, 900)}


def prepare(url: str) -> str:
    """The shipped draft with positions, a comment and an amendment; returns an article's uid."""
    migrate.upgrade(url)
    engine = create_db_engine(url)
    rng = random.Random(8)
    with write_session(engine) as session:
        draft = drafts.import_file(session, ROOT / "drafts" / "mineria-artesanal.md")
        demo.create_demo_accounts(session)
        people = [m for m in session.exec(select(Member)).all() if m.role in VOTING_ROLES]
        outline = drafts.load_outline(session, draft)
        for entry in outline.clauses[:30]:
            for person in people:
                stance = rng.choice(["support"] * 5 + ["support_with_reservations", "object"])
                reason = None if stance == "support" else "Requiere precisar los plazos."
                positions.record_position(
                    session, person, draft, entry, stance=stance, reason=reason, version=1
                )
        article = next(e for e in outline.clauses if e.label.text == "Artículo 10.")
        text = drafts.current_version(session, article).text
        author = next(p for p in people if p.sector == "miners_organization")
        comments.add_comment(
            session,
            author,
            draft,
            article,
            body="Doce meses no alcanzan en zonas donde la DREM tarda en responder.",
            quote=text.split("\n")[1],
        )
        first = amendments.submit_amendment(
            session,
            author,
            draft,
            kind="modify",
            target_uid=article.uid,
            rationale="El plazo debe suspenderse mientras la autoridad no resuelva.",
            base_version=1,
            text=text.replace("por única vez", "hasta por dos veces"),
        )
        # Another organization wants the same words otherwise, and more: once the first is
        # accepted, the second is a conflict for the secretariat (the conflict view).
        other = next(p for p in people if p.role == "member" and p.sector != "miners_organization")
        amendments.submit_amendment(
            session,
            other,
            draft,
            kind="modify",
            target_uid=article.uid,
            rationale="Una sola prórroga basta si se fija un plazo para la autoridad.",
            base_version=1,
            text=text.replace("por única vez", "por una sola vez").replace(
                "doce (12) meses", "seis (6) meses"
            ),
        )
        secretariat = session.exec(select(Member).where(Member.role == "secretariat")).first()
        assert secretariat is not None
        amendments.accept(
            session, secretariat, draft, first, expected_version=1, reason="Acuerdo en sesión"
        )
        session.commit()
        return article.uid


def main() -> int:
    if CHROMIUM is None:
        print("Chromium is needed: apt-get install chromium", file=sys.stderr)
        return 1
    folder = Path(tempfile.mkdtemp(prefix="mesa-screens-"))
    url = f"sqlite:///{folder / 'mesa.db'}"
    uid = prepare(url)
    port = free_port()
    app = create_app(Settings(database_url=url), engine=create_db_engine(url))
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    threading.Thread(target=server.run, daemon=True).start()
    while not server.started:
        time.sleep(0.05)
    pages = {
        "contents": "/drafts/mineria-artesanal",
        "article": f"/drafts/mineria-artesanal/provisions/{uid}",
        "consensus": "/drafts/mineria-artesanal/consensus",
        "record": "/registro",
        "amendment": "/amendments/1",
    }
    # The secretariat's pages: signed in.
    secretariat_pages = {
        "queue": "/drafts/mineria-artesanal/queue",
        "conflict": "/amendments/2",
    }
    OUT.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        for device, (width, height) in WIDTHS.items():
            context = browser.new_context(
                base_url=f"http://127.0.0.1:{port}", viewport={"width": width, "height": height}
            )
            page = context.new_page()
            for name, path in pages.items():
                page.goto(path)
                page.screenshot(path=str(OUT / f"{name}-{device}.png"))
                print(f"static/screenshots/{name}-{device}.png")
            page.goto("/sign-in")
            page.get_by_label("Correo electrónico").fill("secretaria@mesa.example")
            page.get_by_label("Contraseña").fill(demo.DEMO_PASSWORD)
            page.get_by_role("button", name="Iniciar sesión").click()
            page.wait_for_load_state()
            for name, path in secretariat_pages.items():
                page.goto(path)
                page.screenshot(path=str(OUT / f"{name}-{device}.png"), full_page=True)
                print(f"static/screenshots/{name}-{device}.png")
            context.close()
        browser.close()
    server.should_exit = True
    return 0


if __name__ == "__main__":
    sys.exit(main())
