"""Loaders and guards for drafts routes: the draft named in the path, or a 404 (private ones
need sign-in), and who may edit and freeze."""

from typing import Annotated

from fastapi import Depends
from sqlmodel import Session

from app.core.db import SessionDep
from app.core.i18n import _
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


def load_draft(slug: str, session: SessionDep, member: OptionalMember) -> Draft:
    draft = service.get_draft(session, slug)
    if not may_read(draft, member):
        raise NotAuthenticated(_("This draft is private: sign in to read it."))
    return draft


DraftDep = Annotated[Draft, Depends(load_draft)]
Editor = Annotated[Member, Depends(require(Permission.EDIT))]
Freezer = Annotated[Member, Depends(require(Permission.SNAPSHOT))]
