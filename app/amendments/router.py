"""Amendments over HTTP: the API, the proposal form, the merge queue and the decisions."""

from collections.abc import Callable
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import HTMLResponse, Response
from sqlmodel import Session, select

from app.amendments import lists, service, support
from app.amendments.deps import Amender, Merger
from app.amendments.models import Amendment, AmendmentKind, AmendmentSource, AmendmentStatus
from app.amendments.schemas import (
    MAX_SOURCES,
    AcceptBody,
    AcceptResult,
    AmendmentBody,
    AmendmentPublic,
    AmendmentSummary,
    Decision,
    ProposalBody,
    ProposalPublic,
    RejectBody,
    SupporterPublic,
    SupportPublic,
    SupportRuleBody,
    SupportRulePublic,
)
from app.consensus import reports
from app.core.bounds import MAX_INT, Id, IdPath, PageQuery, parse_id
from app.core.db import SessionDep
from app.core.errors import DomainError, InvalidInput
from app.core.forms import refused
from app.core.http import see_other
from app.core.i18n import _
from app.core.pagination import PageParams, PageRequest, set_list_headers
from app.core.templating import render
from app.drafts import diffing, editing
from app.drafts import service as drafts
from app.drafts.deps import DraftDep, load_draft
from app.drafts.models import Draft, Provision
from app.intake.models import Receipt
from app.intake.service import Credit, credit
from app.meetings import service as meetings
from app.members.deps import OptionalMember
from app.members.models import Member, Sector
from app.members.permissions import Permission, can
from app.notifications import service as notifications
from app.workshops import service as workshops

api = APIRouter(prefix="/api/v1", tags=["amendments"])
pages = APIRouter(include_in_schema=False)
QUEUE_CLAUSES_PER_PAGE = 10


def _amendment_and_draft(
    session: Session, amendment_id: int, member: Member | None
) -> tuple[Amendment, Draft]:
    amendment = service.get_amendment(session, amendment_id)
    draft = session.get(Draft, amendment.draft_id)
    assert draft is not None
    return amendment, load_draft(draft.slug, session, member)  # private drafts need sign-in


def _uid(session: Session, provision_id: int) -> str:
    provision = session.get(Provision, provision_id)
    assert provision is not None
    return provision.uid


def _public(session: Session, amendment: Amendment) -> AmendmentPublic:
    draft = session.get(Draft, amendment.draft_id)
    assert draft is not None
    outline = drafts.load_outline(session, draft)
    target = next((e for e in outline.entries if e.id == amendment.provision_id), None)
    author = _credit(session, amendment)
    decider = session.get(Member, amendment.decided_by_id) if amendment.decided_by_id else None
    assert amendment.id is not None
    decided = amendment.status != AmendmentStatus.SUBMITTED
    in_session = meetings.decided_in(session, amendment.id) if decided else None
    return AmendmentPublic(
        id=amendment.id,
        kind=amendment.kind,
        target=_uid(session, amendment.provision_id),
        status=amendment.status,
        author=author.name,
        channel=author.channel,
        base_version=amendment.base_version,
        text=(
            service.proposed_text(amendment, target)
            if target and amendment.text is not None
            else amendment.text
        ),
        heading=amendment.heading,
        rationale=amendment.rationale,
        decision=Decision(
            reason=amendment.decision_reason,
            by=decider.name if decider else None,
            version=amendment.result_version,
            session=in_session.id if in_session else None,
        )
        if decided
        else None,
        **_support_fields(session, draft, amendment, target),
    )


def _support_fields(
    session: Session, draft: Draft, amendment: Amendment, target: drafts.OutlineEntry | None
) -> dict[str, Any]:
    backing = support.support_of(session, amendment)
    proposal = support.proposal_of(session, amendment)
    proposer = session.get(Member, proposal.proposed_by_id) if proposal else None
    return {
        "supporters": [
            SupporterPublic(name=p.name, organization=p.organization, sector=p.sector)
            for p in backing.supporters
        ],
        "support": SupportPublic(
            organizations=backing.organizations,
            sectors=backing.sectors,
            meets_rule=backing.meets(support.get_rule(session, draft)),
        ),
        "proposal": ProposalPublic(
            proposal=proposal.proposal,
            note=proposal.note,
            text=support.proposal_text(proposal, target),
            by=proposer.name if proposer else None,
            followed=proposal.followed,
        )
        if proposal
        else None,
    }


