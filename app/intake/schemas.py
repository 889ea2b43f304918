"""What the API takes about a contribution received outside Mesa."""

from datetime import date

from pydantic import BaseModel, Field

from app.intake.service import Received


class ReceivedBody(BaseModel):
    """`"received"` on a new comment or amendment: the secretariat enters it for its sender."""

    channel: str = Field(max_length=20)
    contributor: str = Field(max_length=1_000)
    received_on: date
    organization: str = Field(default="", max_length=1_000)
    sector: str = Field(default="other", max_length=30)
    region: str = Field(default="", max_length=40)
    reserved: bool = False

    def details(self) -> Received:
        return Received(**self.model_dump())
