"""Sign-in, the member's own account, and member management. HTTP only; rules in service.py."""

from collections.abc import Callable
from typing import Annotated, Any

import segno
from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from markupsafe import Markup

from app.core.bounds import IdPath
from app.core.csrf import rotate_csrf_cookie
from app.core.db import SessionDep
from app.core.errors import DomainError, InvalidInput
from app.core.forms import refused, refused_and_counted
from app.core.http import client_address, local_path, see_other
from app.core.i18n import _
from app.core.pagination import PageParams, set_list_headers
from app.core.security import SESSION_COOKIE, totp_uri
from app.core.templating import render
from app.members import service, signin
from app.members.agents import describe_agent
from app.members.deps import (
    Admin,
    BrowserMember,
    MemberLister,
    OptionalMember,
    SignedInMember,
    needs_second_factor_setup,
)
from app.members.models import REGIONS, Gender, Member, Sector
from app.members.permissions import Role
from app.members.schemas import (
    CodeForm,
    InviteForm,
    MemberListed,
    MemberPublic,
    PasswordForm,
    RoleForm,
    SignInForm,
    TokenForm,
)
from app.notifications import service as notifications

api = APIRouter(prefix="/api/v1", tags=["members"])
pages = APIRouter(include_in_schema=False)


def _session_cookie(request: Request, response: Response, token: str | None) -> None:
    if token is None:
        response.delete_cookie(SESSION_COOKIE, path="/")
        return
    response.set_cookie(
        SESSION_COOKIE,
        token,
        max_age=int(signin.SESSION_LIFETIME.total_seconds()),
        httponly=True,
        samesite="lax",
        secure=request.app.state.settings.production,
        path="/",
    )


@api.get("/me")
def me(member: SignedInMember) -> MemberPublic:
    assert member.id is not None
    return MemberPublic(
        id=member.id,
        name=member.name,
        organization=member.organization,
        sector=member.sector,
        region=member.region,
        role=member.role,
    )


@api.get("/members")
def list_members(
    http: Request,
    response: Response,
    _lister: MemberLister,
    session: SessionDep,
    paging: PageParams,
) -> list[MemberListed]:
    """Every member, active or not, by name: whom a session's attendance can name."""
    page = service.page_of_members(session, paging)
    set_list_headers(http, response, page)
    return [
        MemberListed(
            id=m.id or 0,
            name=m.name,
            organization=m.organization,
            sector=m.sector,
            region=m.region,
            role=m.role,
            active=m.is_active,
        )
        for m in page.items
    ]


# Signing in and out ----------------------------------------------------------------------


@pages.get("/sign-in", response_class=HTMLResponse)
def sign_in_page(request: Request, next: str = "/") -> HTMLResponse:
    return render(request, "members/sign_in.html", {"next": local_path(next), "email": ""})


@pages.post("/sign-in", response_model=None)
def sign_in(request: Request, form: Annotated[SignInForm, Form()], session: SessionDep) -> Response:
    target = local_path(form.next)
    try:
        signed = signin.sign_in(
            session,
            email=form.email,
            password=form.password,
            address=client_address(request),
            user_agent=request.headers.get("user-agent", ""),
        )
    except DomainError as error:
        context = {"next": target, "email": form.email, "error": error.message}
        return refused_and_counted(session, error, lambda e: render(
            request, "members/sign_in.html", context, status_code=e.status_code
        ))  # fmt: skip
    session.commit()
    if signed.awaiting_second_factor:
        response = see_other(request.app.url_path_for("second_factor_page") + f"?next={target}")
    else:
        response = see_other(target)
    rotate_csrf_cookie(request)
    _session_cookie(request, response, signed.token)
    return response


@pages.get("/sign-in/code", response_class=HTMLResponse)
def second_factor_page(request: Request, next: str = "/") -> HTMLResponse:
    return render(request, "members/second_factor.html", {"next": local_path(next)})


