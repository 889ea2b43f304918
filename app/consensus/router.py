"""Consensus over HTTP: positions, the map, the matrix, rounds and participation."""

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, Response
from pydantic import BaseModel

from app.consensus import chart, positions, reports, rounds, rules, service
from app.consensus.deps import RoundRunner, Voter
from app.core.bounds import MAX_INT, Id, IdPath
from app.core.db import SessionDep
from app.core.errors import DomainError, InvalidInput
from app.core.escaping import csv_text
from app.core.forms import refused
from app.core.http import see_other
from app.core.i18n import _, in_peru
from app.core.pagination import Page, PageParams, set_list_headers
from app.core.templating import render
from app.drafts import service as drafts
from app.drafts.deps import DraftDep, Revalidated
from app.drafts.models import Draft
from app.drafts.numbering import CLAUSE_KINDS
from app.members.permissions import Permission, can
from app.pages.article import render_article_page
from app.workshops import coverage

api = APIRouter(prefix="/api/v1", tags=["consensus"])
pages = APIRouter(include_in_schema=False)


class PositionBody(BaseModel):
    stance: str
    reason: str | None = None
    version: Id


class ClauseConsensus(BaseModel):
    uid: str
    label: str
    status: str
    explanation: str
    counts: dict[str, int]


@api.put("/drafts/{slug}/provisions/{uid}/position")
def put_position(
    draft: DraftDep, uid: str, body: PositionBody, member: Voter, session: SessionDep
) -> dict[str, Any]:
    entry = drafts.load_outline(session, draft).get(uid)
    position = positions.record_position(
        session, member, draft, entry, stance=body.stance, reason=body.reason, version=body.version
    )
    session.commit()
    return {"stance": position.stance, "version": position.version, "reason": position.reason}


def _consensus_rows(session: SessionDep, draft: Draft) -> list[tuple[Any, rules.Outcome]]:
    outline = drafts.load_outline(session, draft)
    decided = reports.outcomes(session, draft, outline)
    return [(entry, decided[entry.id]) for entry in outline.clauses]


@api.get("/drafts/{slug}/consensus", dependencies=[Revalidated])
def consensus(
    request: Request, response: Response, paging: PageParams, draft: DraftDep, session: SessionDep
) -> list[ClauseConsensus]:
    page = Page.of(_consensus_rows(session, draft), paging)
    set_list_headers(request, response, page)
    return [
        ClauseConsensus(
            uid=entry.uid,
            label=entry.label.text,
            status=outcome.status,
            explanation=rules.explain(outcome),
            counts=dict(outcome.counts),
        )
        for entry, outcome in page.items
    ]


def _article_url(request: Request, draft: Draft, uid: str, anchor: str = "position") -> str:
    return f"{request.app.url_path_for('provision_page', slug=draft.slug, uid=uid)}#{anchor}"


@pages.post("/drafts/{slug}/provisions/{uid}/position", response_model=None)
def position_submit(
    request: Request,
    draft: DraftDep,
    uid: str,
    member: Voter,
    session: SessionDep,
    stance: Annotated[str, Form()] = "",
    version: Annotated[int, Form(ge=0, le=MAX_INT)] = 0,
    reason: Annotated[str, Form()] = "",
) -> Response:
    entry = drafts.load_outline(session, draft).get(uid)
    try:
        positions.record_position(
            session, member, draft, entry, stance=stance, reason=reason, version=version
        )
    except DomainError as error:
        return refused(session, error, lambda e: render_article_page(
            request, draft, uid, session, status=e.status_code,
            position_form={"stance": stance, "reason": reason, "error": e.message},
        ))  # fmt: skip
    session.commit()
    return see_other(_article_url(request, draft, uid))


@pages.post("/drafts/{slug}/provisions/{uid}/position/confirm")
def position_confirm(
    request: Request, draft: DraftDep, uid: str, member: Voter, session: SessionDep
) -> Response:
    entry = drafts.load_outline(session, draft).get(uid)
    try:
        positions.confirm_position(session, member, draft, entry)
    except DomainError as error:
        return refused(session, error, lambda e: render_article_page(
            request, draft, uid, session, status=e.status_code,
            position_form={"stance": "", "reason": "", "error": e.message},
        ))  # fmt: skip
    session.commit()
    return see_other(_article_url(request, draft, uid))


