"""What the sessions API takes and gives (paths and fields of ../shared/API.md)."""

from datetime import datetime

from pydantic import BaseModel, Field

from app.core.bounds import Id

MAX_PRESENT = 1_000


class SessionCreate(BaseModel):
    title: str = Field(max_length=1_000)
    starts_at: datetime  # without a zone: Peru's time
    place: str = Field(max_length=2_000)


class Created(BaseModel):
    id: int


class ItemRef(BaseModel):
    provision: str | None = Field(default=None, max_length=100)
    amendment: Id | None = None
    minutes: Id | None = None  # a decision on an earlier session's acta


class AgendaBody(BaseModel):
    items: list[ItemRef] = Field(max_length=200)


class AttendanceBody(BaseModel):
    present: list[Id] = Field(max_length=MAX_PRESENT)


class DecisionBody(BaseModel):
    item: ItemRef
    outcome: str = Field(max_length=40)
    text: str = Field(max_length=20_000)
    expected_version: Id | None = None


class PositionBody(BaseModel):
    member: Id
    provision: str = Field(max_length=100)
    stance: str = Field(max_length=40)
    reason: str | None = Field(default=None, max_length=5_000)


class MinutesBody(BaseModel):
    text: str = Field(max_length=250_000)


class AgendaItemPublic(BaseModel):
    provision: str | None
    amendment: int | None
    label: str
    consensus: str | None


class AttendeePublic(BaseModel):
    id: int
    name: str
    organization: str
    sector: str


class QuorumPublic(BaseModel):
    present: int
    required: int | None
    met: bool


class DecisionPublic(BaseModel):
    item: ItemRef
    outcome: str
    text: str
    version: int | None
    amendment_status: str | None


class SessionSummary(BaseModel):
    id: int
    number: int
    title: str
    starts_at: datetime
    place: str
    status: str


class SessionPublic(SessionSummary):
    agenda: list[AgendaItemPublic]
    attendance: list[AttendeePublic]
    quorum: QuorumPublic
    decisions: list[DecisionPublic]
    minutes_approved_in: int | None
