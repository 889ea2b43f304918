"""Guards for entering contributions received outside Mesa (app/members/permissions.py)."""

from typing import Annotated

from fastapi import Depends

from app.members.deps import require
from app.members.models import Member
from app.members.permissions import Permission

Receiver = Annotated[Member, Depends(require(Permission.RECEIVE))]
