"""The secretariat's decisions and a member's position, in the browser."""

import re
from pathlib import Path

from playwright.sync_api import Page, expect
from sqlalchemy import Engine

from app.amendments import service as amendments
from app.consensus import positions
from app.core.db import write_session
from app.drafts import editing
from app.drafts import service as drafts
from app.members.service import get_member_by_email
from tests.browser.conftest import People, sign_in
from tests.factories import entry_of

ARTICLE_3 = (
    "Para efectos de la presente Ley, conforme al artículo 1, se entiende por minero artesanal "
    "a quien trabaja en forma personal."
)


def propose_three(engine: Engine) -> list[int]:
    """Three members' proposals on Artículo 3, two of them on the same words."""
    with write_session(engine) as session:
        draft = drafts.get_draft(session, "ley-de-prueba")
        author = get_member_by_email(session, People.member)
        uid = entry_of(session, draft, "Artículo 3.").uid
        ids = [
            amendments.submit_amendment(
                session,
                author,
                draft,
                kind="modify",
                target_uid=uid,
                rationale=rationale,
                base_version=1,
                text=ARTICLE_3.replace("en forma personal", replacement),
            ).id
            for replacement, rationale in [
                ("en forma personal o familiar", "Incluir a la familia"),
                ("en forma personal o asociada", "Incluir a las asociaciones"),
                ("sin maquinaria pesada", "Otro criterio"),
            ]
        ]
        session.commit()
    return [i for i in ids if i is not None]


def test_the_secretariat_accepts_merges_a_conflict_and_rejects(
    page: Page, live_engine: Engine
) -> None:
    first, second, third = propose_three(live_engine)
    sign_in(page, People.secretariat)
    page.goto("/drafts/ley-de-prueba/queue")
    expect(page.locator(f"#clause-{uid_of(live_engine, 'Artículo 3.')}")).to_contain_text(
        "Compite con"
    )

    page.goto(f"/amendments/{first}")
    page.get_by_label(re.compile("^Motivo de la decisión")).fill("Amplía el alcance con criterio")
    page.get_by_role("button", name="Acoger", exact=True).click()
    expect(page.get_by_role("status")).to_contain_text(f"#{first}")

    page.goto(f"/amendments/{second}")
    expect(page.locator("body")).to_contain_text("Texto de base")
    page.get_by_label("Texto integrado").fill(
        ARTICLE_3.replace("en forma personal", "en forma personal, familiar o asociada")
    )
    page.get_by_label(f"#{first}").check()
    page.get_by_label(re.compile("^Motivo de la decisión")).fill("Se integran ambas propuestas")
    page.get_by_role("button", name="Acoger con el texto integrado").click()
    page.goto(f"/amendments/{second}")
    expect(page.locator("body")).to_contain_text("Acogida parcialmente")

    page.goto(f"/amendments/{third}")
    page.get_by_label(re.compile("^Motivo para no acogerla")).fill("Criterio ajeno a la Ley")
    page.get_by_role("button", name="No acoger").click()
    # Back in the queue, told what was done; the amendment says why.
    expect(page.get_by_role("status").first).to_contain_text(f"#{third} no fue acogida")
    page.goto(f"/amendments/{third}")
    expect(page.locator("body")).to_contain_text("No acogida")


def uid_of(engine: Engine, label: str) -> str:
    with write_session(engine) as session:
        return entry_of(session, drafts.get_draft(session, "ley-de-prueba"), label).uid


def test_a_position_goes_stale_and_is_confirmed_in_one_click(
    page: Page, live_engine: Engine
) -> None:
    sign_in(page, People.member)
    uid = uid_of(live_engine, "Artículo 4.")
    page.goto(f"/drafts/ley-de-prueba/provisions/{uid}")
    page.get_by_label("A favor", exact=True).check()
    page.get_by_role("button", name="Registrar mi posición").click()
    page.wait_for_url("**#position")  # the position is recorded and the page shown again
    page.wait_for_load_state()
    with write_session(live_engine) as session:  # meanwhile the secretariat corrects the text
        draft = drafts.get_draft(session, "ley-de-prueba")
        entry = entry_of(session, draft, "Artículo 4.")
        secretariat = get_member_by_email(session, People.secretariat)
        editing.revise(
            session,
            secretariat,
            draft,
            uid=uid,
            expected_version=entry.version,
            text="El registro es público, gratuito y en línea.",
            heading=None,
            reason="Precisión",
        )
        session.commit()
    page.goto(f"/drafts/ley-de-prueba/provisions/{uid}")  # coming back to the article
    stale = page.locator("#position .stale[role=status]")
    expect(stale).to_contain_text("El texto cambió desde entonces")
    stale.get_by_role("button").click()
    expect(page.locator("#position .stale[role=status]")).to_have_count(0)
    with write_session(live_engine) as session:
        member = get_member_by_email(session, People.member)
        entry = entry_of(session, drafts.get_draft(session, "ley-de-prueba"), "Artículo 4.")
        assert positions.my_position(session, member, entry).version == entry.version  # type: ignore[union-attr]


def test_the_consensus_map_leads_to_its_clause(page: Page) -> None:
    page.goto("/drafts/ley-de-prueba/consensus")
    cell = page.locator(".consensus-map").get_by_role("link", name=re.compile(r"^Artículo 1\. "))
    expect(cell).to_contain_text("–")  # no position yet: its letter, not only its colour
    cell.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Artículo 1. Objeto de la Ley")


def test_the_secretariat_downloads_an_export(page: Page) -> None:
    sign_in(page, People.secretariat)
    page.goto("/drafts/ley-de-prueba")
    page.get_by_role("link", name="Exportar").click()
    page.get_by_label("Formato").select_option("md")
    with page.expect_download() as download:
        page.get_by_role("button", name="Descargar").click()
    assert download.value.suggested_filename == "ley-de-prueba.md"
    text = Path(download.value.path()).read_text(encoding="utf-8")
    assert text.startswith("---\nslug: ley-de-prueba\ntitle: Ley de prueba\naudit_head: ")
    page.reload()  # the download is in the record, with its size and hash
    latest = page.locator("ul.record li").first
    expect(latest).to_contain_text("Lucía Quispe")
    expect(latest.locator("code.hash")).to_have_text(re.compile(r"^[0-9a-f]{64}$"))
