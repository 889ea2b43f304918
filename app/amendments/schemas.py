"""What the amendments API takes and returns."""

from pydantic import BaseModel, Field

from app.core.bounds import Count, Id
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
    workshop: Id | None = None  # (secretariat) gathered in this regional workshop


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
    session: int | None = None  # the working-group session's id, when decided in one


class SupporterPublic(BaseModel):
    name: str
    organization: str
    sector: str


class ProposalPublic(BaseModel):
    proposal: str  # accept, accept_modified or reject
    note: str
    text: str | None = None  # accept_modified: the text the secretariat proposes
    by: str | None = None
    followed: bool | None = None  # once decided: whether the decision followed it


class SupportPublic(BaseModel):
    organizations: list[str]  # each once, the author's first
    sectors: list[str]
    meets_rule: bool  # whether it has the support the draft asks of the merge queue


class AmendmentPublic(AmendmentSummary):
    text: str | None
    heading: str | None
    rationale: str
    decision: Decision | None = None
    supporters: list[SupporterPublic] = []  # the members who adhered, oldest first
    support: SupportPublic | None = None
    proposal: ProposalPublic | None = None


class ProposalBody(BaseModel):
    proposal: str
    note: str = ""
    text: str | None = None


class SupportRuleBody(BaseModel):
    min_organizations: Count = 1
    min_sectors: Count = 1


class SupportRulePublic(BaseModel):
    min_organizations: int
    min_sectors: int


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
