"""Every main page, for every role, at a phone's width and a desk's: no sideways scroll, and
nothing axe-core calls serious or critical."""

import re
from datetime import timedelta

import pytest
from playwright.sync_api import Browser, Page, expect
from sqlalchemy import Engine

from app.amendments import service as amendments
from app.comments import service as comments
from app.consensus import positions, rounds
from app.core.db import write_session
from app.core.models import utcnow
from app.drafts import service as drafts
from app.drafts import snapshots
from app.meetings import service as meetings
from app.members.service import get_member_by_email
from app.summaries import service as summaries
from app.workshops import service as workshops
from tests.browser.conftest import AXE, People, new_context, serious_violations, sign_in
from tests.factories import entry_of

WIDTHS = (360, 1280)
ROLES = [None, People.observer, People.member, People.secretariat, People.admin]


@pytest.fixture(scope="module")
def every_page(live_engine: Engine) -> dict[str, str]:
    """A little of everything (a comment, a position, an amendment, a snapshot, a round), and
    the path of each main page, by name."""
    with write_session(live_engine) as session:
        draft = drafts.get_draft(session, "ley-de-prueba")
        member = get_member_by_email(session, People.member)
        secretariat = get_member_by_email(session, People.secretariat)
        assert member and secretariat
        article = entry_of(session, draft, "Artículo 2.")
        target = entry_of(session, draft, "Artículo 4.")
        comments.add_comment(session, member, draft, article, body="Una duda sobre el ámbito.")
        positions.record_position(
            session, member, draft, article, stance="support", reason=None, version=1
        )
        amendment = amendments.submit_amendment(
            session,
            member,
            draft,
            kind="modify",
            target_uid=target.uid,
            rationale="Que el registro sea gratuito además de público.",
            base_version=1,
            text="El registro es público y gratuito.",
        )
        snapshot = snapshots.freeze_snapshot(session, secretariat, draft, "Borrador 2")
        deadline = utcnow() + timedelta(days=7)
        round_ = rounds.open_round(
            session, secretariat, draft, "Primera ronda", deadline, [article.uid]
        )
        # A workshop, what was said there, its stance and a summary: every new part of the page.
        workshop = workshops.register_workshop(
            session,
            secretariat,
            draft,
            workshops.WorkshopDetails(
                "Taller de Juliaca", "Puno", deadline.date() - timedelta(days=8), 9, 5
            ),
        )
        assert workshop.id is not None
        comments.add_comment(
            session, secretariat, draft, article, body="Más plazo.",
            receipt=workshops.workshop_receipt(session, secretariat, draft, workshop.id),
        )  # fmt: skip
        workshops.record_stance(
            session, secretariat, draft, article, workshop.id, stance="object", note="Falta plazo."
        )
        summaries.write_summary(
            session, secretariat, draft, article, language="es", text="Dónde se aplica la ley."
        )
        meeting = meetings.convene(
            session,
            secretariat,
            draft,
            title="Sesión ordinaria",
            starts_at=deadline,
            place="Sala 3, MINEM",
        )
        meetings.set_agenda(session, secretariat, meeting, [meetings.Ref(amendment=amendment.id)])
        meetings.set_attendance(session, secretariat, meeting, [member.id or 0])
        session.commit()
        draft_path = "/drafts/ley-de-prueba"
        article_path = f"{draft_path}/provisions/{article.uid}"
        return {
            "drafts": "/",
            "contents": draft_path,
            "article": article_path,
            "history": f"{article_path}/history",
            "propose": f"{article_path}/amend",
            "edit": f"{article_path}/edit",
            "amendments": f"{draft_path}/amendments",
            "amendment": f"/amendments/{amendment.id}",
            "queue": f"{draft_path}/queue",
            "consensus": f"{draft_path}/consensus",
            "participation": f"{draft_path}/participation",
            "workshops": f"{draft_path}/workshops",
            "coverage": f"{draft_path}/coverage",
            "round": f"{draft_path}/rounds/{round_.id}",
            "snapshots": f"{draft_path}/snapshots",
            "sessions": f"{draft_path}/sessions",
            "session": f"/sessions/{meeting.id}",
            "snapshot": f"{draft_path}/snapshots/{snapshot.id}",
            "motives": f"{draft_path}/motives",
            "export": f"{draft_path}/export",
            "record": "/registro",
            "contributions": "/me/contributions",
            "news": "/me/notifications",
            "mail": "/admin/mail",
            "account": "/account",
            "members": "/members",
            "sign-in": "/sign-in",
            "search": "/search?q=registro&draft=ley-de-prueba",
        }


