"""A regional workshop, the stance it took on articles, and the coverage a round requires."""

from datetime import date, datetime

from sqlalchemy import Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from app.core.models import created_at_field


class Workshop(SQLModel, table=True):
    """A meeting held outside Lima whose participants are counted by gender, never named."""

    id: int | None = Field(default=None, primary_key=True)
    draft_id: int = Field(foreign_key="draft.id", index=True)
    title: str = Field(max_length=200)
    region: str = Field(max_length=40)
    place: str = Field(default="", max_length=200)
    held_on: date
    women: int = Field(default=0)
    men: int = Field(default=0)
    other: int = Field(default=0)  # another gender, or not stated
    entered_by_id: int = Field(foreign_key="member.id")
    created_at: datetime = created_at_field()

    @property
    def participants(self) -> int:
        return self.women + self.men + self.other


class WorkshopStance(SQLModel, table=True):
    """The position a workshop reached on an article. Counted in coverage, not in the working
    group's consensus, whose members are people with accounts."""

    __tablename__ = "workshop_stance"
    __table_args__ = (UniqueConstraint("workshop_id", "provision_id"),)

    id: int | None = Field(default=None, primary_key=True)
    workshop_id: int = Field(foreign_key="workshop.id", index=True)
    provision_id: int = Field(foreign_key="provision.id", index=True)
    version: int
    stance: str = Field(max_length=30)
    note: str = Field(default="", sa_type=Text)
    recorded_by_id: int = Field(foreign_key="member.id")
    created_at: datetime = created_at_field()


class CoverageRule(SQLModel, table=True):
    """The regions a consensus round of the draft must have heard from before it may close."""

    __tablename__ = "coverage_rule"

    id: int | None = Field(default=None, primary_key=True)
    draft_id: int = Field(foreign_key="draft.id", unique=True)
    regions: str = Field(default="", sa_type=Text)  # one region a line, from REGIONS
