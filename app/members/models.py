"""Members, their sign-in sessions, API tokens, invitations and sign-in failures."""

from datetime import datetime
from enum import StrEnum

from sqlalchemy import DateTime
from sqlmodel import Field, SQLModel

from app.core.i18n import _
from app.core.models import created_at_field, timestamp_field
from app.members.permissions import Role


class Sector(StrEnum):
    EXECUTIVE = "executive"
    CONGRESS = "congress"
    MINING_SECTOR = "mining_sector"
    OMBUDSMAN = "ombudsman"
    LABOUR = "labour"
    CIVIL_SOCIETY = "civil_society"
    MINERS_ORGANIZATION = "miners_organization"
    ACADEMIA = "academia"
    OTHER = "other"


def sector_names() -> dict[str, str]:
    """Each sector in the reader's language: one table for the pages and the exports."""
    return {
        Sector.EXECUTIVE: _("Executive"),
        Sector.CONGRESS: _("Congress"),
        Sector.MINING_SECTOR: _("Mining sector"),
        Sector.OMBUDSMAN: _("Ombudsman's Office"),
        Sector.LABOUR: _("Labour"),
        Sector.CIVIL_SOCIETY: _("Civil society"),
        Sector.MINERS_ORGANIZATION: _("Miners' organizations"),
        Sector.ACADEMIA: _("Academia"),
        Sector.OTHER: _("Other"),
    }


class Gender(StrEnum):
    """Self-declared and optional; used only in aggregate, never shown next to a name."""

    FEMALE = "female"
    MALE = "male"
    OTHER = "other"


REGIONS = (
    "Amazonas", "Áncash", "Apurímac", "Arequipa", "Ayacucho", "Cajamarca", "Callao", "Cusco",
    "Huancavelica", "Huánuco", "Ica", "Junín", "La Libertad", "Lambayeque", "Lima",
    "Lima Metropolitana", "Loreto", "Madre de Dios", "Moquegua", "Pasco", "Piura", "Puno",
    "San Martín", "Tacna", "Tumbes", "Ucayali",
)  # fmt: skip


def _when() -> datetime | None:
    return Field(default=None, sa_type=DateTime(timezone=True))  # type: ignore[no-any-return]


class Member(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    email: str = Field(max_length=254, unique=True)  # stored lower-case
    name: str = Field(max_length=200)
    organization: str = Field(default="", max_length=200)
    sector: str = Field(default=Sector.OTHER, max_length=30)
    region: str = Field(default="Lima Metropolitana", max_length=40)
    gender: str | None = Field(default=None, max_length=20)
    role: str = Field(default=Role.MEMBER, max_length=20)
    is_active: bool = Field(default=True)
    password_hash: str | None = Field(default=None, max_length=200)
    totp_secret: str | None = Field(default=None, max_length=64)
    totp_enabled: bool = Field(default=False)
    # The time step of the last code accepted: a code is never accepted twice (RFC 6238, 5.2).
    totp_last_step: int | None = Field(default=None)
    created_at: datetime = created_at_field()


class MemberSession(SQLModel, table=True):
    """A signed-in browser. The cookie holds a random token; only its SHA-256 is stored."""

    __tablename__ = "member_session"

    id: int | None = Field(default=None, primary_key=True)
    token_hash: str = Field(max_length=64, unique=True)
    member_id: int = Field(foreign_key="member.id", index=True)
    created_at: datetime = created_at_field()
    expires_at: datetime = timestamp_field()
    # Signed in with the password, waiting for the authenticator code.
    awaiting_second_factor: bool = Field(default=False)
    revoked_at: datetime | None = _when()
    user_agent: str = Field(default="", max_length=300)


class ApiToken(SQLModel, table=True):
    __tablename__ = "api_token"

    id: int | None = Field(default=None, primary_key=True)
    member_id: int = Field(foreign_key="member.id", index=True)
    name: str = Field(max_length=100)
    token_hash: str = Field(max_length=64, unique=True)
    prefix: str = Field(max_length=16)  # shown so the owner can tell tokens apart
    created_at: datetime = created_at_field()
    revoked_at: datetime | None = _when()


class Invitation(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    member_id: int = Field(foreign_key="member.id", index=True)
    token_hash: str = Field(max_length=64, unique=True)
    created_by_id: int | None = Field(default=None, foreign_key="member.id")
    created_at: datetime = created_at_field()
    expires_at: datetime = timestamp_field()
    used_at: datetime | None = _when()


class RecoveryCode(SQLModel, table=True):
    __tablename__ = "recovery_code"

    id: int | None = Field(default=None, primary_key=True)
    member_id: int = Field(foreign_key="member.id", index=True)
    code_hash: str = Field(max_length=64)
    used_at: datetime | None = _when()


class FailureKind(StrEnum):
    PASSWORD = "password"  # noqa: S105 (a kind of failure, not a secret)
    CODE = "code"  # a wrong second-factor or recovery code


class SignInFailure(SQLModel, table=True):
    """Recent failed sign-ins, per email and per address, to slow and then lock guessing."""

    __tablename__ = "sign_in_failure"

    id: int | None = Field(default=None, primary_key=True)
    kind: str = Field(default=FailureKind.PASSWORD, max_length=10)
    email: str = Field(max_length=254, index=True)
    address: str = Field(max_length=64, index=True)
    at: datetime = created_at_field()
