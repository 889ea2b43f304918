"""Guards for workshops (app/members/permissions.py): the secretariat enters them."""

from typing import Annotated

from fastapi import Depends

from app.members.deps import require
from app.members.models import Member
from app.members.permissions import Permission

Facilitator = Annotated[Member, Depends(require(Permission.RECEIVE))]
RoundRunner = Annotated[Member, Depends(require(Permission.RUN_ROUNDS))]
