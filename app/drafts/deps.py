"""Loaders for drafts routes: the draft named in the path, or a 404."""

from typing import Annotated

from fastapi import Depends

from app.core.db import SessionDep
from app.drafts import service
from app.drafts.models import Draft


def load_draft(slug: str, session: SessionDep) -> Draft:
    return service.get_draft(session, slug)


DraftDep = Annotated[Draft, Depends(load_draft)]
