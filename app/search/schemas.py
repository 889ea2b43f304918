"""What the search API returns (API.md: GET /api/v1/search)."""

from pydantic import BaseModel, Field


class SearchResult(BaseModel):
    type: str = Field(description="provision, comment, amendment or motives")
    draft: str = Field(description="the draft's slug")
    uid: str | None = Field(description="the clause's uid (of the comment's or amendment's)")
    id: int | None = Field(description="the comment's or amendment's id")
    label: str = Field(description='"Artículo 12", "Comentario de …", "Enmienda 7"')
    snippet: str = Field(description="HTML: the text escaped, the words found in <mark>")


class SearchResponse(BaseModel):
    total: int
    results: list[SearchResult]
