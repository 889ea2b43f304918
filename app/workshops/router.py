"""Workshops over HTTP: the API, the workshops page, a workshop's stance on an article, the
printable packet and the coverage page."""

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import HTMLResponse, Response

from app.consensus import rounds
from app.core.bounds import MAX_INT, parse_id
from app.core.db import SessionDep
from app.core.errors import DomainError, InvalidInput
from app.core.forms import refused
from app.core.http import see_other
from app.core.i18n import _
from app.core.pagination import PageParams, paginate, set_list_headers
from app.core.templating import render
from app.drafts import service as drafts
from app.drafts.deps import DraftDep, Revalidated
from app.drafts.models import Draft
from app.members.models import REGIONS
from app.members.permissions import Permission, can
from app.pages.article import render_article_page
from app.workshops import coverage, packet, service
from app.workshops.deps import Facilitator, RoundRunner
from app.workshops.models import Workshop
from app.workshops.schemas import WorkshopBody, WorkshopPublic

api = APIRouter(prefix="/api/v1", tags=["workshops"])
pages = APIRouter(include_in_schema=False)


def _public(workshop: Workshop) -> WorkshopPublic:
    assert workshop.id is not None
    return WorkshopPublic(
        id=workshop.id,
        title=workshop.title,
        region=workshop.region,
        place=workshop.place,
        held_on=workshop.held_on,
        participants=workshop.participants,
        label=service.public_label(workshop),
    )


@api.post("/drafts/{slug}/workshops", status_code=201)
def register(
    draft: DraftDep, body: WorkshopBody, secretariat: Facilitator, session: SessionDep
) -> WorkshopPublic:
    workshop = service.register_workshop(session, secretariat, draft, body.details())
    session.commit()
    return _public(workshop)


@api.get("/drafts/{slug}/workshops")
def list_workshops(
    request: Request, response: Response, paging: PageParams, draft: DraftDep, session: SessionDep
) -> list[WorkshopPublic]:
    page = paginate(session, service.workshops_of(draft), paging)
    set_list_headers(request, response, page)
    return [_public(w) for w in page.items]


# -- pages ---------------------------------------------------------------------------------


def _int(text: str, field: str) -> int:
    number = parse_id(text) if text.strip() not in ("", "0") else 0
    if number is None:
        raise InvalidInput(_("Count the participants: whole numbers, none below zero."),
                           field=field)  # fmt: skip
    return number


def _workshops_page(
    request: Request,
    draft: Draft,
    session: SessionDep,
    *,
    status: int = 200,
    form: dict[str, str] | None = None,
) -> HTMLResponse:
    workshops = service.list_workshops(session, draft)
    context = {
        "draft": draft,
        "workshops": workshops,
        "workshop_label": service.public_label,
        "clauses": drafts.load_outline(session, draft).clauses,
        "regions": REGIONS,
        "form": form,
    }
    return render(request, "workshops/list.html", context, status_code=status)


@pages.get("/drafts/{slug}/workshops", response_class=HTMLResponse, dependencies=[Revalidated])
def workshops_page(request: Request, draft: DraftDep, session: SessionDep) -> HTMLResponse:
    return _workshops_page(request, draft, session)


@pages.post("/drafts/{slug}/workshops", response_model=None)
def workshop_submit(
    request: Request,
    draft: DraftDep,
    secretariat: Facilitator,
    session: SessionDep,
    title: Annotated[str, Form()] = "",
    region: Annotated[str, Form(max_length=40)] = "",
    place: Annotated[str, Form()] = "",
    held_on: Annotated[str, Form(max_length=20)] = "",
    women: Annotated[str, Form(max_length=12)] = "0",
    men: Annotated[str, Form(max_length=12)] = "0",
    other: Annotated[str, Form(max_length=12)] = "0",
) -> Response:
    typed = {"title": title, "region": region, "place": place, "held_on": held_on,
             "women": women, "men": men, "other": other}  # fmt: skip
    try:
        try:
            day = date.fromisoformat(held_on)
        except ValueError:
            raise InvalidInput(_("Write the date, as on a calendar."), field="held_on") from None
        details = service.WorkshopDetails(
            title, region, day, _int(women, "participants"), _int(men, "participants"),
            _int(other, "participants"), place,
        )  # fmt: skip
        service.register_workshop(session, secretariat, draft, details)
    except DomainError as error:
        return refused(session, error, lambda e: _workshops_page(
            request, draft, session, status=e.status_code,
            form=typed | {"error": e.message, "field": str(e.details.get("field", ""))},
        ))  # fmt: skip
    session.commit()
    return see_other(str(request.app.url_path_for("workshops_page", slug=draft.slug)))


