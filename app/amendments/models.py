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


class ProposalKind(StrEnum):
    """How the secretariat proposes to handle an amendment, published before it decides."""

    ACCEPT = "accept"  # acoger
    ACCEPT_MODIFIED = "accept_modified"  # acoger con modificaciones: with the proposed text
    REJECT = "reject"  # no acoger


def proposal_names() -> dict[str, str]:
    return {
        ProposalKind.ACCEPT: _("Accept"),
        ProposalKind.ACCEPT_MODIFIED: _("Accept with modifications"),
        ProposalKind.REJECT: _("Do not accept"),
    }


class Adhesion(SQLModel, table=True):
    """A member co-signing a pending amendment. One per member and amendment: the unique
    constraint stands behind every adhesion, whatever races to it."""

    __table_args__ = (UniqueConstraint("amendment_id", "member_id"),)

    id: int | None = Field(default=None, primary_key=True)
    amendment_id: int = Field(foreign_key="amendment.id", index=True)
    member_id: int = Field(foreign_key="member.id", index=True)
    created_at: datetime = created_at_field()


class AmendmentProposal(SQLModel, table=True):
    """The secretariat's proposed handling of one amendment (propuesta de la Secretaría),
    published before the decision; the decision records whether it followed it."""

    __tablename__ = "amendment_proposal"

    id: int | None = Field(default=None, primary_key=True)
    amendment_id: int = Field(foreign_key="amendment.id", unique=True)
    proposal: str = Field(max_length=20)
    note: str = Field(sa_type=Text)
    text: str | None = Field(default=None, sa_type=Text)  # accept_modified: the proposed text
    proposed_by_id: int = Field(foreign_key="member.id")
    proposed_at: datetime = created_at_field()
    followed: bool | None = None  # set by the decision; None while pending or if withdrawn


class SupportRule(SQLModel, table=True):
    """A draft's minimum support before an amendment reaches the merge queue; the author's
    organization and sector count. A draft without one sends every amendment to the queue."""

    __tablename__ = "support_rule"

    id: int | None = Field(default=None, primary_key=True)
    draft_id: int = Field(foreign_key="draft.id", unique=True)
    min_organizations: int = Field(default=1)
    min_sectors: int = Field(default=1)