# API -----------------------------------------------------------------------------------------


def _credit(session: Session, amendment: Amendment, *, reveal: bool = False) -> Credit:
    author = session.get_one(Member, amendment.author_id)
    receipt = session.get(Receipt, amendment.receipt_id) if amendment.receipt_id else None
    return credit(author, receipt, amendment.created_at, reveal=reveal)


@api.post("/drafts/{slug}/amendments", status_code=201)
def submit(
    draft: DraftDep, body: AmendmentBody, author: Amender, session: SessionDep
) -> AmendmentPublic:
    target = body.after if body.kind == AmendmentKind.INSERT and body.after else body.target
    received = body.received.details() if body.received else None
    receipt = workshops.receipt_for(session, author, draft, received, body.workshop)
    amendment = service.submit_amendment(
        session,
        author,
        draft,
        kind=body.kind,
        target_uid=target,
        rationale=body.rationale,
        base_version=body.base_version,
        text=body.text,
        heading=body.heading,
        receipt=receipt,
    )
    session.commit()
    return _public(session, amendment)


@api.get("/drafts/{slug}/amendments")
def list_amendments(
    request: Request,
    response: Response,
    paging: PageParams,
    draft: DraftDep,
    session: SessionDep,
    status: str = "",
    target: str = "",
) -> list[AmendmentSummary]:
    provision_id = drafts.load_outline(session, draft).get(target).id if target else None
    listing = lists.list_amendments(
        session, draft, status=status or None, provision_id=provision_id, paging=paging
    )
    set_list_headers(request, response, listing)
    return [
        AmendmentSummary(
            id=row.amendment.id or 0,
            kind=row.amendment.kind,
            target=row.uid,
            status=row.amendment.status,
            author=row.author,
            base_version=row.amendment.base_version,
        )
        for row in listing.items
    ]


@api.get("/amendments/{amendment_id}")
def read_amendment(
    amendment_id: IdPath, session: SessionDep, member: OptionalMember
) -> AmendmentPublic:
    amendment, _draft = _amendment_and_draft(session, amendment_id, member)
    return _public(session, amendment)


@api.post("/amendments/{amendment_id}/withdraw")
def withdraw(amendment_id: IdPath, author: Amender, session: SessionDep) -> AmendmentPublic:
    amendment, _draft = _amendment_and_draft(session, amendment_id, author)
    service.withdraw(session, author, amendment)
    session.commit()
    return _public(session, amendment)


@api.post("/amendments/{amendment_id}/accept")
def accept(
    amendment_id: IdPath, body: AcceptBody, merger: Merger, session: SessionDep
) -> AcceptResult:
    amendment, draft = _amendment_and_draft(session, amendment_id, merger)
    result = service.accept(
        session,
        merger,
        draft,
        amendment,
        expected_version=body.expected_version,
        reason=body.reason,
        text=body.text,
        sources=body.sources,
    )
    session.commit()
    return AcceptResult(
        status=result.status,
        version=result.version,
        affected=[{"id": other.id, "state": state} for other, state in result.affected],
    )


@api.post("/amendments/{amendment_id}/reject")
def reject(
    amendment_id: IdPath, body: RejectBody, merger: Merger, session: SessionDep
) -> AmendmentPublic:
    amendment, _draft = _amendment_and_draft(session, amendment_id, merger)
    service.reject(session, merger, amendment, body.reason, out_of_scope=body.out_of_scope)
    session.commit()
    return _public(session, amendment)


@api.post("/amendments/{amendment_id}/support", status_code=201)
def support_amendment(
    amendment_id: IdPath, member: Amender, session: SessionDep
) -> AmendmentPublic:
    amendment, _draft = _amendment_and_draft(session, amendment_id, member)
    support.adhere(session, member, amendment)
    session.commit()
    return _public(session, amendment)


@api.delete("/amendments/{amendment_id}/support")
def withdraw_support(amendment_id: IdPath, member: Amender, session: SessionDep) -> AmendmentPublic:
    amendment, _draft = _amendment_and_draft(session, amendment_id, member)
    support.withdraw_adhesion(session, member, amendment)
    session.commit()
    return _public(session, amendment)


@api.put("/amendments/{amendment_id}/proposal")
def publish_proposal(
    amendment_id: IdPath, body: ProposalBody, merger: Merger, session: SessionDep
) -> AmendmentPublic:
    amendment, _draft = _amendment_and_draft(session, amendment_id, merger)
    support.publish_proposal(
        session, merger, amendment, proposal=body.proposal, note=body.note, text=body.text
    )
    session.commit()
    return _public(session, amendment)


