"""Drafts, their provisions (a tree, each with a stable uid), immutable provision versions and
the versions of the exposición de motivos that travels with the bill."""

import uuid
from datetime import datetime
from enum import StrEnum

from sqlalchemy import JSON, Column, DateTime, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from app.core.models import created_at_field


class Phase(StrEnum):
    OPEN = "open"  # comments and amendments welcome
    CONSOLIDATION = "consolidation"  # the secretariat merges; no new amendments
    CLOSED = "closed"


class Numbering(StrEnum):
    RENUMBER = "renumber"  # a new bill: articles are numbered by their place
    FIXED = "fixed"  # a law in force being amended keeps its numbers; inserted ones take 12-A


class VersionSource(StrEnum):
    IMPORT = "import"
    AMENDMENT = "amendment"
    EDIT = "edit"  # a secretariat edit, with its reason


def new_uid() -> str:
    return str(uuid.uuid4())


class Draft(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    slug: str = Field(max_length=80, unique=True)
    title: str = Field(max_length=300)
    phase: str = Field(default=Phase.OPEN, max_length=20)
    numbering: str = Field(default=Numbering.RENUMBER, max_length=10)
    is_public: bool = Field(default=True)
    # Moves with every audited change to the draft, in its transaction (app/audit/service.py):
    # what is derived from the draft is cached, and revalidated over HTTP, by this number.
    revision: int = Field(default=0)
    created_at: datetime = created_at_field()

    @property
    def cache_key(self) -> tuple[int | None, int, datetime]:
        """Names this draft as it is now; `created_at` tells apart a draft whose id a rolled
        back transaction gave out again."""
        return (self.id, self.revision, self.created_at)


class Provision(SQLModel, table=True):
    """A node of the bill. Its label is computed from its place; its uid never changes."""

    id: int | None = Field(default=None, primary_key=True)
    uid: str = Field(default_factory=new_uid, max_length=36, unique=True)
    draft_id: int = Field(foreign_key="draft.id", index=True)
    parent_id: int | None = Field(default=None, foreign_key="provision.id", index=True)
    kind: str = Field(max_length=40)
    # Order among its siblings; 0-based, contiguous while the provision is in the draft.
    position: int
    # In a draft with fixed numbering, the number an article keeps ("12", "12-A").
    fixed_number: str | None = Field(default=None, max_length=20)
    # The article of a law in force (another draft) this provision modifies, if any.
    modifies_id: int | None = Field(default=None, foreign_key="provision.id")
    current_version: int = Field(default=1)
    created_at: datetime = created_at_field()
    removed_at: datetime | None = Field(default=None, sa_type=DateTime(timezone=True))


class ProvisionVersion(SQLModel, table=True):
    """The heading and text of a provision at one point. Never updated once written."""

    __tablename__ = "provision_version"
    __table_args__ = (UniqueConstraint("provision_id", "number"),)

    id: int | None = Field(default=None, primary_key=True)
    provision_id: int = Field(foreign_key="provision.id", index=True)
    number: int
    heading: str = Field(default="", max_length=500)
    text: str = Field(default="", sa_type=Text)
    source: str = Field(default=VersionSource.IMPORT, max_length=20)
    author_id: int | None = Field(default=None, foreign_key="member.id")
    amendment_id: int | None = Field(default=None, foreign_key="amendment.id")
    reason: str | None = Field(default=None, sa_type=Text)
    created_at: datetime = created_at_field()


class Snapshot(SQLModel, table=True):
    """A named, frozen state of the whole draft ("Borrador 2 — presentado en la 3.ª sesión")."""

    id: int | None = Field(default=None, primary_key=True)
    draft_id: int = Field(foreign_key="draft.id", index=True)
    label: str = Field(max_length=200)
    created_at: datetime = created_at_field()
    created_by_id: int | None = Field(default=None, foreign_key="member.id")


class SnapshotEntry(SQLModel, table=True):
    """One provision as it stood in a snapshot: its version, label and place. Never changes."""

    __tablename__ = "snapshot_entry"
    __table_args__ = (UniqueConstraint("snapshot_id", "provision_id"),)

    id: int | None = Field(default=None, primary_key=True)
    snapshot_id: int = Field(foreign_key="snapshot.id", index=True)
    provision_id: int = Field(foreign_key="provision.id")
    parent_provision_id: int | None = Field(default=None, foreign_key="provision.id")
    kind: str = Field(max_length=40)
    version: int
    label: str = Field(max_length=100)
    order: int  # place in document order, from 0
    depth: int


class Motives(SQLModel, table=True):
    """One version of the exposición de motivos of a draft. Never updated once written."""

    __tablename__ = "motives"
    __table_args__ = (UniqueConstraint("draft_id", "number"),)

    id: int | None = Field(default=None, primary_key=True)
    draft_id: int = Field(foreign_key="draft.id", index=True)
    number: int
    fundamentos: str = Field(default="", sa_type=Text)
    efecto_vigencia: str = Field(default="", sa_type=Text)  # on national legislation
    costo_beneficio: str = Field(default="", sa_type=Text)  # including environmental impact
    # Relation to the Agenda Legislativa and the Políticas de Estado del Acuerdo Nacional.
    agenda: str = Field(default="", sa_type=Text, sa_column_kwargs={"server_default": ""})
    # Sections of the secretariat's own after those four: [{"title": …, "text": …}], in order.
    more_sections: list[dict[str, str]] = Field(
        default_factory=list, sa_column=Column(JSON, nullable=False, server_default="[]")
    )
    # The bill's first page: its sumilla, who proposes it, and where (the date is the text's).
    sumilla: str = Field(default="", sa_type=Text, sa_column_kwargs={"server_default": ""})
    proponent: str = Field(default="", max_length=300, sa_column_kwargs={"server_default": ""})
    place: str = Field(default="", max_length=100, sa_column_kwargs={"server_default": ""})
    reason: str = Field(default="", sa_type=Text)
    author_id: int | None = Field(default=None, foreign_key="member.id")
    created_at: datetime = created_at_field()