def _map(session: SessionDep, draft: Draft) -> tuple[chart.Layout, list[tuple[Any, rules.Outcome]]]:
    outline = drafts.load_outline(session, draft)
    decided = reports.outcomes(session, draft, outline)
    groups: list[tuple[str, list[tuple[str, str, str, str]]]] = []
    for root in outline.roots:
        if root.kind in CLAUSE_KINDS:
            clauses = [root]
        else:
            clauses = [e for e in outline.entries if e.is_clause and _under(e, root)]
        title = f"{root.label.text} {root.heading}".strip()
        groups.append(
            (title, [(e.uid, e.label.text, e.heading, decided[e.id].status) for e in clauses])
        )
    rows = [(entry, decided[entry.id]) for entry in outline.clauses]
    return chart.layout(groups), rows


def _under(entry: Any, root: Any) -> bool:
    while entry.parent is not None:
        entry = entry.parent
    return entry is root


@pages.get("/drafts/{slug}/consensus", response_class=HTMLResponse, dependencies=[Revalidated])
def consensus_page(request: Request, draft: DraftDep, session: SessionDep) -> HTMLResponse:
    return _consensus_page(request, draft, session)


def _consensus_page(
    request: Request,
    draft: Draft,
    session: SessionDep,
    *,
    status: int = 200,
    round_form: dict[str, Any] | None = None,
    rule_form: dict[str, Any] | None = None,
) -> HTMLResponse:
    layout, rows = _map(session, draft)
    sectors = sorted(reports.electorate(session).sectors)
    matrix = reports.sector_matrix(session, draft, [entry for entry, _o in rows], sectors)
    context = {
        "draft": draft,
        "layout": layout,
        "rows": rows,
        "sectors": sectors,
        "matrix": matrix,
        "stances": list(rules.Stance),
        "rule": service.get_rule(session, draft),
        "rounds": rounds.list_rounds(session, draft),
        "explain": rules.explain,
        "round_form": round_form or {"title": "", "deadline": "", "clauses": [], "error": ""},
        # A refused rule: what was typed and the problem; else the form shows the rule in force.
        "rule_form": rule_form,
    }
    return render(request, "consensus/overview.html", context, status_code=status)


@pages.get("/drafts/{slug}/consensus.svg", dependencies=[Revalidated])
def consensus_svg(request: Request, draft: DraftDep, session: SessionDep) -> Response:
    layout, _rows = _map(session, draft)
    page = render(request, "consensus/_map.svg", {"draft": draft, "layout": layout})
    return Response(page.body, media_type="image/svg+xml")


@pages.get("/drafts/{slug}/consensus.csv")
def consensus_csv(draft: DraftDep, session: SessionDep) -> Response:
    rows = _consensus_rows(session, draft)
    sectors = sorted(reports.electorate(session).sectors)
    matrix = reports.sector_matrix(session, draft, [entry for entry, _o in rows], sectors)
    header = ["uid", "label", "heading", "status", *sectors]
    body = [
        [entry.uid, entry.label.text, entry.heading, outcome.status]
        + [matrix[entry.id][s].summary for s in sectors]
        for entry, outcome in rows
    ]
    return Response(
        csv_text([header, *body]),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="consenso-{draft.slug}.csv"'},
    )