@pages.post("/drafts/{slug}/provisions/{uid}/workshop-stance", response_model=None)
def workshop_stance_submit(
    request: Request,
    draft: DraftDep,
    uid: str,
    secretariat: Facilitator,
    session: SessionDep,
    workshop: Annotated[str, Form(max_length=12)] = "",
    stance: Annotated[str, Form(max_length=30)] = "",
    note: Annotated[str, Form()] = "",
) -> Response:
    typed = {"workshop": workshop, "stance": stance, "note": note}
    entry = drafts.load_outline(session, draft).get(uid)
    try:
        service.record_stance(
            session, secretariat, draft, entry, service.chosen_workshop(workshop),
            stance=stance, note=note,
        )  # fmt: skip
    except DomainError as error:
        return refused(session, error, lambda e: render_article_page(
            request, draft, uid, session, status=e.status_code,
            stance_form=typed | {"error": e.message},
        ))  # fmt: skip
    session.commit()
    url = request.app.url_path_for("provision_page", slug=draft.slug, uid=uid)
    return see_other(f"{url}#workshop-stances")


@pages.get("/drafts/{slug}/packet", response_class=Response, dependencies=[Revalidated])
def packet_pdf(
    request: Request,
    draft: DraftDep,
    session: SessionDep,
    region: Annotated[str, Query(max_length=40)] = "",
    articles: Annotated[list[str] | None, Query(max_length=400)] = None,
) -> Response:
    """The workshop's printable packet (PDF): the articles chosen, or all of them."""
    if region and region not in REGIONS:
        raise InvalidInput(_("Choose a region from the list."), field="region")
    base: str = request.app.state.settings.base_url

    def page_url(uid: str) -> str:
        return base.rstrip("/") + str(
            request.app.url_path_for("provision_page", slug=draft.slug, uid=uid)
        )

    chosen = packet.packet_articles(session, draft, articles or [], page_url)
    pdf = packet.render_pdf(draft, region, chosen)
    name = f"taller-{draft.slug}{'-' + region.lower().replace(' ', '-') if region else ''}.pdf"
    return Response(
        pdf,
        media_type="application/pdf",
        headers={"Content-Disposition": f'inline; filename="{name}"'},
    )


def _coverage_page(
    request: Request,
    draft: Draft,
    session: SessionDep,
    *,
    round_id: int | None = None,
    status: int = 200,
    error: str = "",
) -> HTMLResponse:
    """Every article, or a round's articles as heard by its end (now, while it is open)."""
    round_ = rounds.get_round(session, draft, round_id) if round_id else None
    if round_ is None:
        clauses, until = drafts.load_outline(session, draft).clauses, None
    else:
        clauses = rounds.round_entries(session, draft, round_)
        until = None if rounds.round_is_open(round_) else rounds.round_end(round_)
    member = request.state.member
    secretariat = bool(member and can(member.role, Permission.RUN_ROUNDS))
    found = coverage.heard(session, draft, [e.id for e in clauses], until=until)
    context = {
        "draft": draft,
        "round": round_,
        "lines": [(e, found[e.id]) for e in clauses],
        "gaps": coverage.gaps(session, draft, clauses, until=until) if secretariat else [],
        "required": coverage.required_regions(session, draft),
        "mining_regions": coverage.MINING_REGIONS,
        "regions": REGIONS,
        "secretariat": secretariat,
        "error": error,
    }
    return render(request, "workshops/coverage.html", context, status_code=status)


@pages.get("/drafts/{slug}/coverage", response_class=HTMLResponse, dependencies=[Revalidated])
def coverage_page(
    request: Request,
    draft: DraftDep,
    session: SessionDep,
    round: Annotated[int | None, Query(ge=1, le=MAX_INT)] = None,
) -> HTMLResponse:
    return _coverage_page(request, draft, session, round_id=round)


@pages.post("/drafts/{slug}/coverage", response_model=None)
def coverage_rule_submit(
    request: Request,
    draft: DraftDep,
    secretariat: RoundRunner,
    session: SessionDep,
    regions: Annotated[list[str] | None, Form(max_length=40)] = None,
) -> Response:
    try:
        coverage.set_required_regions(session, secretariat, draft, regions or [])
    except DomainError as error:
        return refused(session, error, lambda e: _coverage_page(
            request, draft, session, status=e.status_code, error=e.message
        ))  # fmt: skip
    session.commit()
    return see_other(str(request.app.url_path_for("coverage_page", slug=draft.slug)))
