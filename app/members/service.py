"""Members and sign-in. Every state change writes its audit event in the same transaction.

Services flush and never commit; the caller (a route or a command) commits once.
"""

import re
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from sqlmodel import Session, col, delete, func, select, update

from app.audit import service as audit
from app.audit.service import actor_of
from app.core import security
from app.core.db import unique_or
from app.core.errors import Conflict, DomainError, Forbidden, InvalidInput, NotFound
from app.core.i18n import _
from app.core.models import as_utc, utcnow
from app.core.text import clean
from app.members.models import (
    REGIONS,
    ApiToken,
    Gender,
    Invitation,
    Member,
    MemberSession,
    RecoveryCode,
    Sector,
    SignInFailure,
)
from app.members.permissions import Role

SESSION_LIFETIME = timedelta(days=14)
INVITATION_LIFETIME = timedelta(days=7)
MIN_PASSWORD_LENGTH = 10
MAX_PASSWORD_LENGTH = 200
# Failed sign-ins within the window first slow an account (or an address) down, then lock it.
FAILURE_WINDOW = timedelta(minutes=15)
SLOW_AFTER, LOCK_AFTER = 3, 6
ADDRESS_FACTOR = 4  # an address may be shared (an office, a ministry): it gets more tries
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


class NotAuthenticated(DomainError):
    status_code = 401
    code = "not_authenticated"


class SignInRefused(DomainError):
    status_code = 401
    code = "sign_in_refused"


class TooManyAttempts(DomainError):
    status_code = 429
    code = "too_many_attempts"


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
        self.name = clean(self.name)
        self.organization = clean(self.organization)
        if not _EMAIL.match(self.email) or len(self.email) > 254:
            raise InvalidInput(_("The email address is not valid."), field="email")
        if not self.name or len(self.name) > 200:
            raise InvalidInput(_("The name is required (at most 200 characters)."), field="name")
        if len(self.organization) > 200:
            raise InvalidInput(
                _("The organization has more than 200 characters."), field="organization"
            )
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


def invite(session: Session, actor: Member, details: MemberDetails) -> tuple[Member, str]:
    """Adds the member without a password and returns the single-use link's token."""
    member = add_member(session, actor, details)
    return member, new_invitation(session, actor, member)


def reinvite(session: Session, actor: Member, member: Member) -> str:
    return new_invitation(session, actor, member)


def new_invitation(session: Session, actor: Member | None, member: Member) -> str:
    token = security.new_token()
    assert member.id is not None
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


def accept_invitation(session: Session, token: str, password: str) -> Member:
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
    member.password_hash = security.hash_password(password)
    session.add(member)
    session.flush()
    audit.record(session, actor_of(member), "member.joined", f"member:{member.id}")
    return member


def change_role(session: Session, actor: Member, member: Member, role: str) -> None:
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


def set_active(session: Session, actor: Member, member: Member, active: bool) -> None:
    if member.id == actor.id and not active:
        raise Forbidden(_("You cannot deactivate your own account."))
    member.is_active = active
    session.add(member)
    if not active:
        _revoke_sessions(session, member)
    session.flush()
    action = "member.reactivated" if active else "member.deactivated"
    audit.record(session, actor_of(actor), action, f"member:{member.id}")


# Sign-in ---------------------------------------------------------------------------------


@dataclass
class SignedIn:
    member: Member
    token: str  # for the session cookie
    awaiting_second_factor: bool


def _throttle(session: Session, email: str, address: str) -> None:
    since = utcnow() - FAILURE_WINDOW
    for column, value, factor in (
        (SignInFailure.email, email, 1),
        (SignInFailure.address, address, ADDRESS_FACTOR),
    ):
        count, last = session.exec(
            select(func.count(), func.max(SignInFailure.at)).where(
                column == value, SignInFailure.at > since
            )
        ).one()
        if count >= LOCK_AFTER * factor:
            wait = as_utc(last) + FAILURE_WINDOW - utcnow()
            raise TooManyAttempts(
                _(
                    "Too many failed attempts. Sign-in is locked for %(minutes)s minutes.",
                    minutes=max(1, round(wait.total_seconds() / 60)),
                ),
                retry_after=int(wait.total_seconds()) + 1,
            )
        if count >= SLOW_AFTER * factor:
            delay = timedelta(seconds=2 ** min(count - SLOW_AFTER * factor + 1, 6))
            wait = as_utc(last) + delay - utcnow()
            if wait.total_seconds() > 0:
                raise TooManyAttempts(
                    _(
                        "Too many failed attempts. Try again in %(seconds)s seconds.",
                        seconds=int(wait.total_seconds()) + 1,
                    ),
                    retry_after=int(wait.total_seconds()) + 1,
                )


