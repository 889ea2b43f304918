"""Amendments: proposals to modify, insert or delete a clause, and their decisions."""

from datetime import datetime
from enum import StrEnum

from sqlalchemy import DateTime, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from app.core.i18n import _
from app.core.models import created_at_field


class AmendmentKind(StrEnum):
    MODIFY = "modify"
    INSERT = "insert"  # a new clause after `provision_id`
    DELETE = "delete"


class AmendmentStatus(StrEnum):
    SUBMITTED = "submitted"
    ACCEPTED = "accepted"
    ACCEPTED_MODIFIED = "accepted_modified"  # merged by hand, citing the amendments it draws on
    REJECTED = "rejected"
    WITHDRAWN = "withdrawn"


def status_names() -> dict[str, str]:
    """Each status in the reader's language, as the committee reads them: one table for the
    pages and the exports."""
    return {
        AmendmentStatus.SUBMITTED: _("Pending decision"),
        AmendmentStatus.ACCEPTED: _("Accepted"),
        AmendmentStatus.ACCEPTED_MODIFIED: _("Partially accepted"),
        AmendmentStatus.REJECTED: _("Not accepted"),
        AmendmentStatus.WITHDRAWN: _("Withdrawn"),
    }


class Amendment(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    draft_id: int = Field(foreign_key="draft.id", index=True)
    kind: str = Field(max_length=10)
    # The clause amended (modify, delete), or the provision the new clause follows (insert).
    provision_id: int = Field(foreign_key="provision.id", index=True)
    base_version: int | None = None  # the version shown to the author (modify, delete)
    heading: str | None = Field(default=None, max_length=500)
    text: str | None = Field(default=None, sa_type=Text)
    insert_kind: str | None = Field(default=None, max_length=40)  # articulo or disposicion
    rationale: str = Field(sa_type=Text)
    status: str = Field(default=AmendmentStatus.SUBMITTED, max_length=20, index=True)
    author_id: int = Field(foreign_key="member.id", index=True)
    created_at: datetime = created_at_field()
    decided_at: datetime | None = Field(default=None, sa_type=DateTime(timezone=True))
    decided_by_id: int | None = Field(default=None, foreign_key="member.id")
    decision_reason: str | None = Field(default=None, sa_type=Text)
    result_version: int | None = None  # the version the accept produced
    result_provision_id: int | None = Field(default=None, foreign_key="provision.id")
    # Not accepted because it falls outside what the law governs ("fuera del ámbito").
    out_of_scope: bool = Field(default=False)
    # Entered by the secretariat for someone who wrote through another channel.
    receipt_id: int | None = Field(default=None, foreign_key="receipt.id")


class AmendmentSource(SQLModel, table=True):
    """For an accepted_modified amendment: the other amendments its merged text draws on."""

    __tablename__ = "amendment_source"
    __table_args__ = (UniqueConstraint("amendment_id", "source_id"),)

    id: int | None = Field(default=None, primary_key=True)
    amendment_id: int = Field(foreign_key="amendment.id", index=True)
    source_id: int = Field(foreign_key="amendment.id")
