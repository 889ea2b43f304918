"""Every table, imported in one place for Alembic and the tests."""

from sqlmodel import SQLModel

from app.amendments.models import Amendment, AmendmentSource
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

metadata = SQLModel.metadata

__all__ = [
    "Amendment",
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
    "Member",
    "MemberSession",
    "Motives",
    "Notification",
    "OutboxMessage",
    "Position",
    "PositionRecord",
    "Provision",
    "ProvisionVersion",
    "RecoveryCode",
    "RoundClause",
    "RoundReminder",
    "SignInFailure",
    "Snapshot",
    "SnapshotEntry",
    "metadata",
]
