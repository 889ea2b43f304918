"""Editorial notes: the apparatus a compiler (SPIJ) prints around a law in force — "(*) Artículo
modificado por…", CONCORDANCIAS, NOTA — kept beside the provision it follows, never as its text.
Read-only: not amendable, not commentable, exported nowhere as law text."""

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import Text
from sqlmodel import Field, Session, SQLModel, col, select

from app.core.models import created_at_field


class EditorialNote(SQLModel, table=True):
    __tablename__ = "editorial_note"

    id: int | None = Field(default=None, primary_key=True)
    draft_id: int = Field(foreign_key="draft.id", index=True)
    # The provision the note follows; None for the law's own notes (before or after its text).
    provision_id: int | None = Field(default=None, foreign_key="provision.id", index=True)
    kind: str = Field(max_length=20)  # "spij" ((*) lines), "concordancias", "nota"
    source: str = Field(default="SPIJ", max_length=20)
    text: str = Field(sa_type=Text)
    # The text a modification the note reports replaced (the consolidated text shows the new).
    superseded: str = Field(default="", sa_type=Text)
    line: int | None = None  # where it stood in the imported file
    position: int  # order among the notes of its provision (or of the law)
    created_at: datetime = created_at_field()


def notes_of(session: Session, provision_id: int) -> Sequence[EditorialNote]:
    return session.exec(
        select(EditorialNote)
        .where(EditorialNote.provision_id == provision_id)
        .order_by(col(EditorialNote.position))
    ).all()


def law_notes(session: Session, draft_id: int) -> Sequence[EditorialNote]:
    return session.exec(
        select(EditorialNote)
        .where(EditorialNote.draft_id == draft_id, col(EditorialNote.provision_id).is_(None))
        .order_by(col(EditorialNote.position))
    ).all()


def count(session: Session, draft_id: int) -> int:
    return len(
        session.exec(select(EditorialNote.id).where(EditorialNote.draft_id == draft_id)).all()
    )
