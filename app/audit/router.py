"""The public record ("Registro") and its verification."""

from collections.abc import Sequence
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, Response
from markupsafe import Markup
from pydantic import BaseModel
from sqlmodel import Session, col, select

from app.audit import describe, service
from app.audit.models import AuditEvent
from app.core.bounds import MAX_INT
from app.core.db import SessionDep
from app.core.pagination import PageParams, paginate, set_list_headers
from app.core.templating import render
from app.drafts import service as drafts
from app.drafts.deps import readable_drafts
from app.drafts.models import Draft
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
    kind: str = "",
    action: str = "",
    object: str = "",
    actor: Annotated[str, Query(max_length=20)] = "",  # the form sends "" for everyone
    before: Annotated[int | None, Query(ge=1, le=MAX_INT)] = None,
) -> HTMLResponse:
    actor_id = int(actor) if actor.isdigit() and 1 <= int(actor) <= MAX_INT else None
    readable = readable_drafts(session, member)
    events = service.list_events(
        session,
        viewer=viewer(member),
        before=before,
        limit=PAGE_SIZE + 1,
        newest_first=True,
        action=action or None,
        actions=describe.KINDS[kind][1] if kind in describe.KINDS else None,
        object=object or None,
        actor_id=actor_id,
        draft_ids=[draft.id for draft in readable],
    )
    more = len(events) > PAGE_SIZE
    events = events[:PAGE_SIZE]
    filters = {"kind": kind, "action": action, "object": object, "actor": actor_id}
    context = {
        "events": events,
        "described": _described(request, session, events, readable),
        "older": events[-1].seq if more else None,
        "filters": filters,
        # Anonymous readers never see account activity: no use offering it to them.
        "kinds": [
            (key, name)
            for key, (name, _actions) in describe.KINDS.items()
            if member or key != "account"
        ],
        "actors": service.list_actors(session, viewer(member)),
        "clauses": [(draft, drafts.load_outline(session, draft).clauses) for draft in readable],
        "older_query": {key: value for key, value in filters.items() if value},
    }
    return render(request, "audit/record.html", context)


def _described(
    request: Request, session: Session, events: Sequence[AuditEvent], readable: list[Draft]
) -> dict[int, Markup]:
    """Each event's sentence, with links to its actor's entries and to what it is about."""
    slugs = {draft.id: draft.slug for draft in readable}
    names = {f"draft:{draft.slug}": draft.title for draft in readable}
    member_ids = {int(e.object.partition(":")[2]) for e in events if e.object.startswith("member:")}
    if member_ids:
        people = session.exec(select(Member.id, Member.name).where(col(Member.id).in_(member_ids)))
        names.update({f"member:{member_id}": name for member_id, name in people.all()})
    record = request.app.url_path_for("record_page")

    def link(event: AuditEvent) -> str | None:
        kind, _sep, key = event.object.partition(":")
        slug = slugs.get(event.draft_id)
        url = request.app.url_path_for
        if kind == "provision" and slug and event.action != "provision.deleted":
            return str(url("provision_page", slug=slug, uid=key))
        if kind == "amendment":
            return str(url("amendment_page", amendment_id=key))
        if kind == "snapshot" and slug:
            return str(url("snapshot_page", slug=slug, snapshot_id=key))
        if kind == "session":
            return str(url("meeting_page", meeting_id=key))
        if kind == "round" and slug:
            return str(url("round_page", slug=slug, round_id=key))
        if kind == "draft" and key in slugs.values():
            return str(url("contents_page", slug=key))
        if kind == "member":
            return f"{record}?actor={key}"
        return None

    return {
        event.seq: describe.describe(
            event,
            link=link,
            actor_link=f"{record}?actor={event.actor_id}" if event.actor_id else None,
            names=names,
        )
        for event in events
    }
