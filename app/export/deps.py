"""Guards for the export routes: who may do what is in app/members/permissions.py."""

from typing import Annotated

from fastapi import Depends

from app.members.deps import require
from app.members.models import Member
from app.members.permissions import Permission

Exporter = Annotated[Member, Depends(require(Permission.EXPORT))]