@pages.post("/sign-in/code", response_model=None)
def second_factor(
    request: Request,
    form: Annotated[CodeForm, Form()],
    session: SessionDep,
    _member: OptionalMember,
    next: str = "/",
) -> Response:
    pending = request.state.member_session
    if pending is None or not pending.awaiting_second_factor:
        return see_other(request.app.url_path_for("sign_in_page"))
    member = service.get_member(session, pending.member_id)
    try:
        signin.complete_second_factor(
            session, member, pending, code=form.code, address=client_address(request)
        )
    except DomainError as error:
        context = {"next": local_path(next), "error": error.message}
        return refused_and_counted(session, error, lambda e: render(
            request, "members/second_factor.html", context, status_code=e.status_code
        ))  # fmt: skip
    session.commit()
    return see_other(local_path(next))


@pages.post("/sign-out")
def sign_out(request: Request, member: SignedInMember, session: SessionDep) -> RedirectResponse:
    signin.sign_out(session, member, request.state.member_session)
    session.commit()
    response = see_other("/")
    rotate_csrf_cookie(request)
    _session_cookie(request, response, None)
    return response


# The member's own account ------------------------------------------------------------------


def _account(request: Request, session: SessionDep, member: Member, **extra: Any) -> HTMLResponse:
    if extra.get("totp_uri"):
        extra["totp_qr"] = qr_svg(extra["totp_uri"])
    context = {
        "sessions": [
            (open_session, describe_agent(open_session.user_agent))
            for open_session in signin.list_sessions(session, member)
        ],
        "this_session": getattr(request.state, "member_session", None),
        "tokens": service.list_api_tokens(session, member),
        "must_enable_second_factor": needs_second_factor_setup(request, member),
        **extra,
    }
    return render(request, "members/account.html", context, status_code=extra.pop("status", 200))


@pages.get("/account", response_class=HTMLResponse)
def account_page(request: Request, member: SignedInMember, session: SessionDep) -> HTMLResponse:
    return _account(request, session, member, notice=request.query_params.get("notice"))


def qr_svg(uri: str) -> Markup:
    """The authenticator link as a QR code, inline SVG drawn here: the key never leaves Mesa."""
    code = segno.make(uri, error="m")
    return Markup(code.svg_inline(scale=4, border=2, dark="#1d1b19", light="#ffffff"))  # noqa: S704 (segno's own SVG, no user markup)


@pages.post("/account/sessions/{session_id}/sign-out")
def sign_out_session(
    request: Request, session_id: IdPath, member: SignedInMember, session: SessionDep
) -> Response:
    try:
        ended = signin.sign_out_session(session, member, session_id)
    except DomainError as error:
        return refused(session, error, lambda e: _account(
            request, session, member, status=e.status_code, sessions_error=e.message
        ))  # fmt: skip
    session.commit()
    current = getattr(request.state, "member_session", None)
    if current is not None and current.id == ended.id:  # this very browser: signed out here
        response = see_other("/")
        _session_cookie(request, response, None)
        return response
    return see_other(request.app.url_path_for("account_page") + "?notice=session_ended#sessions")


@pages.post("/account/sign-out-everywhere")
def sign_out_everywhere(
    request: Request, member: SignedInMember, session: SessionDep
) -> RedirectResponse:
    signin.sign_out_everywhere(session, member)
    session.commit()
    response = see_other("/")
    _session_cookie(request, response, None)
    return response


@pages.post("/account/tokens", response_class=HTMLResponse)
def create_token(
    request: Request,
    form: Annotated[TokenForm, Form()],
    member: BrowserMember,
    session: SessionDep,
) -> HTMLResponse:
    try:
        _token, raw = service.create_api_token(session, member, form.name)
    except DomainError as error:
        return refused(session, error, lambda e: _account(
            request, session, member, token_error=e.message, status=e.status_code
        ))  # fmt: skip
    session.commit()
    # Shown once, here: only its hash is kept.
    return _account(request, session, member, new_token=raw)


