"""Who is asking, and whether they may: one guard per permission, used at the route."""

from collections.abc import Awaitable, Callable
from typing import Annotated

from fastapi import Depends, Request
from sqlmodel import Session
from starlette.concurrency import run_in_threadpool

from app.core.db import SessionDep
from app.core.errors import Forbidden
from app.core.i18n import _
from app.core.security import SESSION_COOKIE
from app.members import service, signin
from app.members.models import Member
from app.members.permissions import SECOND_FACTOR_REQUIRED, Permission, can

BEARER = "bearer "


def _for_pages(member: Member) -> Member:
    """A copy of the member bound to no session, for templates: error pages render after the
    request's session has rolled back and closed, when the member itself can no longer load.
    Its fields as read from the database, not validated again: that was 2.6% of a member's
    page. Read only: a copy made so belongs to no session and can join none."""
    return Member.model_construct(**member.model_dump())


def _nobody(request: Request) -> None:
    request.state.member = None
    request.state.member_session = None
    request.state.via_token = False


def identify(request: Request, session: Session) -> Member | None:
    """The signed-in member, from a Bearer token or the session cookie; None if anonymous.
    `request.state.member` is what templates read, the returned member what routes change."""
    _nobody(request)
    authorization = request.headers.get("authorization", "")
    if authorization.lower().startswith(BEARER):
        member = service.authenticate_api_token(session, authorization[len(BEARER) :].strip())
        if member is None:
            raise signin.NotAuthenticated(_("The API token is not valid or has been revoked."))
        request.state.member = _for_pages(member)
        request.state.via_token = True
        return member
    found = signin.authenticate_session(session, request.cookies.get(SESSION_COOKIE))
    if found is None:
        return None
    member, member_session = found
    request.state.member_session = member_session
    if member_session.awaiting_second_factor:
        return None  # half signed in: only the code page knows about this session
    request.state.member = _for_pages(member)
    return member


def _identify_and_read(request: Request, session: Session) -> Member | None:
    member = identify(request, session)
    if member is not None:
        # What else a signed-in person's request reads, set by create_app (app/main.py): the
        # header's unread count, the draft the address names. Each is read(request, session,
        # member), in the thread that finds who is asking.
        for read in getattr(request.app.state, "also_read", ()):
            read(request, session, member)
    return member


async def current_member(request: Request, session: SessionDep) -> Member | None:
    """Who is asking; an app-wide dependency, so every page shows it.

    Someone with neither a session cookie nor a token is anonymous: told on the event loop.
    For the others, who they are and what else their request reads (`app.state.also_read`)
    take one hand-over to a worker thread and back, not one each: a hand-over costs about as
    much of the server's time as the statement it runs.
    """
    if SESSION_COOKIE not in request.cookies and "authorization" not in request.headers:
        _nobody(request)
        return None
    return await run_in_threadpool(_identify_and_read, request, session)


OptionalMember = Annotated[Member | None, Depends(current_member)]


def needs_second_factor_setup(request: Request, member: Member) -> bool:
    """Secretariat and admin accounts must turn on two-factor sign-in in production."""
    return (
        request.app.state.settings.production
        and member.role in SECOND_FACTOR_REQUIRED
        and not member.totp_enabled
    )


# The guards below only look at the member: no thread to hand over to and back.
async def signed_in(request: Request, member: OptionalMember) -> Member:
    if member is None:
        raise signin.NotAuthenticated(_("Sign in to continue."))
    return member


SignedInMember = Annotated[Member, Depends(signed_in)]


async def signed_in_browser(request: Request, member: SignedInMember) -> Member:
    """For what guards an account (its second factor, new API tokens): a stolen API token alone
    must not be able to change them or to outlive its revocation."""
    if request.state.via_token:
        raise Forbidden(_("Sign in with a browser to do this: an API token cannot."))
    return member


BrowserMember = Annotated[Member, Depends(signed_in_browser)]


def require(permission: Permission) -> Callable[..., Awaitable[Member]]:
    """A route guard: the member must be signed in and their role must hold `permission`."""

    async def guard(request: Request, member: SignedInMember) -> Member:
        if needs_second_factor_setup(request, member):
            raise Forbidden(_("Turn on two-factor sign-in in your account before you continue."))
        if not can(member.role, permission):
            raise Forbidden(_("Your role does not allow this."))
        return member

    guard.permission = permission  # type: ignore[attr-defined]  # read by the permission-matrix test
    return guard


Admin = Annotated[Member, Depends(require(Permission.MANAGE_MEMBERS))]
MemberLister = Annotated[Member, Depends(require(Permission.LIST_MEMBERS))]