@api.get("/drafts/{slug}/support-rule")
def read_support_rule(draft: DraftDep, session: SessionDep) -> SupportRulePublic:
    rule = support.get_rule(session, draft)
    return SupportRulePublic(min_organizations=rule.min_organizations, min_sectors=rule.min_sectors)


@api.put("/drafts/{slug}/support-rule")
def set_support_rule(
    draft: DraftDep, body: SupportRuleBody, merger: Merger, session: SessionDep
) -> SupportRulePublic:
    rule = support.set_rule(
        session,
        merger,
        draft,
        min_organizations=body.min_organizations,
        min_sectors=body.min_sectors,
    )
    session.commit()
    return SupportRulePublic(min_organizations=rule.min_organizations, min_sectors=rule.min_sectors)


# Pages: proposing ------------------------------------------------------------------------------


def _proposal_form(
    request: Request,
    session: Session,
    draft: Draft,
    uid: str,
    kind: str,
    status: int = 200,
    **form: Any,
) -> HTMLResponse:
    entry = drafts.load_outline(session, draft).get(uid)
    current = drafts.current_version(session, entry)
    values = {
        "kind": kind if kind in set(AmendmentKind) else AmendmentKind.MODIFY,
        "text": current.text if kind == AmendmentKind.MODIFY else "",
        "heading": current.heading if kind == AmendmentKind.MODIFY else "",
        "rationale": "",
        "base_version": current.number,
        **form,
    }
    preview = None
    if values["kind"] == AmendmentKind.MODIFY and form:
        base = drafts.version(session, entry, int(values["base_version"]))
        preview = diffing.word_diff(base.text, str(values["text"]))
    context = {
        "draft": draft,
        "entry": entry,
        "current": current,
        "form": values,
        "preview": preview,
    }
    return render(request, "amendments/propose.html", context, status_code=status)


@pages.get("/drafts/{slug}/provisions/{uid}/amend", response_class=HTMLResponse)
def propose_page(
    request: Request,
    draft: DraftDep,
    uid: str,
    _author: Amender,
    session: SessionDep,
    kind: str = AmendmentKind.MODIFY,
) -> HTMLResponse:
    return _proposal_form(request, session, draft, uid, kind)


@pages.post("/drafts/{slug}/provisions/{uid}/amend", response_model=None)
def propose_submit(
    request: Request,
    draft: DraftDep,
    uid: str,
    author: Amender,
    session: SessionDep,
    kind: Annotated[str, Form()] = AmendmentKind.MODIFY,
    base_version: Annotated[int, Form(ge=0, le=MAX_INT)] = 1,
    text: Annotated[str, Form()] = "",
    heading: Annotated[str, Form()] = "",
    rationale: Annotated[str, Form()] = "",
    action: Annotated[str, Form()] = "preview",
) -> Response:
    form: dict[str, Any] = {
        "text": text,
        "heading": heading,
        "rationale": rationale,
        "base_version": base_version,
    }
    if action != "submit":  # the preview button: show the word diff, change nothing
        return _proposal_form(request, session, draft, uid, kind, **form)
    try:
        amendment = service.submit_amendment(
            session,
            author,
            draft,
            kind=kind,
            target_uid=uid,
            rationale=rationale,
            base_version=base_version,
            text=text,
            heading=heading if kind != AmendmentKind.INSERT or heading else None,
        )
    except DomainError as error:
        return refused(session, error, lambda e: _proposal_form(
            request, session, draft, uid, kind, status=e.status_code, error=e.message, **form
        ))  # fmt: skip
    session.commit()
    return see_other(request.app.url_path_for("amendment_page", amendment_id=amendment.id))


# Pages: one amendment, and deciding it -----------------------------------------------------------


