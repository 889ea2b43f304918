"""Working-group sessions over HTTP: the API (../shared/API.md) and the session's pages."""

from datetime import datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import HTMLResponse, Response
from sqlmodel import Session

from app.core.bounds import PageQuery, parse_id
from app.core.db import SessionDep
from app.core.errors import DomainError, InvalidInput
from app.core.forms import refused
from app.core.http import see_other
from app.core.i18n import _, in_peru
from app.core.pagination import PageParams, PageRequest, set_list_headers
from app.core.templating import render
from app.drafts.deps import DraftDep
from app.drafts.models import Draft
from app.meetings import minutes, service
from app.meetings.deps import MeetingDep, SessionRunner
from app.meetings.models import Meeting, outcome_names, status_names
from app.meetings.schemas import (
    AgendaBody,
    AgendaItemPublic,
    AttendanceBody,
    AttendeePublic,
    Created,
    DecisionBody,
    DecisionPublic,
    ItemRef,
    MinutesBody,
    PositionBody,
    QuorumPublic,
    SessionCreate,
    SessionPublic,
    SessionSummary,
)
from app.members.deps import OptionalMember
from app.members.models import Member
from app.members.permissions import Permission, can

api = APIRouter(prefix="/api/v1", tags=["sessions"])
pages = APIRouter(include_in_schema=False)
PAGE_SIZE = 20


def _summary(meeting: Meeting) -> SessionSummary:
    return SessionSummary(
        id=meeting.id or 0,
        number=meeting.number,
        title=meeting.title,
        starts_at=meeting.starts_at,
        place=meeting.place,
        status=meeting.status,
    )


def _public(session: Session, meeting: Meeting) -> SessionPublic:
    view = service.session_view(session, meeting)
    refs = {}
    for item in view.items:
        uid = item.entry.uid if item.entry and item.item.provision_id else None
        refs[item.item.id] = ItemRef(provision=uid, amendment=item.item.amendment_id)
    decisions = [
        DecisionPublic(
            item=refs[d.item_id] if d.item_id else ItemRef(minutes=d.approves_id),
            outcome=d.outcome,
            text=d.text,
            version=d.result_version,
            amendment_status=d.amendment_status,
        )
        for d in view.decisions
    ]
    return SessionPublic(
        **_summary(meeting).model_dump(),
        agenda=[
            AgendaItemPublic(
                provision=refs[i.item.id].provision,
                amendment=i.item.amendment_id,
                label=i.label,
                consensus=i.consensus.status if i.consensus else None,
            )
            for i in view.items
        ],
        attendance=[
            AttendeePublic(id=m.id or 0, name=m.name, organization=m.organization, sector=m.sector)
            for m in view.present
        ],
        quorum=QuorumPublic(
            present=view.quorum.present, required=view.quorum.required, met=view.quorum.met
        ),
        decisions=decisions,
        minutes_approved_in=meeting.minutes_approved_in_id,
    )


def _decide(
    session: Session,
    runner: Member,
    meeting: Meeting,
    ref: ItemRef,
    *,
    outcome: str,
    text: str,
    expected_version: int | None,
) -> None:
    service.decide(
        session, runner, meeting, service.Ref(provision=ref.provision, amendment=ref.amendment),
        outcome=outcome, text=text, expected_version=expected_version, minutes_of=ref.minutes,
    )  # fmt: skip


# API ------------------------------------------------------------------------------------


@api.post("/drafts/{slug}/sessions", status_code=201)
def convene(
    draft: DraftDep, body: SessionCreate, runner: SessionRunner, session: SessionDep
) -> Created:
    meeting = service.convene(
        session,
        runner,
        draft,
        title=body.title,
        starts_at=in_peru(body.starts_at),
        place=body.place,
    )
    session.commit()
    return Created(id=meeting.id or 0)


@api.get("/drafts/{slug}/sessions")
def list_sessions(
    http: Request, response: Response, draft: DraftDep, session: SessionDep, paging: PageParams
) -> list[SessionSummary]:
    page = service.list_meetings(session, draft, paging)
    set_list_headers(http, response, page)
    return [_summary(m) for m in page.items]


@api.get("/sessions/{meeting_id}")
def read_session(meeting: MeetingDep, session: SessionDep) -> SessionPublic:
    return _public(session, meeting)


