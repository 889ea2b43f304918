"""The plain-language summary of an article, versioned per language."""

from datetime import datetime
from enum import StrEnum

from sqlalchemy import Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from app.core.models import created_at_field


class SummaryLanguage(StrEnum):
    SPANISH = "es"
    QUECHUA = "qu"
    AYMARA = "ay"


class Summary(SQLModel, table=True):
    """One version of a summary: written (or translated) by a person, entered by the
    secretariat. Mesa never machine-translates."""

    __tablename__ = "provision_summary"
    __table_args__ = (UniqueConstraint("provision_id", "language", "number"),)

    id: int | None = Field(default=None, primary_key=True)
    draft_id: int = Field(foreign_key="draft.id", index=True)
    provision_id: int = Field(foreign_key="provision.id", index=True)
    language: str = Field(max_length=2)
    number: int  # 1, 2, 3… per article and language
    text: str = Field(sa_type=Text)
    translator: str = Field(default="", max_length=200)  # who wrote or translated it
    entered_by_id: int = Field(foreign_key="member.id")
    created_at: datetime = created_at_field()