@pages.post("/account/tokens/{token_id}/revoke")
def revoke_token(
    request: Request, token_id: IdPath, member: SignedInMember, session: SessionDep
) -> Response:
    try:
        service.revoke_api_token(session, member, token_id)
    except DomainError as error:
        return refused(session, error, lambda e: _account(
            request, session, member, revoke_error=e.message, status=e.status_code
        ))  # fmt: skip
    session.commit()
    return see_other(request.app.url_path_for("account_page") + "?notice=token_revoked")


def _second_factor_refused(
    request: Request, session: SessionDep, member: Member, error: DomainError
) -> HTMLResponse:
    return refused_and_counted(session, error, lambda e: _account(
        request, session, member, second_factor_error=e.message, status=e.status_code
    ))  # fmt: skip


@pages.post("/account/second-factor/start", response_class=HTMLResponse)
def start_second_factor(
    request: Request, form: Annotated[CodeForm, Form()], member: BrowserMember, session: SessionDep
) -> HTMLResponse:
    try:
        secret = signin.start_second_factor(
            session, member, code=form.code, address=client_address(request)
        )
    except DomainError as error:
        return _second_factor_refused(request, session, member, error)
    session.commit()
    return _account(
        request, session, member, totp_secret=secret, totp_uri=totp_uri(secret, member.email)
    )


@pages.post("/account/second-factor/enable", response_class=HTMLResponse)
def enable_second_factor(
    request: Request, form: Annotated[CodeForm, Form()], member: BrowserMember, session: SessionDep
) -> HTMLResponse:
    try:
        codes = signin.enable_second_factor(session, member, form.code)
    except DomainError as error:
        # A wrong code shows the set-up again beside its field; with none started, the section.
        secret = member.totp_secret
        shown: dict[str, Any] = (
            {"totp_secret": secret, "totp_uri": totp_uri(secret, member.email)}
            if secret and not member.totp_enabled
            else {}
        )
        where = "code_error" if shown else "second_factor_error"
        return refused(session, error, lambda e: _account(
            request, session, member, status=e.status_code, **shown, **{where: e.message}
        ))  # fmt: skip
    session.commit()
    return _account(request, session, member, recovery_codes=codes)


@pages.post("/account/second-factor/recovery-codes", response_class=HTMLResponse)
def renew_recovery_codes(
    request: Request, form: Annotated[CodeForm, Form()], member: BrowserMember, session: SessionDep
) -> HTMLResponse:
    try:
        codes = signin.renew_recovery_codes(
            session, member, code=form.code, address=client_address(request)
        )
    except DomainError as error:
        return _second_factor_refused(request, session, member, error)
    session.commit()
    return _account(request, session, member, recovery_codes=codes)


@pages.post("/account/second-factor/disable", response_model=None)
def disable_second_factor(
    request: Request, form: Annotated[CodeForm, Form()], member: BrowserMember, session: SessionDep
) -> Response:
    try:
        signin.disable_second_factor(
            session, member, code=form.code, address=client_address(request)
        )
    except DomainError as error:
        return _second_factor_refused(request, session, member, error)
    session.commit()
    return see_other(request.app.url_path_for("account_page") + "?notice=second_factor_off")


# Members, for admins -----------------------------------------------------------------------


def _members(request: Request, session: SessionDep, **extra: Any) -> HTMLResponse:
    context = {
        "members": service.list_members(session),
        "roles": list(Role),
        "sectors": list(Sector),
        "regions": REGIONS,
        "genders": list(Gender),
        "form": extra.pop("form", InviteForm()),
        **extra,
    }
    return render(request, "members/list.html", context, status_code=extra.pop("status", 200))


@pages.get("/members", response_class=HTMLResponse)
def members_page(request: Request, _admin: Admin, session: SessionDep) -> HTMLResponse:
    return _members(request, session, notice=request.query_params.get("notice"))


