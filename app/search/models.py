"""What search finds: one row per indexed thing (a clause's current text, a comment, an
amendment, a draft's exposición de motivos), kept current in the transaction of every write.

The engines' own index lives beside it, made by the migration and outside the models: on
PostgreSQL a generated `tsv` column with a GIN index, on SQLite the FTS5 table `search_fts`
whose rowid is this row's id.
"""

from enum import StrEnum
from typing import Any

from sqlalchemy import Text, UniqueConstraint
from sqlmodel import Field, SQLModel


class Kind(StrEnum):
    PROVISION = "provision"
    COMMENT = "comment"
    AMENDMENT = "amendment"
    MOTIVES = "motives"


class SearchDocument(SQLModel, table=True):
    __tablename__ = "search_document"
    __table_args__ = (UniqueConstraint("kind", "object_id"),)

    id: int | None = Field(default=None, primary_key=True)
    kind: str = Field(max_length=12)
    # The provision's, comment's or amendment's id; the draft's for its exposición de motivos.
    object_id: int
    draft_id: int = Field(foreign_key="draft.id", index=True)
    # The clause it is about (for an insert amendment, the provision the new clause follows).
    provision_id: int | None = Field(default=None, foreign_key="provision.id", index=True)
    author_id: int | None = Field(default=None, foreign_key="member.id")
    heading: str = Field(default="", sa_type=Text)
    body: str = Field(default="", sa_type=Text)
    # Copied from the rows they follow (a comment hidden by moderation, a clause deleted), so
    # a search filters without joining; the same flush that changes them changes these.
    hidden: bool = Field(default=False)
    removed: bool = Field(default=False)


# The engines' own index lives outside the models, so Alembic's comparison (migrations/env.py,
# tests/core/test_migrations.py) leaves it out: SQLite's FTS5 table and its shadow tables,
# PostgreSQL's generated tsvector column and its GIN index.
def include_name(name: str | None, type_: str, _parent_names: Any) -> bool:
    return not (type_ == "table" and name is not None and name.startswith("search_fts"))


def include_object(
    object_: Any, name: str | None, type_: str, _reflected: bool, _compare_to: Any
) -> bool:
    if type_ == "column" and name == "tsv":
        return getattr(getattr(object_, "table", None), "name", None) != "search_document"
    if type_ == "index" and name == "search_document_tsv":
        return False
    return include_name(name, type_, None)
