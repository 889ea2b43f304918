"""What the drafts API returns."""

from pydantic import BaseModel


class DraftSummary(BaseModel):
    slug: str
    title: str
    phase: str


class ProvisionSummary(BaseModel):
    uid: str
    kind: str
    label: str
    heading: str
    parent: str | None
    version: int


class DraftDetail(DraftSummary):
    provisions: list[ProvisionSummary]


class ProvisionDetail(BaseModel):
    uid: str
    kind: str
    label: str
    heading: str
    text: str
    version: int
    parent: str | None
