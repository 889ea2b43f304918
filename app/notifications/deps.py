"""Dependencies: the unread count every page's header shows."""

from fastapi import Request
from starlette.concurrency import run_in_threadpool

from app.core.db import SessionDep
from app.members.deps import OptionalMember
from app.notifications import service


async def count_unread(request: Request, member: OptionalMember, session: SessionDep) -> None:
    """App-wide: for a signed-in person's pages, how many notifications they have not read
    (in request.state, for base.html). The API does not need it, so it is not counted there;
    nor anonymous readers, who are not handed to a worker thread for nothing."""
    if member is None or request.url.path.startswith("/api/"):
        return
    request.state.unread_notifications = await run_in_threadpool(
        service.unread_count, session, member
    )
