"""What the amendments API takes and returns."""

from pydantic import BaseModel, Field

from app.core.bounds import Id
from app.intake.schemas import ReceivedBody

# An accepted text may draw on this many of the clause's other amendments.
MAX_SOURCES = 100


class AmendmentBody(BaseModel):
    kind: str
    target: str
    base_version: Id | None = None
    text: str | None = None
    heading: str | None = None
    rationale: str = ""
    after: str | None = None
    received: ReceivedBody | None = None  # (secretariat) entered for who sent it elsewhere


class AmendmentSummary(BaseModel):
    id: int
    kind: str
    target: str
    status: str
    author: str
    base_version: int | None
    channel: str = "mesa"


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
    expected_version: Id | None = None
    text: str | None = None
    reason: str = ""
    sources: list[Id] = Field(default=[], max_length=MAX_SOURCES)


class RejectBody(BaseModel):
    reason: str = ""
    out_of_scope: bool = False


class AcceptResult(BaseModel):
    status: str
    version: int | None
    affected: list[dict[str, object]]
