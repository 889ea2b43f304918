"""Guards for the consensus routes: who may do what is in app/members/permissions.py."""

from typing import Annotated

from fastapi import Depends

from app.members.deps import require
from app.members.models import Member
from app.members.permissions import Permission

Voter = Annotated[Member, Depends(require(Permission.TAKE_POSITION))]
RoundRunner = Annotated[Member, Depends(require(Permission.RUN_ROUNDS))]
