"""What the summaries API takes and returns."""

from pydantic import BaseModel, Field


class SummaryBody(BaseModel):
    language: str = Field(max_length=2)  # es, qu or ay
    text: str
    translator: str = Field(default="", max_length=1_000)  # who translated it (qu, ay)


class SummaryPublic(BaseModel):
    language: str
    version: int
    text: str
    translator: str
    created_at: str