# What each role must reach (the rest may be refused to it): so a walk that was turned away
# everywhere cannot pass.
MUST_SEE = {
    None: {
        "drafts",
        "contents",
        "article",
        "consensus",
        "record",
        "sign-in",
        "search",
        "workshops",
        "coverage",
    },
    People.observer: {"article", "history", "record", "account", "contributions"},
    People.member: {"article", "propose", "amendment", "contributions", "account", "news"},
    People.secretariat: {
        "edit",
        "queue",
        "export",
        "snapshot",
        "round",
        "record",
        "workshops",
        "coverage",
        "session",
    },
    People.admin: {"members", "queue", "export", "record", "account", "mail"},
}


def walk(page: Page, paths: dict[str, str], check: bool) -> tuple[set[str], list[str]]:
    """Each page this person may open at both widths: the pages seen, and what was wrong."""
    seen, wrong = set(), []
    for name, path in paths.items():
        page.set_viewport_size({"width": WIDTHS[-1], "height": 900})
        response = page.goto(path)
        assert response is not None
        if response.status in (401, 403) or ("/sign-in?" in page.url and name != "sign-in"):
            continue
        assert response.status == 200, f"{name} answered {response.status}"
        seen.add(name)
        for width in WIDTHS:
            page.set_viewport_size({"width": width, "height": 800})
            scroll = page.evaluate("document.documentElement.scrollWidth")
            if scroll > width:
                wrong.append(f"{name} is {scroll}px wide at {width}px")
        if check:
            wrong.extend(f"{name}: {violation}" for violation in serious_violations(page))
    return seen, wrong


@pytest.mark.parametrize("who", ROLES, ids=lambda who: who or "anonymous")
def test_every_page_fits_the_width_and_passes_axe(
    browser: Browser, live_url: str, every_page: dict[str, str], who: str | None
) -> None:
    """Signed in too: the passage <select> of the comment form once stretched the article page to
    815 px, the members table to 780 px. The tests inject axe-core, hence bypass_csp."""
    context = new_context(browser, live_url, bypass_csp=True)
    page = context.new_page()
    if who:
        sign_in(page, who)
    seen, wrong = walk(page, every_page, check=AXE.exists())
    context.close()
    assert MUST_SEE[who] <= seen, f"not reached: {MUST_SEE[who] - seen}"
    assert wrong == []


def test_the_record_speaks_in_words_and_leads_to_the_object(
    page: Page, every_page: dict[str, str]
) -> None:
    page.goto(every_page["record"])
    frozen = page.locator("ol.record li").filter(has_text="congeló la instantánea")
    expect(frozen.first.locator("p.said")).to_have_text(
        "Lucía Quispe congeló la instantánea «Borrador 2»"
    )
    frozen.first.get_by_role("link", name="«Borrador 2»").click()
    expect(page).to_have_url(re.compile(re.escape(every_page["snapshot"]) + "$"))
    page.goto(every_page["record"])
    page.get_by_label("Tipo de evento").select_option(label="Enmiendas y decisiones")
    page.get_by_role("button", name="Filtrar").click()
    expect(page.locator("ol.record p.said").first).to_contain_text("propuso la enmienda")
    expect(page.locator("ol.record")).not_to_contain_text("congeló")


@pytest.mark.parametrize("name", ["article", "consensus", "amendments", "snapshot", "round"])
def test_every_draft_page_leads_back_to_the_draft_and_to_the_secretariats_work(
    page: Page, every_page: dict[str, str], name: str
) -> None:
    sign_in(page, People.secretariat)
    page.goto(every_page[name])
    crumbs = page.get_by_role("navigation", name="Ruta de navegación")
    expect(crumbs.get_by_role("link", name="Ley de prueba")).to_have_attribute(
        "href", every_page["contents"]
    )
    expect(crumbs.get_by_role("link", name="Cola de decisiones")).to_be_visible()
    expect(crumbs.get_by_role("link", name="Exportar")).to_be_visible()


def test_on_a_phone_comentar_reaches_the_comment_form(
    browser: Browser, live_url: str, every_page: dict[str, str]
) -> None:
    context = new_context(browser, live_url, viewport={"width": 360, "height": 740})
    page = context.new_page()
    sign_in(page, People.member)
    page.goto(every_page["article"])
    jump = page.get_by_role("link", name="Comentar", exact=True)
    assert (jump.bounding_box() or {"y": 9999})["y"] < 740  # on the first screen
    jump.click()
    expect(page.get_by_label("Su comentario")).to_be_in_viewport()
    context.close()
