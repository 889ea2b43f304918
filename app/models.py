"""Every table, imported in one place for Alembic and the tests."""

from sqlmodel import SQLModel

from app.audit.models import AuditEvent
from app.drafts.models import Draft, Provision, ProvisionVersion, Snapshot, SnapshotEntry
from app.members.models import (
    ApiToken,
    Invitation,
    Member,
    MemberSession,
    RecoveryCode,
    SignInFailure,
)

metadata = SQLModel.metadata

__all__ = [
    "ApiToken",
    "AuditEvent",
    "Draft",
    "Invitation",
    "Member",
    "MemberSession",
    "Provision",
    "ProvisionVersion",
    "RecoveryCode",
    "SignInFailure",
    "Snapshot",
    "SnapshotEntry",
    "metadata",
]
