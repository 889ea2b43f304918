"""Forms and API shapes for members. Lengths are checked by the service, in words people read."""

from pydantic import BaseModel


class SignInForm(BaseModel):
    email: str = ""
    password: str = ""
    next: str = "/"


class CodeForm(BaseModel):
    code: str = ""


class PasswordForm(BaseModel):
    password: str = ""
    password_again: str = ""


class TokenForm(BaseModel):
    name: str = ""


class InviteForm(BaseModel):
    email: str = ""
    name: str = ""
    role: str = "member"
    organization: str = ""
    sector: str = "other"
    region: str = "Lima Metropolitana"
    gender: str = ""


class RoleForm(BaseModel):
    role: str = ""


class MemberPublic(BaseModel):
    id: int
    name: str
    organization: str
    sector: str
    region: str
    role: str


class MemberListed(MemberPublic):
    """A member as the secretariat and admins list them (GET /api/v1/members)."""

    active: bool
