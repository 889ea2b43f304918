"""What the drafts API returns."""

from pydantic import BaseModel, ConfigDict, Field

from app.core.bounds import Id


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


class ConsensusSummary(BaseModel):
    status: str
    explanation: str


class ProvisionDetail(BaseModel):
    uid: str
    kind: str
    label: str
    heading: str
    text: str
    version: int
    parent: str | None
    consensus: ConsensusSummary | None  # for articles and dispositions


class VersionPublic(BaseModel):
    version: int
    text: str
    heading: str
    author: str | None
    created_at: str
    amendment: int | None
    source: str
    reason: str | None


class DiffPublic(BaseModel):
    from_: int = Field(alias="from")
    to: int
    ops: list[tuple[str, str]]
    heading_ops: list[tuple[str, str]]

    model_config = ConfigDict(populate_by_name=True)


class ReviseBody(BaseModel):
    expected_version: Id
    text: str
    heading: str | None = None
    reason: str = ""


class InsertBody(BaseModel):
    kind: str
    after: str
    heading: str = ""
    text: str
    reason: str = ""


class MoveBody(BaseModel):
    after: str
    reason: str = ""


class CrossReferencePublic(BaseModel):
    uid: str
    label: str
    mentions: list[str]


class StructuralPublic(BaseModel):
    uid: str
    label: str
    references_to_check: list[CrossReferencePublic]


class SnapshotBody(BaseModel):
    label: str


class SnapshotPublic(BaseModel):
    id: int
    label: str
    created_at: str


class ChangePublic(BaseModel):
    uid: str
    change: str
    from_label: str | None
    to_label: str | None
    ops: list[tuple[str, str]] | None = None


class ComparePublic(BaseModel):
    changes: list[ChangePublic]