def sign_in(
    session: Session, email: str, password: str, address: str, user_agent: str = ""
) -> SignedIn:
    """Checks the password. A failure is recorded (and must be committed by the caller even
    though this raises): it is what slows and then locks repeated guessing."""
    email = normalize_email(email)[:254]
    _throttle(session, email, address)
    member = session.exec(select(Member).where(Member.email == email)).first()
    valid = security.verify_password(
        member.password_hash if member else None, password[:MAX_PASSWORD_LENGTH]
    )
    if member is None or not valid or not member.is_active:
        session.add(SignInFailure(email=email, address=address[:64]))
        session.flush()
        audit.record(session, audit.SYSTEM, "sign_in.failed")
        # The same words whether the email or the password was wrong: no account discovery.
        raise SignInRefused(_("The email or the password is not correct."))
    session.exec(delete(SignInFailure).where(col(SignInFailure.email) == email))
    token = security.new_token()
    assert member.id is not None
    session.add(
        MemberSession(
            token_hash=security.token_hash(token),
            member_id=member.id,
            expires_at=utcnow() + SESSION_LIFETIME,
            awaiting_second_factor=member.totp_enabled,
            user_agent=user_agent[:300],
        )
    )
    session.flush()
    if not member.totp_enabled:
        audit.record(session, actor_of(member), "sign_in", f"member:{member.id}")
    return SignedIn(member, token, member.totp_enabled)


def authenticate_session(
    session: Session, token: str | None
) -> tuple[Member, MemberSession] | None:
    if not token:
        return None
    row = session.exec(
        select(Member, MemberSession)
        .join(MemberSession, col(MemberSession.member_id) == Member.id)
        .where(
            MemberSession.token_hash == security.token_hash(token),
            col(MemberSession.revoked_at).is_(None),
            col(Member.is_active).is_(True),
        )
    ).first()
    if row is None or as_utc(row[1].expires_at) < utcnow():
        return None
    return row[0], row[1]


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


def complete_second_factor(
    session: Session, member: Member, member_session: MemberSession, code: str
) -> None:
    if not member_session.awaiting_second_factor:
        return
    if not (
        member.totp_secret and security.totp_valid(member.totp_secret, code)
    ) and not _use_recovery_code(session, member, code):
        audit.record(session, audit.SYSTEM, "sign_in.failed")
        raise SignInRefused(_("The code is not correct."), field="code")
    member_session.awaiting_second_factor = False
    session.add(member_session)
    session.flush()
    audit.record(session, actor_of(member), "sign_in", f"member:{member.id}")


def _use_recovery_code(session: Session, member: Member, code: str) -> bool:
    claimed = session.exec(
        update(RecoveryCode)
        .where(
            col(RecoveryCode.member_id) == member.id,
            col(RecoveryCode.code_hash) == security.token_hash(code.strip().lower()),
            col(RecoveryCode.used_at).is_(None),
        )
        .values(used_at=utcnow())
    )
    return bool(claimed.rowcount == 1)


def sign_out(session: Session, member: Member, member_session: MemberSession) -> None:
    member_session.revoked_at = utcnow()
    session.add(member_session)
    session.flush()
    audit.record(session, actor_of(member), "sign_out", f"member:{member.id}")


def sign_out_everywhere(session: Session, member: Member) -> None:
    _revoke_sessions(session, member)
    audit.record(session, actor_of(member), "sign_out.everywhere", f"member:{member.id}")


def _revoke_sessions(session: Session, member: Member) -> None:
    session.exec(
        update(MemberSession)
        .where(col(MemberSession.member_id) == member.id, col(MemberSession.revoked_at).is_(None))
        .values(revoked_at=utcnow())
    )


def list_sessions(session: Session, member: Member) -> list[MemberSession]:
    return list(
        session.exec(
            select(MemberSession)
            .where(MemberSession.member_id == member.id, col(MemberSession.revoked_at).is_(None))
            .order_by(col(MemberSession.created_at).desc())
        ).all()
    )


# Second factor ------------------------------------------------------------------------------


def start_second_factor(session: Session, member: Member) -> str:
    """A new secret, not yet in force: it is enabled once the member proves their app has it."""
    if member.totp_enabled:
        raise Conflict(_("Two-factor sign-in is already on."))
    member.totp_secret = security.new_totp_secret()
    session.add(member)
    session.flush()
    return member.totp_secret


def enable_second_factor(session: Session, member: Member, code: str) -> list[str]:
    if member.totp_enabled or not member.totp_secret:
        raise Conflict(_("Start the set-up of two-factor sign-in first."))
    if not security.totp_valid(member.totp_secret, code):
        raise InvalidInput(
            _("The code is not correct. Check the time on your phone."), field="code"
        )
    member.totp_enabled = True
    session.add(member)
    session.exec(delete(RecoveryCode).where(col(RecoveryCode.member_id) == member.id))
    codes = security.new_recovery_codes()
    assert member.id is not None
    session.add_all(
        [RecoveryCode(member_id=member.id, code_hash=security.token_hash(c)) for c in codes]
    )
    session.flush()
    audit.record(session, actor_of(member), "second_factor.enabled", f"member:{member.id}")
    return codes


def disable_second_factor(session: Session, member: Member) -> None:
    member.totp_enabled = False
    member.totp_secret = None
    session.add(member)
    session.exec(delete(RecoveryCode).where(col(RecoveryCode.member_id) == member.id))
    session.flush()
    audit.record(session, actor_of(member), "second_factor.disabled", f"member:{member.id}")


# API tokens ---------------------------------------------------------------------------------


def create_api_token(session: Session, member: Member, name: str) -> tuple[ApiToken, str]:
    name = clean(name)
    if not name or len(name) > 100:
        raise InvalidInput(_("Give the token a name (at most 100 characters)."), field="name")
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
