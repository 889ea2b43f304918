"""The exposición de motivos that travels with the bill: versioned like the articles."""

from datetime import datetime

from sqlalchemy import Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from app.core.models import created_at_field


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
    reason: str = Field(default="", sa_type=Text)
    author_id: int | None = Field(default=None, foreign_key="member.id")
    created_at: datetime = created_at_field()
