"""Every table, imported in one place for Alembic and the tests."""

from sqlmodel import SQLModel

from app.amendments.models import (
    Adhesion,
    Amendment,
    AmendmentProposal,
    AmendmentSource,
    SupportRule,
)
from app.audit.models import AuditEvent
from app.comments.models import Comment, CommentRevision
from app.consensus.models import (
    ConsensusRound,
    ConsensusRule,
    Position,
    PositionRecord,
    RoundClause,
)
from app.drafts.models import (
    Draft,
    Motives,
    Provision,
    ProvisionVersion,
    Snapshot,
    SnapshotEntry,
)
from app.drafts.notes import EditorialNote
from app.intake.models import Receipt
from app.meetings.models import Meeting, MeetingAttendance, MeetingDecision, MeetingItem
from app.members.models import (
    ApiToken,
    Invitation,
    Member,
    MemberSession,
    RecoveryCode,
    SignInFailure,
)
from app.notifications.models import (
    Follow,
    MailSettings,
    Notification,
    OutboxMessage,
    RoundReminder,
)
from app.search.models import SearchDocument

metadata = SQLModel.metadata

__all__ = [
    "Adhesion",
    "Amendment",
    "AmendmentProposal",
    "AmendmentSource",
    "ApiToken",
    "AuditEvent",
    "Comment",
    "CommentRevision",
    "ConsensusRound",
    "ConsensusRule",
    "Draft",
    "EditorialNote",
    "Follow",
    "Invitation",
    "MailSettings",
    "Meeting",
    "MeetingAttendance",
    "MeetingDecision",
    "MeetingItem",
    "Member",
    "MemberSession",
    "Motives",
    "Notification",
    "OutboxMessage",
    "Position",
    "PositionRecord",
    "Provision",
    "ProvisionVersion",
    "Receipt",
    "RecoveryCode",
    "RoundClause",
    "RoundReminder",
    "SearchDocument",
    "SignInFailure",
    "Snapshot",
    "SnapshotEntry",
    "SupportRule",
    "metadata",
]