@api.post("/sessions/{meeting_id}/status")
def change_status(
    runner: SessionRunner,
    meeting: MeetingDep,
    session: SessionDep,
    to: Annotated[Literal["en_curso", "concluida"], Query()],
) -> SessionPublic:
    (service.start if to == "en_curso" else service.conclude)(session, runner, meeting)
    session.commit()
    return _public(session, meeting)


@api.put("/sessions/{meeting_id}/agenda")
def put_agenda(
    runner: SessionRunner, meeting: MeetingDep, body: AgendaBody, session: SessionDep
) -> SessionPublic:
    refs = [service.Ref(provision=i.provision, amendment=i.amendment) for i in body.items]
    service.set_agenda(session, runner, meeting, refs)
    session.commit()
    return _public(session, meeting)


@api.post("/sessions/{meeting_id}/agenda/from-queue")
def agenda_from_queue(
    runner: SessionRunner, meeting: MeetingDep, session: SessionDep
) -> SessionPublic:
    service.agenda_from_queue(session, runner, meeting)
    session.commit()
    return _public(session, meeting)


@api.put("/sessions/{meeting_id}/attendance")
def put_attendance(
    runner: SessionRunner, meeting: MeetingDep, body: AttendanceBody, session: SessionDep
) -> SessionPublic:
    service.set_attendance(session, runner, meeting, body.present)
    session.commit()
    return _public(session, meeting)


@api.post("/sessions/{meeting_id}/decisions", status_code=201)
def post_decision(
    runner: SessionRunner, meeting: MeetingDep, body: DecisionBody, session: SessionDep
) -> SessionPublic:
    _decide(session, runner, meeting, body.item, outcome=body.outcome, text=body.text,
            expected_version=body.expected_version)  # fmt: skip
    session.commit()
    return _public(session, meeting)


@api.post("/sessions/{meeting_id}/positions", status_code=201)
def post_position(
    runner: SessionRunner, meeting: MeetingDep, body: PositionBody, session: SessionDep
) -> SessionPublic:
    member = session.get(Member, body.member)
    if member is None:
        raise InvalidInput(_("No member has the id %(id)s.", id=body.member), field="member")
    service.declare_position(session, runner, meeting, member=member, uid=body.provision,
                             stance=body.stance, reason=body.reason)  # fmt: skip
    session.commit()
    return _public(session, meeting)


@api.put("/sessions/{meeting_id}/minutes")
def put_minutes(
    runner: SessionRunner, meeting: MeetingDep, body: MinutesBody, session: SessionDep
) -> SessionPublic:
    service.edit_minutes(session, runner, meeting, body.text)
    session.commit()
    return _public(session, meeting)


