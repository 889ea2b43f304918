"""The public record ("Registro") and its verification."""

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, Response
from pydantic import BaseModel

from app.audit import service
from app.core.bounds import MAX_INT
from app.core.db import SessionDep
from app.core.pagination import PageParams, paginate, set_list_headers
from app.core.templating import render
from app.drafts.deps import readable_drafts
from app.members.deps import OptionalMember
from app.members.models import Member
from app.members.permissions import Permission, can

api = APIRouter(prefix="/api/v1", tags=["audit"])
pages = APIRouter(include_in_schema=False)
PAGE_SIZE = 50


class EventPublic(BaseModel):
    seq: int
    at: str
    actor: str
    action: str
    object: str
    details: dict[str, Any]
    hash: str
    prev_hash: str


class VerifyResult(BaseModel):
    ok: bool
    events: int | None = None
    first_bad: int | None = None


def viewer(member: Member | None) -> service.Viewer:
    """Whose account activity the record lists to this reader: their own, or, for admins, all."""
    if member is None:
        return None
    if can(member.role, Permission.MANAGE_MEMBERS):
        return service.EVERY_ACCOUNT
    return member.id


def readable_draft_ids(session: SessionDep, member: Member | None) -> list[int | None]:
    """Events of private drafts are for members only."""
    return [draft.id for draft in readable_drafts(session, member)]


@api.get("/audit")
def audit_events(
    request: Request,
    response: Response,
    paging: PageParams,
    session: SessionDep,
    member: OptionalMember,
    after: Annotated[int, Query(ge=0, le=MAX_INT)] = 0,
) -> list[EventPublic]:
    query = service.events_query(
        viewer=viewer(member), after=after, draft_ids=readable_draft_ids(session, member)
    )
    page = paginate(session, query, paging)
    set_list_headers(request, response, page)
    return [
        EventPublic(
            seq=e.seq,
            at=service.utc_iso(e.at),
            actor=e.actor_name,
            action=e.action,
            object=e.object,
            details=e.details,
            hash=e.hash,
            prev_hash=e.prev_hash,
        )
        for e in page.items
    ]


@api.get("/audit/verify", response_model_exclude_none=True)
def verify(session: SessionDep) -> VerifyResult:
    result = service.verify_chain(session)
    if result.ok:
        return VerifyResult(ok=True, events=result.events)
    return VerifyResult(ok=False, first_bad=result.first_bad)


@pages.get("/registro", response_class=HTMLResponse)
def record_page(
    request: Request,
    session: SessionDep,
    member: OptionalMember,
    action: str = "",
    object: str = "",
    actor: Annotated[int | None, Query(ge=1, le=MAX_INT)] = None,
    before: Annotated[int | None, Query(ge=1, le=MAX_INT)] = None,
) -> HTMLResponse:
    events = service.list_events(
        session,
        viewer=viewer(member),
        before=before,
        limit=PAGE_SIZE + 1,
        newest_first=True,
        action=action or None,
        object=object or None,
        actor_id=actor,
        draft_ids=readable_draft_ids(session, member),
    )
    more = len(events) > PAGE_SIZE
    events = events[:PAGE_SIZE]
    actions = service.list_actions(session, viewer(member))
    context = {
        "events": events,
        "older": events[-1].seq if more else None,
        "filters": {"action": action, "object": object, "actor": actor},
        "actions": actions,
    }
    return render(request, "audit/record.html", context)