def _amendment_page(
    request: Request,
    session: Session,
    amendment: Amendment,
    draft: Draft,
    status: int = 200,
    **extra: Any,
) -> HTMLResponse:
    outline = drafts.load_outline(session, draft)
    entry = next((e for e in outline.entries if e.id == amendment.provision_id), None)
    viewer: Member | None = request.state.member
    author = _credit(
        session, amendment, reveal=viewer is not None and can(viewer.role, Permission.RECEIVE)
    )
    decider = session.get(Member, amendment.decided_by_id) if amendment.decided_by_id else None
    plan = None
    proposed_ops = None
    proposed = service.proposed_text(amendment, entry) if entry else amendment.text or ""
    if amendment.kind == AmendmentKind.MODIFY and entry is not None:
        assert amendment.base_version is not None and amendment.text is not None
        base = drafts.version(session, entry, amendment.base_version)
        proposed_ops = diffing.word_diff(base.text, proposed)
        if amendment.status == AmendmentStatus.SUBMITTED:
            plan = service.merge_plan(session, draft, amendment)
    sources = session.exec(
        select(AmendmentSource.source_id).where(AmendmentSource.amendment_id == amendment.id)
    ).all()
    context = {
        "draft": draft,
        "amendment": amendment,
        "entry": entry,
        "author": author,
        "decider": decider,
        "decided_in_session": meetings.decided_in(session, amendment.id or 0),
        "plan": plan,
        "proposed": proposed,
        "proposed_ops": proposed_ops,
        "rebased_ops": diffing.word_diff(plan.current.text, plan.text)
        if plan and plan.text
        else None,
        "others": lists.citable(session, amendment) if plan else [],
        "preview_ops": (
            diffing.word_diff(plan.current.text, extra["preview_text"])
            if plan and extra.get("preview_text") is not None
            else None
        ),
        "base_ops": (
            {
                "current": diffing.word_diff(plan.base.text, plan.current.text),
                "proposed": diffing.word_diff(plan.base.text, plan.proposed_text),
            }
            if plan and plan.outcome == "conflict"
            else None
        ),
        "referring": (
            editing.referring_clauses(session, outline, {entry.uid})
            if entry and amendment.kind == AmendmentKind.DELETE
            else []
        ),
        "sources": sources,
        **_support_context(session, draft, amendment, entry),
        "follow": notifications.follow_state(
            session, request.state.member, f"amendment:{amendment.id}"
        ),
        **extra,
    }
    return render(request, "amendments/amendment.html", context, status_code=status)


def _support_context(
    session: Session, draft: Draft, amendment: Amendment, entry: drafts.OutlineEntry | None
) -> dict[str, Any]:
    """Who backs the amendment, what the draft's rule asks of it before the queue, and the
    secretariat's proposal."""
    backing = support.support_of(session, amendment)
    proposal = support.proposal_of(session, amendment)
    return {
        "support": backing,
        "support_phrase": support.support_phrase(backing),
        "supporter_ids": support.supporter_ids(session, amendment),
        "support_rule": support.get_rule(session, draft),
        "proposal": proposal,
        "proposal_text": support.proposal_text(proposal, entry) if proposal else None,
        "proposer": session.get(Member, proposal.proposed_by_id) if proposal else None,
    }


@pages.get("/amendments/{amendment_id}", response_class=HTMLResponse)
def amendment_page(
    request: Request, amendment_id: IdPath, session: SessionDep, member: OptionalMember
) -> HTMLResponse:
    amendment, draft = _amendment_and_draft(session, amendment_id, member)
    return _amendment_page(request, session, amendment, draft)


@pages.post("/amendments/{amendment_id}/accept", response_model=None)
def accept_submit(
    request: Request,
    amendment_id: IdPath,
    merger: Merger,
    session: SessionDep,
    expected_version: Annotated[int | None, Form(ge=0, le=MAX_INT)] = None,
    reason: Annotated[str, Form()] = "",
    text: Annotated[str | None, Form()] = None,
    sources: Annotated[list[Id] | None, Form(max_length=MAX_SOURCES)] = None,
    action: Annotated[str, Form()] = "accept",
) -> Response:
    amendment, draft = _amendment_and_draft(session, amendment_id, merger)
    if action == "preview" and text is not None:  # the merged text against the current one
        return _amendment_page(
            request, session, amendment, draft, typed_text=text, typed_reason=reason,
            typed_sources=sources or [], preview_text=text,
        )  # fmt: skip
    try:
        result = service.accept(
            session,
            merger,
            draft,
            amendment,
            expected_version=expected_version,
            reason=reason,
            text=text,
            sources=sources or [],
        )
    except DomainError as error:
        return refused(session, error, lambda e: _amendment_page(
            request, session, amendment, draft, status=e.status_code, decision_error=e.message,
            typed_text=text, typed_reason=reason, typed_sources=sources or [],
        ))  # fmt: skip
    session.commit()
    url = request.app.url_path_for("queue_page", slug=draft.slug)
    return see_other(f"{url}?accepted={amendment.id}#clause-{result.uid}")


