"""Members, their invitations and API tokens. Every state change writes its audit event in the
same transaction.

Services flush and never commit; the caller (a route or a command) commits once.
"""

import re
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from sqlmodel import Session, col, delete, select, update

from app.audit import service as audit
from app.audit.service import actor_of
from app.core import security
from app.core.db import unique_or
from app.core.errors import Conflict, DomainError, Forbidden, InvalidInput, NotFound
from app.core.i18n import N_, _
from app.core.models import as_utc, utcnow
from app.core.pagination import Page, PageRequest, paginate
from app.core.text import TextField, clean
from app.members.models import (
    REGIONS,
    ApiToken,
    Gender,
    Invitation,
    Member,
    MemberSession,
    Sector,
)
from app.members.permissions import Role

INVITATION_LIFETIME = timedelta(days=7)
MIN_PASSWORD_LENGTH = 10
MAX_PASSWORD_LENGTH = 200
NAME = TextField("name", N_("Name"), 200, required=N_("The name is required."), one_line=True)
ORGANIZATION = TextField("organization", N_("Organization"), 200, one_line=True)
TOKEN_NAME = TextField(
    "name", N_("Name"), 100, required=N_("Give the token a name."), one_line=True
)
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


class InvitationInvalid(DomainError):
    status_code = 410
    code = "invitation_invalid"


def _public(member: Member) -> dict[str, Any]:
    """What the public record may say about a member: never the email or the gender."""
    return {
        "name": member.name,
        "organization": member.organization,
        "sector": member.sector,
        "region": member.region,
        "role": member.role,
    }


def normalize_email(email: str) -> str:
    return clean(email).lower()


@dataclass
class MemberDetails:
    email: str
    name: str
    role: str = Role.MEMBER
    organization: str = ""
    sector: str = Sector.OTHER
    region: str = "Lima Metropolitana"
    gender: str | None = None

    def validate(self) -> None:
        self.email = normalize_email(self.email)
        self.name = NAME.clean(self.name)
        self.organization = ORGANIZATION.clean(self.organization)
        if not _EMAIL.match(self.email) or len(self.email) > 254:
            raise InvalidInput(_("The email address is not valid."), field="email")
        if self.role not in set(Role):
            raise InvalidInput(_("Unknown role: %(role)s", role=self.role), field="role")
        if self.sector not in set(Sector):
            raise InvalidInput(_("Unknown sector: %(sector)s", sector=self.sector), field="sector")
        if self.region not in REGIONS:
            raise InvalidInput(_("Unknown region: %(region)s", region=self.region), field="region")
        if self.gender not in (None, *Gender):
            raise InvalidInput(_("Unknown gender: %(gender)s", gender=self.gender), field="gender")


def check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise InvalidInput(
            _("The password needs at least %(n)s characters.", n=MIN_PASSWORD_LENGTH),
            field="password",
        )
    if len(password) > MAX_PASSWORD_LENGTH:
        raise InvalidInput(
            _("The password has more than %(n)s characters.", n=MAX_PASSWORD_LENGTH),
            field="password",
        )


def add_member(
    session: Session, actor: Member | None, details: MemberDetails, password: str | None = None
) -> Member:
    details.validate()
    taken = Conflict(_("There is already a member with that email address."), field="email")
    if session.exec(select(Member.id).where(Member.email == details.email)).first() is not None:
        raise taken
    if password is not None:
        check_password(password)
    member = Member(
        email=details.email,
        name=details.name,
        role=details.role,
        organization=details.organization,
        sector=details.sector,
        region=details.region,
        gender=details.gender,
        password_hash=security.hash_password(password) if password else None,
    )
    with unique_or(session, taken):  # two admins inviting the same address at once
        session.add(member)
    audit.record(
        session, actor_of(actor), "member.added", f"member:{member.id}", details=_public(member)
    )
    return member


def get_member(session: Session, member_id: int) -> Member:
    member = session.get(Member, member_id)
    if member is None:
        raise NotFound(_("There is no such member."))
    return member


def get_member_by_email(session: Session, email: str) -> Member:
    member = session.exec(select(Member).where(Member.email == normalize_email(email))).first()
    if member is None:
        raise NotFound(_("There is no member with the email %(email)s.", email=email))
    return member


def list_members(session: Session) -> list[Member]:
    return list(session.exec(select(Member).order_by(col(Member.name))).all())


def page_of_members(session: Session, paging: PageRequest) -> Page[Member]:
    """The members by name (then id, so pages never overlap), one page at a time."""
    return paginate(session, select(Member).order_by(col(Member.name), col(Member.id)), paging)


def invite(session: Session, actor: Member, details: MemberDetails) -> tuple[Member, str]:
    """Adds the member without a password and returns the single-use link's token."""
    member = add_member(session, actor, details)
    return member, new_invitation(session, actor, member=member)


def reinvite(session: Session, actor: Member, *, member: Member) -> str:
    return new_invitation(session, actor, member=member)


