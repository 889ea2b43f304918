"""Guards for the amendments routes: who may do what is in app/members/permissions.py."""

from typing import Annotated

from fastapi import Depends

from app.members.deps import require
from app.members.models import Member
from app.members.permissions import Permission

Amender = Annotated[Member, Depends(require(Permission.AMEND))]
Merger = Annotated[Member, Depends(require(Permission.MERGE))]
