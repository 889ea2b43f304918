"""What the comments API takes and returns."""

from pydantic import BaseModel, Field

from app.core.bounds import Id
from app.intake.schemas import ReceivedBody


class CommentBody(BaseModel):
    body: str
    quote: str | None = None
    parent: Id | None = None
    received: ReceivedBody | None = None  # (secretariat) entered for who sent it elsewhere
    workshop: Id | None = None  # (secretariat) gathered in this regional workshop


class CommentPublic(BaseModel):
    id: int
    body: str | None  # None when hidden by moderation
    quote: str | None
    parent: int | None
    author: str
    version: int
    hidden: bool
    hidden_reason: str | None = None
    anchored: bool
    created_at: str
    channel: str = "mesa"
    disposition: str | None = None
    disposition_reason: str | None = None


class DispositionBody(BaseModel):
    disposition: str = Field(max_length=20)  # accepted, partially, not_accepted, out_of_scope
    reason: str = ""
