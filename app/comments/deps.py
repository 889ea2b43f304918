"""Guards for the comments routes: who may do what is in app/members/permissions.py."""

from typing import Annotated

from fastapi import Depends

from app.members.deps import require
from app.members.models import Member
from app.members.permissions import Permission

Commenter = Annotated[Member, Depends(require(Permission.COMMENT))]
Moderator = Annotated[Member, Depends(require(Permission.MODERATE))]
Merger = Annotated[Member, Depends(require(Permission.MERGE))]  # answers comments for the matriz
