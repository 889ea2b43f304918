"""Comments over HTTP: the API, and the forms on the article page."""

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import Response

from app.audit.service import utc_iso
from app.comments import service
from app.comments.deps import Commenter, Merger, Moderator
from app.comments.models import Comment
from app.comments.schemas import CommentBody, CommentPublic, DispositionBody
from app.core.bounds import MAX_INT, IdPath
from app.core.db import SessionDep
from app.core.errors import DomainError
from app.core.forms import refused
from app.core.http import see_other
from app.core.pagination import PageParams, set_list_headers
from app.drafts import service as drafts
from app.drafts.deps import DraftDep
from app.drafts.models import Draft, Provision
from app.pages.article import render_article_page
from app.workshops import service as workshops

api = APIRouter(prefix="/api/v1", tags=["comments"])
pages = APIRouter(include_in_schema=False)


def _public(view: service.CommentView) -> CommentPublic:
    comment = view.comment
    assert comment.id is not None
    hidden = comment.hidden_at is not None
    return CommentPublic(
        id=comment.id,
        body=None if hidden else comment.body,
        quote=comment.quote,
        parent=comment.parent_id,
        author=view.author,
        version=comment.version,
        hidden=hidden,
        hidden_reason=comment.hidden_reason,
        anchored=view.anchored,
        created_at=utc_iso(comment.created_at),
        channel=view.channel,
        disposition=comment.disposition,
        disposition_reason=comment.disposition_reason,
    )


@api.get("/drafts/{slug}/provisions/{uid}/comments")
def list_comments(
    request: Request,
    response: Response,
    paging: PageParams,
    draft: DraftDep,
    uid: str,
    session: SessionDep,
) -> list[CommentPublic]:
    entry = drafts.load_outline(session, draft).get(uid)
    page = service.comment_list(session, entry, paging)
    set_list_headers(request, response, page)
    return [_public(view) for view in page.items]


@api.post("/drafts/{slug}/provisions/{uid}/comments", status_code=201)
def add_comment(
    draft: DraftDep, uid: str, body: CommentBody, author: Commenter, session: SessionDep
) -> CommentPublic:
    entry = drafts.load_outline(session, draft).get(uid)
    received = body.received.details() if body.received else None
    receipt = workshops.receipt_for(session, author, draft, received, body.workshop)
    comment = service.add_comment(
        session,
        author,
        draft,
        entry,
        body=body.body,
        quote=body.quote,
        parent_id=body.parent,
        receipt=receipt,
    )
    session.commit()
    return _public(service.view_of(session, entry, comment, author))


@api.put("/comments/{comment_id}/disposition")
def dispose(
    comment_id: IdPath, body: DispositionBody, merger: Merger, session: SessionDep
) -> CommentPublic:
    """The secretariat's answer to a comment, for the matriz de aportes."""
    comment = service.get_comment(session, comment_id)
    service.dispose_comment(
        session, merger, comment, disposition=body.disposition, reason=body.reason
    )
    session.commit()
    provision = session.get_one(Provision, comment.provision_id)
    entry = drafts.load_outline(session, session.get_one(Draft, comment.draft_id)).get(
        provision.uid
    )
    return _public(service.view_of(session, entry, comment, merger))


def _article(request: Request, slug: str, uid: str, anchor: str) -> str:
    url = str(request.app.url_path_for("provision_page", slug=slug, uid=uid))
    return f"{url}#{anchor}"


@pages.post("/drafts/{slug}/provisions/{uid}/comments", response_model=None)
def comment_submit(
    request: Request,
    draft: DraftDep,
    uid: str,
    author: Commenter,
    session: SessionDep,
    body: Annotated[str, Form()] = "",
    quote: Annotated[str, Form()] = "",
    parent: Annotated[int | None, Form(ge=0, le=MAX_INT)] = None,
) -> Response:
    entry = drafts.load_outline(session, draft).get(uid)
    try:
        comment = service.add_comment(
            session, author, draft, entry, body=body, quote=quote or None, parent_id=parent
        )
    except DomainError as error:
        return refused(session, error, lambda e: render_article_page(
            request, draft, uid, session, status=e.status_code,
            comment_form={"body": body, "quote": quote, "error": e.message},
        ))  # fmt: skip
    session.commit()
    return see_other(_article(request, draft.slug, uid, f"comment-{comment.id}"))


@pages.post("/comments/{comment_id}/edit")
def comment_edit(
    request: Request,
    comment_id: IdPath,
    author: Commenter,
    session: SessionDep,
    body: Annotated[str, Form()] = "",
) -> Response:
    comment = service.get_comment(session, comment_id)
    try:
        service.edit_comment(session, author, comment, body)
    except DomainError as error:
        return refused(session, error, lambda e: _refused_on(
            request, session, comment, e, action="edit", typed=body
        ))  # fmt: skip
    session.commit()
    return see_other(_return_to(request, session, comment))


@pages.post("/comments/{comment_id}/disposition")
def comment_dispose(
    request: Request,
    comment_id: IdPath,
    merger: Merger,
    session: SessionDep,
    disposition: Annotated[str, Form(max_length=20)] = "",
    reason: Annotated[str, Form()] = "",
) -> Response:
    comment = service.get_comment(session, comment_id)
    try:
        service.dispose_comment(session, merger, comment, disposition=disposition, reason=reason)
    except DomainError as error:
        return refused(session, error, lambda e: _refused_on(
            request, session, comment, e, action="dispose", typed=reason, chosen=disposition
        ))  # fmt: skip
    session.commit()
    return see_other(_return_to(request, session, comment))


@pages.post("/comments/{comment_id}/hide")
def comment_hide(
    request: Request,
    comment_id: IdPath,
    moderator: Moderator,
    session: SessionDep,
    reason: Annotated[str, Form()] = "",
) -> Response:
    comment = service.get_comment(session, comment_id)
    try:
        service.hide_comment(session, moderator, comment, reason)
    except DomainError as error:
        return refused(session, error, lambda e: _refused_on(
            request, session, comment, e, action="hide", typed=reason
        ))  # fmt: skip
    session.commit()
    return see_other(_return_to(request, session, comment))


def _refused_on(
    request: Request,
    session: SessionDep,
    comment: Comment,
    error: DomainError,
    *,
    action: str,
    typed: str,
    chosen: str = "",
) -> Response:
    """The article, the refused form open beside its comment with what was typed (and, for an
    answer, the outcome chosen)."""
    draft = session.get(Draft, comment.draft_id)
    provision = session.get(Provision, comment.provision_id)
    assert draft is not None and provision is not None
    refused = {
        "comment_id": comment.id, "action": action, "value": typed, "chosen": chosen,
        "error": error.message,
    }  # fmt: skip
    return render_article_page(
        request, draft, provision.uid, session, status=error.status_code,
        refused_on_comment=refused,
    )  # fmt: skip


def _return_to(request: Request, session: SessionDep, comment: Comment) -> str:
    draft = session.get(Draft, comment.draft_id)
    provision = session.get(Provision, comment.provision_id)
    assert draft is not None and provision is not None
    return _article(request, draft.slug, provision.uid, f"comment-{comment.id}")