@api.get("/sessions/{meeting_id}/minutes")
def read_minutes(
    meeting: MeetingDep,
    session: SessionDep,
    format: Literal["docx", "pdf", "txt"] = "txt",
) -> Response:
    text = minutes.document_text(session, meeting)
    name = f"acta-sesion-{meeting.number}"
    if format == "docx":
        body, media = (
            minutes.render_docx(text),
            ("application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
        )
    elif format == "pdf":
        body, media = (
            minutes.render_pdf(text, service.session_name(meeting.number)),
            "application/pdf",
        )
    else:
        body, media = text.encode(), "text/plain; charset=utf-8"
    disposition = f'attachment; filename="{name}.{format}"'
    return Response(body, media_type=media, headers={"Content-Disposition": disposition})


@api.post("/sessions/{meeting_id}/snapshot", status_code=201)
def snapshot_at_close(runner: SessionRunner, meeting: MeetingDep, session: SessionDep) -> Created:
    snapshot = service.freeze_at_close(session, runner, meeting)
    session.commit()
    return Created(id=snapshot.id or 0)


# Pages ----------------------------------------------------------------------------------


def _sessions_page(
    request: Request,
    session: Session,
    draft: Draft,
    page: int,
    *,
    status: int = 200,
    form: dict[str, Any] | None = None,
) -> HTMLResponse:
    listing = service.list_meetings(session, draft, PageRequest(page, PAGE_SIZE))
    context = {
        "draft": draft,
        "listing": listing,
        "status_names": status_names(),
        "form": form or {},
    }
    return render(request, "meetings/list.html", context, status_code=status)


@pages.get("/drafts/{slug}/sessions", response_class=HTMLResponse)
def sessions_page(
    request: Request, draft: DraftDep, session: SessionDep, page: PageQuery = 1
) -> HTMLResponse:
    return _sessions_page(request, session, draft, page)


@pages.post("/drafts/{slug}/sessions", response_model=None)
def convene_submit(
    request: Request,
    draft: DraftDep,
    runner: SessionRunner,
    session: SessionDep,
    title: Annotated[str, Form()] = "",
    starts_at: Annotated[str, Form()] = "",
    place: Annotated[str, Form()] = "",
) -> Response:
    try:
        try:
            when = in_peru(datetime.fromisoformat(starts_at))
        except ValueError:
            raise InvalidInput(
                _("Give the date and time of the session."), field="starts_at"
            ) from None
        meeting = service.convene(session, runner, draft, title=title, starts_at=when, place=place)
    except DomainError as error:
        typed = {"title": title, "starts_at": starts_at, "place": place}
        return refused(session, error, lambda e: _sessions_page(
            request, session, draft, 1, status=e.status_code,
            form={**typed, "error": e.message, "field": e.details.get("field")},
        ))  # fmt: skip
    session.commit()
    return see_other(request.app.url_path_for("meeting_page", meeting_id=meeting.id))


def _meeting_page(
    request: Request,
    session: Session,
    meeting: Meeting,
    member: Member | None,
    *,
    status: int = 200,
    error: str | None = None,
    form: dict[str, Any] | None = None,
) -> HTMLResponse:
    view = service.session_view(session, meeting)
    runner = member is not None and can(member.role, Permission.RUN_SESSIONS)
    context: dict[str, Any] = {
        "view": view,
        "meeting": meeting,
        "draft": view.draft,
        "name": service.session_name(meeting.number),
        "status_names": status_names(),
        "outcome_names": outcome_names(),
        "minutes_text": minutes.text_of(session, meeting),
        "minutes_standing": minutes.standing(session, meeting),
        "error": error,
        "form": form or {},
        "members": service.active_members(session) if runner else [],
        "earlier": service.awaiting_approval(session, meeting) if runner else [],
    }
    return render(request, "meetings/session.html", context, status_code=status)


@pages.get("/sessions/{meeting_id}", response_class=HTMLResponse)
def meeting_page(
    request: Request, meeting: MeetingDep, member: OptionalMember, session: SessionDep
) -> HTMLResponse:
    return _meeting_page(request, session, meeting, member)


def _act(
    request: Request,
    session: Session,
    meeting: Meeting,
    runner: Member,
    change: Any,
    anchor: str,
    typed: dict[str, Any] | None = None,
) -> Response:
    """One form of the session's page: the change, then back to its section; or the page
    again with the refusal and what was typed."""
    try:
        change()
    except DomainError as error:
        return refused(session, error, lambda e: _meeting_page(
            request, session, meeting, runner, status=e.status_code, error=e.message,
            form={**(typed or {}), "section": anchor, "field": e.details.get("field")},
        ))  # fmt: skip
    session.commit()
    url = request.app.url_path_for("meeting_page", meeting_id=meeting.id)
    return see_other(f"{url}#{anchor}")


@pages.post("/sessions/{meeting_id}/status", response_model=None)
def status_submit(
    request: Request,
    runner: SessionRunner,
    meeting: MeetingDep,
    session: SessionDep,
    to: Annotated[str, Form()] = "",
) -> Response:
    change = service.start if to == "en_curso" else service.conclude
    return _act(request, session, meeting, runner, lambda: change(session, runner, meeting),
                "status")  # fmt: skip


@pages.post("/sessions/{meeting_id}/agenda/from-queue", response_model=None)
def agenda_from_queue_submit(
    request: Request, runner: SessionRunner, meeting: MeetingDep, session: SessionDep
) -> Response:
    return _act(request, session, meeting, runner,
                lambda: service.agenda_from_queue(session, runner, meeting), "agenda")  # fmt: skip


@pages.post("/sessions/{meeting_id}/agenda", response_model=None)
def agenda_submit(
    request: Request,
    runner: SessionRunner,
    meeting: MeetingDep,
    session: SessionDep,
    items: Annotated[str, Form()] = "",
) -> Response:
    """The agenda by hand: one item a line, a clause's uid or "#12" for amendment 12."""

    def change() -> None:
        refs = []
        for line in items.splitlines()[: service.MAX_AGENDA_ITEMS + 1]:
            line = line.strip()
            if not line:
                continue
            if line.startswith("#"):
                number = parse_id(line[1:])
                if number is None:
                    raise InvalidInput(
                        _("%(line)s is not an amendment number.", line=line[:40]), field="items"
                    )
                refs.append(service.Ref(amendment=number))
            else:
                refs.append(service.Ref(provision=line[:100]))
        service.set_agenda(session, runner, meeting, refs)

    return _act(request, session, meeting, runner, change, "agenda", {"agenda": items})


@pages.post("/sessions/{meeting_id}/attendance", response_model=None)
def attendance_submit(
    request: Request,
    runner: SessionRunner,
    meeting: MeetingDep,
    session: SessionDep,
    present: Annotated[list[str] | None, Form()] = None,
) -> Response:
    def change() -> None:
        ids = [parse_id(value) for value in (present or [])]
        if any(number is None for number in ids):
            raise InvalidInput(_("Choose members from the list."), field="present")
        service.set_attendance(session, runner, meeting, [n for n in ids if n is not None])

    return _act(request, session, meeting, runner, change, "attendance")


@pages.post("/sessions/{meeting_id}/decisions", response_model=None)
def decision_submit(
    request: Request,
    runner: SessionRunner,
    meeting: MeetingDep,
    session: SessionDep,
    item: Annotated[str, Form()] = "",
    outcome: Annotated[str, Form()] = "",
    text: Annotated[str, Form()] = "",
    expected_version: Annotated[str, Form()] = "",
) -> Response:
    def change() -> None:
        kind, _sep, key = item.partition(":")
        number = parse_id(key)
        if kind == "minutes" and number:
            ref = ItemRef(minutes=number)
        elif kind == "amendment" and number:
            ref = ItemRef(amendment=number)
        elif kind == "provision" and key:
            ref = ItemRef(provision=key[:100])
        else:
            raise InvalidInput(_("Choose the item decided."), field="item")
        _decide(session, runner, meeting, ref, outcome=outcome, text=text,
                expected_version=parse_id(expected_version))  # fmt: skip

    typed = {"item": item, "outcome": outcome, "text": text}
    return _act(request, session, meeting, runner, change, "decisions", typed)


@pages.post("/sessions/{meeting_id}/positions", response_model=None)
def position_submit(
    request: Request,
    runner: SessionRunner,
    meeting: MeetingDep,
    session: SessionDep,
    member: Annotated[str, Form()] = "",
    provision: Annotated[str, Form()] = "",
    stance: Annotated[str, Form()] = "",
    reason: Annotated[str, Form()] = "",
) -> Response:
    def change() -> None:
        number = parse_id(member)
        who = session.get(Member, number) if number else None
        if who is None:
            raise InvalidInput(_("Choose a present member."), field="member")
        service.declare_position(session, runner, meeting, member=who, uid=provision[:100],
                                 stance=stance, reason=reason)  # fmt: skip

    typed = {"member": member, "provision": provision, "stance": stance, "reason": reason}
    return _act(request, session, meeting, runner, change, "positions", typed)


@pages.post("/sessions/{meeting_id}/minutes", response_model=None)
def minutes_submit(
    request: Request,
    runner: SessionRunner,
    meeting: MeetingDep,
    session: SessionDep,
    text: Annotated[str, Form()] = "",
) -> Response:
    return _act(request, session, meeting, runner,
                lambda: service.edit_minutes(session, runner, meeting, text), "minutes",
                {"minutes": text})  # fmt: skip


@pages.post("/sessions/{meeting_id}/snapshot", response_model=None)
def snapshot_submit(
    request: Request, runner: SessionRunner, meeting: MeetingDep, session: SessionDep
) -> Response:
    try:
        snapshot = service.freeze_at_close(session, runner, meeting)
    except DomainError as error:
        return refused(session, error, lambda e: _meeting_page(
            request, session, meeting, runner, status=e.status_code, error=e.message,
            form={"section": "snapshot"},
        ))  # fmt: skip
    session.commit()
    draft = session.get_one(Draft, meeting.draft_id)
    return see_other(
        request.app.url_path_for("snapshot_page", slug=draft.slug, snapshot_id=snapshot.id)
    )
