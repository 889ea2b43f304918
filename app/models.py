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
    ClauseOutcome,
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
from app.summaries.models import Summary
from app.workshops.models import CoverageRule, Workshop, WorkshopStance

metadata = SQLModel.metadata

__all__ = [
    "Adhesion",
    "Amendment",
    "AmendmentProposal",
    "AmendmentSource",
    "ApiToken",
    "AuditEvent",
    "ClauseOutcome",
    "Comment",
    "CommentRevision",
    "ConsensusRound",
    "ConsensusRule",
    "CoverageRule",
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
    "Summary",
    "SupportRule",
    "Workshop",
    "WorkshopStance",
    "metadata",
]