@pages.post("/amendments/{amendment_id}/reject", response_model=None)
def reject_submit(
    request: Request,
    amendment_id: IdPath,
    merger: Merger,
    session: SessionDep,
    reason: Annotated[str, Form()] = "",
    out_of_scope: Annotated[bool, Form()] = False,
) -> Response:
    amendment, draft = _amendment_and_draft(session, amendment_id, merger)
    try:
        service.reject(session, merger, amendment, reason, out_of_scope=out_of_scope)
    except DomainError as error:
        return refused(session, error, lambda e: _amendment_page(
            request, session, amendment, draft, status=e.status_code, reject_error=e.message,
            typed_reject_reason=reason,
        ))  # fmt: skip
    session.commit()
    # Back to the queue, as after accepting: the secretariat goes on with the next one.
    url = request.app.url_path_for("queue_page", slug=draft.slug)
    clause = _uid(session, amendment.provision_id)
    return see_other(f"{url}?rejected={amendment_id}#clause-{clause}")


@pages.post("/amendments/{amendment_id}/withdraw", response_model=None)
def withdraw_submit(
    request: Request, amendment_id: IdPath, author: Amender, session: SessionDep
) -> Response:
    amendment, draft = _amendment_and_draft(session, amendment_id, author)
    try:
        service.withdraw(session, author, amendment)
    except DomainError as error:
        return refused(session, error, lambda e: _amendment_page(
            request, session, amendment, draft, status=e.status_code, withdraw_error=e.message
        ))  # fmt: skip
    session.commit()
    return see_other(request.app.url_path_for("amendment_page", amendment_id=amendment_id))


@pages.post("/amendments/{amendment_id}/support", response_model=None)
def support_submit(
    request: Request, amendment_id: IdPath, member: Amender, session: SessionDep
) -> Response:
    return _change_support(request, amendment_id, member, session, support.adhere, "?adhered=1")


@pages.post("/amendments/{amendment_id}/support/withdraw", response_model=None)
def support_withdraw_submit(
    request: Request, amendment_id: IdPath, member: Amender, session: SessionDep
) -> Response:
    return _change_support(request, amendment_id, member, session, support.withdraw_adhesion, "")


def _change_support(
    request: Request,
    amendment_id: int,
    member: Member,
    session: Session,
    change: Callable[[Session, Member, Amendment], object],
    query: str,
) -> Response:
    """Adhering or withdrawing an adhesion from the amendment's page: back to its support, or
    the page again with the refusal beside the button."""
    amendment, draft = _amendment_and_draft(session, amendment_id, member)
    try:
        change(session, member, amendment)
    except DomainError as error:
        return refused(session, error, lambda e: _amendment_page(
            request, session, amendment, draft, status=e.status_code, support_error=e.message
        ))  # fmt: skip
    session.commit()
    url = request.app.url_path_for("amendment_page", amendment_id=amendment_id)
    return see_other(f"{url}{query}#support")


@pages.post("/amendments/{amendment_id}/proposal", response_model=None)
def proposal_submit(
    request: Request,
    amendment_id: IdPath,
    merger: Merger,
    session: SessionDep,
    proposal: Annotated[str, Form()] = "",
    note: Annotated[str, Form()] = "",
    text: Annotated[str | None, Form()] = None,
) -> Response:
    amendment, draft = _amendment_and_draft(session, amendment_id, merger)
    try:
        support.publish_proposal(
            session, merger, amendment, proposal=proposal, note=note, text=text
        )
    except DomainError as error:
        typed = {"proposal": proposal, "note": note, "text": text}
        return refused(session, error, lambda e: _amendment_page(
            request, session, amendment, draft, status=e.status_code,
            proposal_form={**typed, "error": e.message, "field": e.details.get("field")},
        ))  # fmt: skip
    session.commit()
    url = request.app.url_path_for("amendment_page", amendment_id=amendment_id)
    return see_other(f"{url}#proposal")


# Pages: the list and the merge queue ------------------------------------------------------


