"""Loaders and guards for drafts routes: the draft named in the path, or a 404 (private ones
need sign-in), and who may edit and freeze."""

import hashlib
from contextlib import suppress
from typing import Annotated

from fastapi import Depends, Request
from sqlmodel import Session
from starlette.concurrency import run_in_threadpool

from app.core.db import SessionDep
from app.core.errors import NotFound
from app.core.i18n import _, reading_language
from app.drafts import service
from app.drafts.models import Draft
from app.members.deps import OptionalMember, require
from app.members.models import Member
from app.members.permissions import Permission, can
from app.members.signin import NotAuthenticated


def may_read(draft: Draft, member: Member | None) -> bool:
    """The one rule for private drafts: anyone reads a public one, members read them all."""
    return draft.is_public or (member is not None and can(member.role, Permission.READ))


def readable_drafts(session: Session, member: Member | None) -> list[Draft]:
    return [draft for draft in service.list_drafts(session) if may_read(draft, member)]


def _readable(draft: Draft, member: Member | None) -> Draft:
    if not may_read(draft, member):
        raise NotAuthenticated(_("This draft is private: sign in to read it."))
    return draft


def load_draft(slug: str, session: Session, member: Member | None) -> Draft:
    return _readable(service.get_draft(session, slug), member)


def read_named_draft(request: Request, session: Session, _member: Member) -> None:
    """Read with who is asking (app.state.also_read, app/members/deps.py): the draft the
    address names, if there is one, for `named_draft`."""
    slug = request.path_params.get("slug")
    if slug is not None:
        with suppress(NotFound):  # said by named_draft, if the route reads a draft
            request.state.named_draft = service.get_draft(session, slug)


async def named_draft(
    request: Request, slug: str, session: SessionDep, member: OptionalMember
) -> Draft:
    """The draft named by the address, or a 404 (private ones need sign-in). For a signed-in
    person it was read with who they are; otherwise it takes its own hand-over to a thread."""
    draft: Draft | None = getattr(request.state, "named_draft", None)
    if draft is None or draft.slug != slug:  # anonymous, or no such draft
        return await run_in_threadpool(load_draft, slug, session, member)
    return _readable(draft, member)


DraftDep = Annotated[Draft, Depends(named_draft)]
Editor = Annotated[Member, Depends(require(Permission.EDIT))]
Freezer = Annotated[Member, Depends(require(Permission.SNAPSHOT))]


class NotModified(Exception):
    """The reader's copy is current: answered with a 304 before anything is rendered."""

    def __init__(self, etag: str) -> None:
        self.etag = etag


async def revalidate(request: Request, draft: DraftDep, member: OptionalMember) -> None:
    """For an anonymous reader, what a page or response shows follows from the draft's
    revision, the language and the address: that is its ETag, and a reader (or a proxy) that
    has it gets a 304. Members' pages carry their own state and stay uncached. It reads only
    the request, so it runs on the event loop: no thread to hand over to and back."""
    if member is not None or request.headers.get("authorization"):
        return
    gzip = "gzip" in request.headers.get("accept-encoding", "")  # another representation
    where = f"{request.url.path}?{request.url.query}"
    # The reading language: Quechua and Aymara readers get Spanish pages with other summaries.
    identity = f"{draft.cache_key}|{reading_language.get()}|{gzip}|{where}"
    etag = f'"r{draft.revision}-{hashlib.sha256(identity.encode()).hexdigest()[:20]}"'
    if etag in (tag.strip() for tag in request.headers.get("if-none-match", "").split(",")):
        raise NotModified(etag)
    request.state.etag = etag  # the response, shared, is served again by app/core/anonymous.py


# On the routes whose response follows from the draft's revision alone, for anonymous readers.
Revalidated = Depends(revalidate)
