"""What the amendments API takes and returns."""

from pydantic import BaseModel


class AmendmentBody(BaseModel):
    kind: str
    target: str
    base_version: int | None = None
    text: str | None = None
    heading: str | None = None
    rationale: str = ""
    after: str | None = None


class AmendmentSummary(BaseModel):
    id: int
    kind: str
    target: str
    status: str
    author: str
    base_version: int | None


class Decision(BaseModel):
    reason: str | None
    by: str | None
    version: int | None


class AmendmentPublic(AmendmentSummary):
    text: str | None
    heading: str | None
    rationale: str
    decision: Decision | None = None


class AcceptBody(BaseModel):
    expected_version: int | None = None
    text: str | None = None
    reason: str = ""
    sources: list[int] = []


class RejectBody(BaseModel):
    reason: str = ""


class AcceptResult(BaseModel):
    status: str
    version: int | None
    affected: list[dict[str, object]]
