"""What the workshops API takes and returns."""

from datetime import date

from pydantic import BaseModel, Field

from app.workshops.service import MAX_PARTICIPANTS, WorkshopDetails


class Participants(BaseModel):
    """Counts only: a workshop never names who came."""

    women: int = Field(default=0, ge=0, le=MAX_PARTICIPANTS)
    men: int = Field(default=0, ge=0, le=MAX_PARTICIPANTS)
    other: int = Field(default=0, ge=0, le=MAX_PARTICIPANTS)


class WorkshopBody(BaseModel):
    title: str = Field(max_length=1_000)
    region: str = Field(max_length=40)
    held_on: date
    place: str = Field(default="", max_length=1_000)
    participants: Participants

    def details(self) -> WorkshopDetails:
        p = self.participants
        return WorkshopDetails(
            self.title, self.region, self.held_on, p.women, p.men, p.other, self.place
        )


class WorkshopPublic(BaseModel):
    id: int
    title: str
    region: str
    place: str
    held_on: date
    participants: int
    label: str  # how its contributions are credited: "Taller de Juliaca, 14 participantes …"