@pages.post("/drafts/{slug}/consensus/rule")
def rule_submit(
    request: Request,
    draft: DraftDep,
    member: RoundRunner,
    session: SessionDep,
    quorum: Annotated[int, Form(ge=0, le=MAX_INT)] = 50,
    broad_support_share: Annotated[int, Form(ge=0, le=MAX_INT)] = 75,
    require_sector_coverage: Annotated[bool, Form()] = False,
    requires_rounds: Annotated[bool, Form()] = False,
) -> Response:
    try:
        try:
            rule = rules.Rule(
                quorum / 100, require_sector_coverage, broad_support_share / 100, requires_rounds
            )
        except ValueError:
            raise InvalidInput(
                _("The quorum must be between 1 and 100 % and the share for broad support "
                  "between 50 and 100 %.")
            ) from None  # fmt: skip
        service.set_rule(session, member, draft, rule)
    except DomainError as error:
        typed = {
            "quorum": quorum,
            "broad_support_share": broad_support_share,
            "require_sector_coverage": require_sector_coverage,
            "requires_rounds": requires_rounds,
            "error": error.message,
        }
        return refused(session, error, lambda e: _consensus_page(
            request, draft, session, status=e.status_code, rule_form=typed
        ))  # fmt: skip
    session.commit()
    return see_other(request.app.url_path_for("consensus_page", slug=draft.slug) + "#rule")


@pages.get("/drafts/{slug}/participation", response_class=HTMLResponse, dependencies=[Revalidated])
def participation_page(request: Request, draft: DraftDep, session: SessionDep) -> HTMLResponse:
    context = {
        "draft": draft,
        "participation": reports.participation(session, draft),
    }
    return render(request, "consensus/participation.html", context)


@pages.post("/drafts/{slug}/rounds")
def round_open(
    request: Request,
    draft: DraftDep,
    member: RoundRunner,
    session: SessionDep,
    title: Annotated[str, Form()] = "",
    deadline: Annotated[str, Form()] = "",
    clauses: Annotated[list[str] | None, Form()] = None,
) -> Response:
    try:
        try:
            when = in_peru(datetime.fromisoformat(deadline))
        except ValueError:
            raise InvalidInput(
                _("Give the deadline as a date and time."), field="deadline"
            ) from None
        round_ = rounds.open_round(session, member, draft, title, when, clauses or [])
    except DomainError as error:
        typed = {"title": title, "deadline": deadline, "clauses": clauses or []}
        return refused(session, error, lambda e: _consensus_page(
            request, draft, session, status=e.status_code, round_form={**typed, "error": e.message}
        ))  # fmt: skip
    session.commit()
    return see_other(request.app.url_path_for("round_page", slug=draft.slug, round_id=round_.id))


@pages.get("/drafts/{slug}/rounds/{round_id}", response_class=HTMLResponse)
def round_page(
    request: Request, draft: DraftDep, round_id: IdPath, session: SessionDep
) -> HTMLResponse:
    return _round_page(request, draft, round_id, session)


def _round_page(
    request: Request,
    draft: Draft,
    round_id: int,
    session: SessionDep,
    *,
    status: int = 200,
    error: str = "",
) -> HTMLResponse:
    round_ = rounds.get_round(session, draft, round_id)
    is_open = rounds.round_is_open(round_)
    member = request.state.member
    # Before it closes, the secretariat sees which articles have not heard a mining region, or
    # any woman: an alert for it only, never a public figure.
    alerts = (
        coverage.gaps(session, draft, rounds.round_entries(session, draft, round_))
        if is_open and member and can(member.role, Permission.RUN_ROUNDS)
        else []
    )
    context = {
        "error": error,
        "draft": draft,
        "round": round_,
        "is_open": is_open,
        "coverage_alerts": alerts,
        "lines": rounds.round_results(session, draft, round_),
        "explain": rules.explain,
    }
    return render(request, "consensus/round.html", context, status_code=status)


@pages.post("/drafts/{slug}/rounds/{round_id}/close")
def round_close(
    request: Request, draft: DraftDep, round_id: IdPath, member: RoundRunner, session: SessionDep
) -> Response:
    try:
        rounds.close_round(session, member, rounds.get_round(session, draft, round_id))
    except DomainError as error:
        return refused(session, error, lambda e: _round_page(
            request, draft, round_id, session, status=e.status_code, error=e.message
        ))  # fmt: skip
    session.commit()
    return see_other(request.app.url_path_for("round_page", slug=draft.slug, round_id=round_id))
