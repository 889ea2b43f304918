"""Guards and loaders for the sessions routes: who may do what is in app/members/permissions.py."""

from typing import Annotated

from fastapi import Depends

from app.core.bounds import IdPath
from app.core.db import SessionDep
from app.drafts.deps import load_draft
from app.drafts.models import Draft
from app.meetings import service
from app.meetings.models import Meeting
from app.members.deps import OptionalMember, require
from app.members.models import Member
from app.members.permissions import Permission

SessionRunner = Annotated[Member, Depends(require(Permission.RUN_SESSIONS))]


def load_meeting(meeting_id: IdPath, session: SessionDep, member: OptionalMember) -> Meeting:
    """The session, if its draft may be read by whoever asks (404 otherwise, as drafts)."""
    meeting = service.get_meeting(session, meeting_id)
    draft = session.get_one(Draft, meeting.draft_id)
    load_draft(draft.slug, session, member)
    return meeting


MeetingDep = Annotated[Meeting, Depends(load_meeting)]
