"""Exports over HTTP."""

from typing import Annotated

from fastapi import APIRouter, Depends, Response

from app.core.db import WriteSessionDep
from app.drafts.deps import DraftDep
from app.export import service
from app.members.deps import require
from app.members.models import Member
from app.members.permissions import Permission

api = APIRouter(prefix="/api/v1", tags=["export"])
Exporter = Annotated[Member, Depends(require(Permission.EXPORT))]


@api.get("/drafts/{slug}/export", response_class=Response)
def export(
    draft: DraftDep,
    member: Exporter,
    session: WriteSessionDep,
    format: str = "json",
    snapshot: str | None = None,
) -> Response:
    file = service.export(session, member, draft, format, snapshot)
    session.commit()  # the export is recorded before the file leaves
    return Response(
        file.content,
        media_type=file.media_type,
        headers={
            "Content-Disposition": f'attachment; filename="{file.filename}"',
            "X-Content-SHA256": file.sha256,
        },
    )