def new_invitation(session: Session, actor: Member | None, *, member: Member) -> str:
    """Only the newest link works: the member's earlier unused ones are removed."""
    token = security.new_token()
    assert member.id is not None
    session.exec(
        delete(Invitation).where(
            col(Invitation.member_id) == member.id, col(Invitation.used_at).is_(None)
        )
    )
    session.add(
        Invitation(
            member_id=member.id,
            token_hash=security.token_hash(token),
            created_by_id=actor.id if actor else None,
            expires_at=utcnow() + INVITATION_LIFETIME,
        )
    )
    session.flush()
    audit.record(session, actor_of(actor), "member.invited", f"member:{member.id}")
    return token


def open_invitation(session: Session, token: str) -> tuple[Invitation, Member]:
    invitation = session.exec(
        select(Invitation).where(Invitation.token_hash == security.token_hash(token))
    ).first()
    if invitation is None or invitation.used_at is not None:
        raise InvitationInvalid(_("This invitation link is not valid or has already been used."))
    if as_utc(invitation.expires_at) < utcnow():
        raise InvitationInvalid(_("This invitation link has expired. Ask for a new one."))
    member = get_member(session, invitation.member_id)
    if not member.is_active:
        raise InvitationInvalid(_("This account has been deactivated."))
    return invitation, member


def accept_invitation(session: Session, *, token: str, password: str) -> Member:
    invitation, member = open_invitation(session, token)
    check_password(password)
    # Claim the invitation with a conditional update, so two submissions cannot both use it.
    claimed = session.exec(
        update(Invitation)
        .where(col(Invitation.id) == invitation.id, col(Invitation.used_at).is_(None))
        .values(used_at=utcnow())
    )
    if claimed.rowcount != 1:
        raise InvitationInvalid(_("This invitation link is not valid or has already been used."))
    # A link on an account that has joined is a password reset.
    action = "member.password_reset" if member.password_hash else "member.joined"
    member.password_hash = security.hash_password(password)
    session.add(member)
    # Whoever knew the old password may be signed in somewhere: a new one ends every session.
    revoke_sessions(session, member)
    session.flush()
    audit.record(session, actor_of(member), action, f"member:{member.id}")
    return member


def change_role(session: Session, actor: Member, *, member: Member, role: str) -> None:
    if role not in set(Role):
        raise InvalidInput(_("Unknown role: %(role)s", role=role), field="role")
    if member.id == actor.id:
        raise Forbidden(_("You cannot change your own role."))
    before = member.role
    member.role = role
    session.add(member)
    session.flush()
    audit.record(
        session,
        actor_of(actor),
        "member.role_changed",
        f"member:{member.id}",
        details={"before": before, "after": role},
    )


def set_active(session: Session, actor: Member, *, member: Member, active: bool) -> None:
    if member.id == actor.id and not active:
        raise Forbidden(_("You cannot deactivate your own account."))
    member.is_active = active
    session.add(member)
    if not active:
        revoke_sessions(session, member)
    session.flush()
    action = "member.reactivated" if active else "member.deactivated"
    audit.record(session, actor_of(actor), action, f"member:{member.id}")


def revoke_sessions(session: Session, member: Member) -> None:
    """Ends every session of the member. Here, not in signin.py: a new password or a
    deactivation ends them, and sign-in builds on members, not the other way round."""
    session.exec(
        update(MemberSession)
        .where(col(MemberSession.member_id) == member.id, col(MemberSession.revoked_at).is_(None))
        .values(revoked_at=utcnow())
    )


# API tokens ---------------------------------------------------------------------------------


def create_api_token(session: Session, member: Member, name: str) -> tuple[ApiToken, str]:
    name = TOKEN_NAME.clean(name)
    raw = security.new_token(security.API_TOKEN_PREFIX)
    assert member.id is not None
    token = ApiToken(
        member_id=member.id, name=name, token_hash=security.token_hash(raw), prefix=raw[:12]
    )
    session.add(token)
    session.flush()
    audit.record(
        session, actor_of(member), "token.created", f"token:{token.id}", details={"name": name}
    )
    return token, raw


def list_api_tokens(session: Session, member: Member) -> list[ApiToken]:
    return list(
        session.exec(
            select(ApiToken)
            .where(ApiToken.member_id == member.id, col(ApiToken.revoked_at).is_(None))
            .order_by(col(ApiToken.created_at))
        ).all()
    )


def revoke_api_token(session: Session, member: Member, token_id: int) -> None:
    token = session.get(ApiToken, token_id)
    # Someone else's token is "not found": its existence is not the caller's business.
    if token is None or token.member_id != member.id or token.revoked_at is not None:
        raise NotFound(_("There is no such token."))
    token.revoked_at = utcnow()
    session.add(token)
    session.flush()
    audit.record(session, actor_of(member), "token.revoked", f"token:{token.id}")


def authenticate_api_token(session: Session, token: str) -> Member | None:
    return session.exec(
        select(Member)
        .join(ApiToken, col(ApiToken.member_id) == Member.id)
        .where(
            ApiToken.token_hash == security.token_hash(token),
            col(ApiToken.revoked_at).is_(None),
            col(Member.is_active).is_(True),
        )
    ).first()