@pages.get("/drafts/{slug}/amendments", response_class=HTMLResponse)
def amendments_page(
    request: Request,
    draft: DraftDep,
    session: SessionDep,
    status: str = "",
    sector: str = "",
    author: Annotated[int | None, Query(ge=1, le=MAX_INT)] = None,
    page: PageQuery = 1,
) -> HTMLResponse:
    listing = lists.list_amendments(
        session,
        draft,
        status=status or None,
        sector=sector or None,
        author_id=author,
        paging=PageRequest(page, lists.PAGE_SIZE),
    )
    labels = {e.uid: e.label.text for e in drafts.load_outline(session, draft).entries}
    context = {
        "draft": draft,
        "listing": listing,
        "labels": labels,
        "filters": {"status": status, "sector": sector, "author": author},
        "statuses": list(AmendmentStatus),
        "sectors": list(Sector),
    }
    return render(request, "amendments/list.html", context)


@pages.get("/drafts/{slug}/queue", response_class=HTMLResponse)
def queue_page(
    request: Request,
    draft: DraftDep,
    _merger: Merger,
    session: SessionDep,
    page: PageQuery = 1,
    sort: Annotated[Literal["document", "support"], Query()] = "document",
    # Strings: the filter form sends an empty field as "" (no minimum).
    min_organizations: Annotated[str, Query(max_length=10)] = "",
    min_sectors: Annotated[str, Query(max_length=10)] = "",
) -> HTMLResponse:
    organizations = _minimum(min_organizations, support.MAX_ORGANIZATIONS)
    sectors = _minimum(min_sectors, len(Sector))
    return _queue_page(request, session, draft, page, sort, organizations, sectors)


def _minimum(text: str, limit: int) -> int:
    """A filter's minimum from the query string: empty is none; else a count up to `limit`."""
    if not text.strip():
        return 0
    number = parse_id(text.strip())
    if number is None or number > limit:
        raise InvalidInput(_("Between 1 and %(n)s.", n=limit))
    return number


def _queue_page(
    request: Request,
    session: Session,
    draft: Draft,
    page: int = 1,
    sort: str = "document",
    min_organizations: int = 0,
    min_sectors: int = 0,
    status: int = 200,
    rule_form: dict[str, Any] | None = None,
) -> HTMLResponse:
    queue = lists.merge_queue(
        session,
        draft,
        paging=PageRequest(page, QUEUE_CLAUSES_PER_PAGE),
        sort=sort,
        min_organizations=min_organizations,
        min_sectors=min_sectors,
    )
    outline = drafts.load_outline(session, draft)
    decided = reports.outcomes(session, draft, outline)
    filters = {"sort": sort, "min_organizations": min_organizations, "min_sectors": min_sectors}
    context = {
        "draft": draft,
        "queue": queue,
        "filters": filters,
        # The pager keeps the order and the filters.
        "query": "&".join(f"{k}={v}" for k, v in filters.items() if v not in ("document", 0)),
        "support_phrase": support.support_phrase,
        "rule_form": rule_form,
        "accepted": parse_id(request.query_params.get("accepted")),
        "rejected": parse_id(request.query_params.get("rejected")),
        # Where each clause of the queue stands in consensus, for the secretariat deciding.
        "consensus": {group.entry.uid: decided[group.entry.id] for group in queue.groups.items},
    }
    return render(request, "amendments/queue.html", context, status_code=status)


@pages.post("/drafts/{slug}/queue/support-rule", response_model=None)
def support_rule_submit(
    request: Request,
    draft: DraftDep,
    merger: Merger,
    session: SessionDep,
    min_organizations: Annotated[str, Form()] = "1",
    min_sectors: Annotated[str, Form()] = "1",
) -> Response:
    typed = {"min_organizations": min_organizations, "min_sectors": min_sectors}
    try:
        support.set_rule(
            session,
            merger,
            draft,
            min_organizations=_whole_number(min_organizations, "min_organizations"),
            min_sectors=_whole_number(min_sectors, "min_sectors"),
        )
    except DomainError as error:
        return refused(session, error, lambda e: _queue_page(
            request, session, draft, status=e.status_code,
            rule_form={**typed, "error": e.message, "field": e.details.get("field")},
        ))  # fmt: skip
    session.commit()
    return see_other(request.app.url_path_for("queue_page", slug=draft.slug) + "#support-rule")


def _whole_number(text: str, field: str) -> int:
    """A count typed in a form; anything else is the form's error beside its field."""
    number = parse_id(text.strip())
    if number is None:
        raise InvalidInput(_("Write a whole number, 1 or more."), field=field)
    return number
