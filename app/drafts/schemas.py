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
    # "renumber": a new bill, numbered by place; "fixed": a law in force keeps its numbers.
    numbering: str
    provisions: list[ProvisionSummary]


class ConsensusSummary(BaseModel):
    status: str
    explanation: str


class ReferencePublic(BaseModel):
    """A reference in a clause's text to another provision of the draft: `as` is how it reads
    now ("artículo 40"); `dangling` when that provision has been deleted."""

    to: str
    as_: str = Field(alias="as")
    dangling: bool = False

    model_config = ConfigDict(populate_by_name=True)


class ModifiesBody(BaseModel):
    """The article of a law in force (a draft with fixed numbering) a provision modifies."""

    law: str
    uid: str


class ProvisionDetail(BaseModel):
    uid: str
    kind: str
    label: str
    heading: str
    text: str  # with the current numbers: numerales "12.1", references "el artículo 40"
    version: int
    parent: str | None
    consensus: ConsensusSummary | None  # for articles and dispositions
    references: list[ReferencePublic] = []
    modifies: ModifiesBody | None = None


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
    """A clause that refers to the provision changed: `from` is its uid."""

    from_: str = Field(alias="from")
    label: str
    mentions: list[str]

    model_config = ConfigDict(populate_by_name=True)


class StructuralPublic(BaseModel):
    uid: str
    label: str
    # The references that followed a renumbering, now showing the new numbers.
    renumbered_references: list[CrossReferencePublic]
    # After a deletion: the clauses whose references to the deleted provision now dangle.
    references: list[CrossReferencePublic]


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
