"""Following, the Novedades page, mail settings, one-click unsubscribe and, for admins, the
mail that could not be delivered. HTTP only."""

from collections.abc import Callable
from typing import Annotated

from fastapi import APIRouter, Form, Query, Request, Response
from fastapi.responses import HTMLResponse

from app.core.bounds import IdPath, PageQuery
from app.core.db import SessionDep
from app.core.errors import DomainError
from app.core.forms import refused
from app.core.http import local_path, see_other
from app.core.pagination import PageParams, PageRequest, set_list_headers
from app.core.templating import render
from app.drafts.deps import may_read
from app.drafts.models import Draft
from app.members.deps import Admin, SignedInMember
from app.members.models import Member
from app.notifications import service, worker
from app.notifications.models import Notification
from app.notifications.schemas import (
    FollowForm,
    FollowIn,
    FollowOut,
    NotificationOut,
    ReadIn,
    SettingsForm,
    SettingsIn,
    SettingsOut,
)

api = APIRouter(prefix="/api/v1", tags=["notifications"])
pages = APIRouter(include_in_schema=False)
FEED_PAGE_SIZE = 20
OUTBOX_PAGE_SIZE = 50


def _readable(member: Member) -> Callable[[Draft], bool]:
    return lambda draft: may_read(draft, member)


@api.post("/follows", status_code=201)
def follow_api(body: FollowIn, member: SignedInMember, session: SessionDep) -> FollowOut:
    service.follow(session, member, body.object, readable=_readable(member))
    session.commit()
    return FollowOut(object=body.object, following=True)


@api.delete("/follows", status_code=204)
def unfollow_api(
    member: SignedInMember, session: SessionDep, object: Annotated[str, Query(max_length=200)]
) -> Response:
    service.unfollow(session, member, object)
    session.commit()
    return Response(status_code=204)


def _out(notification: Notification) -> NotificationOut:
    assert notification.id is not None
    return NotificationOut(
        id=notification.id,
        kind=notification.kind,
        object=notification.object,
        text=notification.text,
        link=notification.link,
        created_at=notification.created_at,
        read=notification.read_at is not None,
    )


@api.get("/me/notifications")
def notifications_api(
    request: Request,
    response: Response,
    member: SignedInMember,
    session: SessionDep,
    paging: PageParams,
) -> list[NotificationOut]:
    page = service.feed(session, member, paging)
    set_list_headers(request, response, page)
    return [_out(n) for n in page.items]


@api.post("/me/notifications/read")
def read_api(body: ReadIn, member: SignedInMember, session: SessionDep) -> dict[str, int]:
    marked = service.mark_read(session, member, body.ids)
    session.commit()
    return {"marked": marked}


@api.put("/me/notification-settings")
def settings_api(body: SettingsIn, member: SignedInMember, session: SessionDep) -> SettingsOut:
    settings = service.update_mail_settings(
        session, member, email=body.email, decisions=body.decisions, language=body.language
    )
    session.commit()
    return SettingsOut(
        email=settings.email, decisions=settings.decisions, language=settings.language
    )


@api.get("/me/notification-settings")
def settings_get_api(member: SignedInMember, session: SessionDep) -> SettingsOut:
    assert member.id is not None
    settings = service.mail_settings(session, member.id)
    return SettingsOut(
        email=settings.email, decisions=settings.decisions, language=settings.language
    )


# ---------------------------------------------------------------------------------------------
# Pages


def render_feed(
    request: Request,
    member: Member,
    session: SessionDep,
    page: int = 1,
    status: int = 200,
    settings_error: str | None = None,
) -> HTMLResponse:
    assert member.id is not None
    follows = service.following(session, member)
    context = {
        "notifications": service.feed(session, member, PageRequest(page, FEED_PAGE_SIZE)),
        "settings": service.mail_settings(session, member.id),
        "follows": follows,
        "settings_error": settings_error,
    }
    return render(request, "notifications/feed.html", context, status_code=status)


@pages.get("/me/notifications", response_class=HTMLResponse)
def feed_page(
    request: Request, member: SignedInMember, session: SessionDep, page: PageQuery = 1
) -> HTMLResponse:
    return render_feed(request, member, session, page)


@pages.post("/me/notifications/read")
def read_all(request: Request, member: SignedInMember, session: SessionDep) -> Response:
    service.mark_read(session, member)
    session.commit()
    return see_other(request.app.url_path_for("feed_page"))


@pages.post("/me/notifications/{notification_id}/open")
def open_notification(
    notification_id: IdPath, member: SignedInMember, session: SessionDep
) -> Response:
    link = service.open_notification(session, member, notification_id)
    session.commit()
    return see_other(link)


@pages.post("/me/notification-settings", response_model=None)
def settings_form(
    request: Request,
    form: Annotated[SettingsForm, Form()],
    member: SignedInMember,
    session: SessionDep,
) -> Response:
    try:
        service.update_mail_settings(
            session, member, email=form.email, decisions=form.decisions, language=form.language
        )
    except DomainError as error:
        return refused(
            session,
            error,
            lambda e: render_feed(
                request, member, session, status=e.status_code, settings_error=e.message
            ),
        )
    session.commit()
    return see_other(request.app.url_path_for("feed_page") + "?saved=1#settings")


@pages.post("/follows")
def follow_form(
    form: Annotated[FollowForm, Form()], member: SignedInMember, session: SessionDep
) -> Response:
    service.follow(session, member, form.object, readable=_readable(member))
    session.commit()
    return see_other(local_path(form.next))


@pages.post("/follows/stop")
def unfollow_form(
    form: Annotated[FollowForm, Form()], member: SignedInMember, session: SessionDep
) -> Response:
    service.unfollow(session, member, form.object)
    session.commit()
    return see_other(local_path(form.next))


@pages.get("/unsubscribe/{member_id}/{token}", response_class=HTMLResponse)
def unsubscribe_page(
    request: Request, member_id: IdPath, token: str, session: SessionDep
) -> HTMLResponse:
    if not service.unsubscribe_link_valid(session, member_id, token):
        return render(request, "notifications/unsubscribe.html", {"valid": False}, 404)
    return render(request, "notifications/unsubscribe.html", {"valid": True, "done": False})


@pages.post("/unsubscribe/{member_id}/{token}", response_class=HTMLResponse)
def unsubscribe(
    request: Request, member_id: IdPath, token: str, session: SessionDep
) -> HTMLResponse:
    """The mail client's one-click POST (RFC 8058), or the button on the page: no sign-in and
    no CSRF token, the link's own HMAC is the credential (create_app exempts this path)."""
    service.unsubscribe(session, member_id, token)
    session.commit()
    return render(request, "notifications/unsubscribe.html", {"valid": True, "done": True})


@pages.get("/admin/mail", response_class=HTMLResponse)
def mail_page(
    request: Request, admin: Admin, session: SessionDep, page: PageQuery = 1
) -> HTMLResponse:
    messages = worker.troubled(session, PageRequest(page, OUTBOX_PAGE_SIZE))
    return render(request, "notifications/outbox.html", {"messages": messages})


@pages.post("/admin/mail/{message_id}/retry")
def retry_mail(request: Request, message_id: IdPath, admin: Admin, session: SessionDep) -> Response:
    worker.retry(session, message_id)
    session.commit()
    return see_other(request.app.url_path_for("mail_page"))
