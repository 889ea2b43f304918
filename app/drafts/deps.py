"""Loaders for drafts routes: the draft named in the path, or a 404; private ones need sign-in."""

from typing import Annotated

from fastapi import Depends

from app.core.db import SessionDep
from app.core.i18n import _
from app.drafts import service
from app.drafts.models import Draft
from app.members.deps import OptionalMember
from app.members.permissions import Permission, can
from app.members.signin import NotAuthenticated


def load_draft(slug: str, session: SessionDep, member: OptionalMember) -> Draft:
    draft = service.get_draft(session, slug)
    if not draft.is_public and not (member and can(member.role, Permission.READ)):
        raise NotAuthenticated(_("This draft is private: sign in to read it."))
    return draft


DraftDep = Annotated[Draft, Depends(load_draft)]