@pages.post("/members/invite", response_class=HTMLResponse)
def invite_member(
    request: Request, form: Annotated[InviteForm, Form()], admin: Admin, session: SessionDep
) -> HTMLResponse:
    details = service.MemberDetails(
        email=form.email,
        name=form.name,
        role=form.role,
        organization=form.organization,
        sector=form.sector,
        region=form.region,
        gender=form.gender or None,
    )
    try:
        member, token = service.invite(session, admin, details)
    except DomainError as error:
        return refused(session, error, lambda e: _members(
            request, session, form=form, error=e.message, status=e.status_code
        ))  # fmt: skip
    link = str(request.url_for("invitation_page", token=token))
    notifications.send_invitation(session, member=member, link=link)  # in this transaction
    session.commit()
    return _members(request, session, invited=member, invitation_link=link)


@pages.post("/members/{member_id}/reinvite", response_class=HTMLResponse)
def reinvite_member(
    request: Request, member_id: IdPath, admin: Admin, session: SessionDep
) -> HTMLResponse:
    member = service.get_member(session, member_id)
    token = service.reinvite(session, admin, member=member)
    link = str(request.url_for("invitation_page", token=token))
    notifications.send_invitation(session, member=member, link=link)  # in this transaction
    session.commit()
    return _members(request, session, invited=member, invitation_link=link)


def _member_change(
    request: Request, session: SessionDep, member_id: int, change: Callable[[], None], notice: str
) -> Response:
    """Role and activation changes answer alike: the members page with a notice, or with the
    refusal on that member's row."""
    try:
        change()
    except DomainError as error:
        return refused(session, error, lambda e: _members(
            request, session, refused_member=member_id, row_error=e.message, status=e.status_code
        ))  # fmt: skip
    session.commit()
    return see_other(request.app.url_path_for("members_page") + f"?notice={notice}")


@pages.post("/members/{member_id}/role")
def change_role(
    request: Request,
    member_id: IdPath,
    form: Annotated[RoleForm, Form()],
    admin: Admin,
    session: SessionDep,
) -> Response:
    member = service.get_member(session, member_id)
    return _member_change(
        request, session, member_id,
        lambda: service.change_role(session, admin, member=member, role=form.role),
        "role_changed",
    )  # fmt: skip


@pages.post("/members/{member_id}/deactivate")
def deactivate_member(
    request: Request, member_id: IdPath, admin: Admin, session: SessionDep
) -> Response:
    member = service.get_member(session, member_id)
    return _member_change(
        request, session, member_id,
        lambda: service.set_active(session, admin, member=member, active=False),
        "deactivated",
    )  # fmt: skip


@pages.post("/members/{member_id}/activate")
def activate_member(
    request: Request, member_id: IdPath, admin: Admin, session: SessionDep
) -> Response:
    member = service.get_member(session, member_id)
    return _member_change(
        request, session, member_id,
        lambda: service.set_active(session, admin, member=member, active=True),
        "activated",
    )  # fmt: skip


# Invitations -------------------------------------------------------------------------------


@pages.get("/invitations/{token}", response_class=HTMLResponse)
def invitation_page(request: Request, token: str, session: SessionDep) -> HTMLResponse:
    _invitation, member = service.open_invitation(session, token)
    return render(request, "members/invitation.html", {"invitee": member, "token": token})


@pages.post("/invitations/{token}", response_model=None)
def accept_invitation(
    request: Request, token: str, form: Annotated[PasswordForm, Form()], session: SessionDep
) -> Response:
    _invitation, invitee = service.open_invitation(session, token)
    try:
        if form.password != form.password_again:
            raise InvalidInput(_("The two passwords are not the same."), field="password_again")
        service.accept_invitation(session, token=token, password=form.password)
    except InvalidInput as error:
        context = {"invitee": invitee, "token": token, "error": error.message}
        return render(request, "members/invitation.html", context, status_code=422)
    session.commit()
    return see_other(request.app.url_path_for("sign_in_page") + "?joined=1")
