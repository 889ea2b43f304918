"""What the comments API takes and returns."""

from pydantic import BaseModel

from app.core.bounds import Id


class CommentBody(BaseModel):
    body: str
    quote: str | None = None
    parent: Id | None = None


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
