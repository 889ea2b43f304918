"""Forms and API shapes for following and notifications."""

from datetime import datetime

from pydantic import BaseModel, Field

from app.core.bounds import Id


class FollowIn(BaseModel):
    object: str = Field(max_length=200)


class FollowOut(BaseModel):
    object: str
    following: bool


class NotificationOut(BaseModel):
    id: int
    kind: str
    object: str
    text: str
    link: str
    created_at: datetime
    read: bool


class SettingsIn(BaseModel):
    email: str = Field(max_length=20)
    decisions: str | None = Field(default=None, max_length=20)
    language: str | None = Field(default=None, max_length=5)


class SettingsOut(BaseModel):
    email: str
    decisions: str
    language: str


class ReadIn(BaseModel):
    ids: list[Id] | None = Field(default=None, max_length=100)


class FollowForm(BaseModel):
    object: str = ""
    next: str = "/"


class SettingsForm(BaseModel):
    email: str = "daily"
    decisions: str = "immediate"
    language: str = "es"
