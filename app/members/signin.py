"""Sign-in: passwords and second factors, the throttling of failed attempts, and sessions.
Every state change writes its audit event in the same transaction.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import NoReturn

from sqlalchemy import bindparam
from sqlmodel import Session, col, delete, func, select, update

from app.audit import service as audit
from app.audit.service import actor_of
from app.core import security
from app.core.errors import Conflict, DomainError, InvalidInput, NotFound
from app.core.i18n import _
from app.core.models import as_utc, utcnow
from app.members.models import (
    FailureKind,
    Member,
    MemberSession,
    RecoveryCode,
    SignInFailure,
)
from app.members.service import MAX_PASSWORD_LENGTH, normalize_email, revoke_sessions

SESSION_LIFETIME = timedelta(days=14)
# Failed sign-ins within the window slow down, then lock, one address guessing one account; many
# failures on an account slow every address that failed on it, but never lock the account: a
# stranger must not be able to keep a member out. Each address has a ceiling over all accounts.
FAILURE_WINDOW = timedelta(minutes=15)
SLOW_AFTER, LOCK_AFTER = 3, 6  # per account and address
ACCOUNT_SLOW_AFTER = 10  # per account, from any address
ADDRESS_LIMIT = 24  # per address: it may be shared (an office, a ministry), so it gets more tries
MAX_DELAY_EXPONENT = 6  # delays grow 2, 4, 8 … 64 seconds


class NotAuthenticated(DomainError):
    status_code = 401
    code = "not_authenticated"


class SignInRefused(DomainError):
    status_code = 401
    code = "sign_in_refused"


class TooManyAttempts(DomainError):
    status_code = 429
    code = "too_many_attempts"


@dataclass
class SignedIn:
    member: Member
    token: str  # for the session cookie
    awaiting_second_factor: bool


def _throttle(session: Session, kind: FailureKind, *, email: str, address: str) -> None:
    """Refuses the attempt before anything is checked, from counts of recent failures of the
    same kind. It depends only on the email as typed, never on whether the account exists."""
    recent = select(func.count(), func.max(SignInFailure.at)).where(
        SignInFailure.kind == kind, SignInFailure.at > utcnow() - FAILURE_WINDOW
    )
    here, here_last = session.exec(
        recent.where(SignInFailure.email == email, SignInFailure.address == address)
    ).one()
    on_address, address_last = session.exec(recent.where(SignInFailure.address == address)).one()
    on_account = session.exec(recent.where(SignInFailure.email == email)).one()[0]
    if on_address >= ADDRESS_LIMIT:
        _locked(address_last)
    if here >= LOCK_AFTER:
        _locked(here_last)
    # The delay runs from this address's own last failure: an address that never failed on
    # the account (the member's, elsewhere) is let try at once.
    steps = max(here - SLOW_AFTER + 1, on_account - ACCOUNT_SLOW_AFTER + 1)
    if here and steps > 0:
        delay = timedelta(seconds=2 ** min(steps, MAX_DELAY_EXPONENT))
        wait = (as_utc(here_last) + delay - utcnow()).total_seconds()
        if wait > 0:
            raise TooManyAttempts(
                _(
                    "Too many failed attempts. Try again in %(seconds)s seconds.",
                    seconds=int(wait) + 1,
                ),
                retry_after=int(wait) + 1,
            )


def _locked(last_failure: datetime) -> NoReturn:
    wait = (as_utc(last_failure) + FAILURE_WINDOW - utcnow()).total_seconds()
    raise TooManyAttempts(
        _(
            "Too many failed attempts. Sign-in is locked for %(minutes)s minutes.",
            minutes=max(1, round(wait / 60)),
        ),
        retry_after=int(wait) + 1,
    )


def _failed(session: Session, kind: FailureKind, *, email: str, address: str) -> None:
    session.add(SignInFailure(kind=kind, email=email, address=address))
    session.flush()


def _succeeded(session: Session, kind: FailureKind, *, email: str, address: str) -> None:
    """Forgets this address's failures on the account; other addresses' stay counted."""
    session.exec(
        delete(SignInFailure).where(
            col(SignInFailure.kind) == kind,
            col(SignInFailure.email) == email,
            col(SignInFailure.address) == address,
        )
    )


def sign_in(
    session: Session, *, email: str, password: str, address: str, user_agent: str = ""
) -> SignedIn:
    """Checks the password. A failure is recorded (and must be committed by the caller even
    though this raises): it is what slows and then locks repeated guessing."""
    email, address = normalize_email(email)[:254], address[:64]
    _throttle(session, FailureKind.PASSWORD, email=email, address=address)
    member = session.exec(select(Member).where(Member.email == email)).first()
    valid = security.verify_password(
        member.password_hash if member else None, password[:MAX_PASSWORD_LENGTH]
    )
    if member is None or not valid or not member.is_active:
        _failed(session, FailureKind.PASSWORD, email=email, address=address)
        audit.record(session, audit.SYSTEM, "sign_in.failed")
        # The same words whether the email or the password was wrong: no account discovery.
        raise SignInRefused(_("The email or the password is not correct."))
    _succeeded(session, FailureKind.PASSWORD, email=email, address=address)
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


# Built once, bound per call (every signed-in request): building it costs more than running it.
_SIGNED_IN = (
    select(Member, MemberSession)
    .join(MemberSession, col(MemberSession.member_id) == Member.id)
    .where(
        MemberSession.token_hash == bindparam("token_hash"),
        col(MemberSession.revoked_at).is_(None),
        col(Member.is_active).is_(True),
    )
)


def authenticate_session(
    session: Session, token: str | None
) -> tuple[Member, MemberSession] | None:
    if not token:
        return None
    row = session.exec(_SIGNED_IN, params={"token_hash": security.token_hash(token)}).first()
    if row is None or as_utc(row[1].expires_at) < utcnow():
        return None
    return row[0], row[1]


def complete_second_factor(
    session: Session, member: Member, member_session: MemberSession, *, code: str, address: str
) -> None:
    """Like `sign_in`, a failure is recorded and must be committed by the caller."""
    if not member_session.awaiting_second_factor:
        return
    if not _check_code(session, member, code=code, address=address):
        audit.record(session, audit.SYSTEM, "sign_in.failed")
        raise SignInRefused(_("The code is not correct."), field="code")
    member_session.awaiting_second_factor = False
    session.add(member_session)
    session.flush()
    audit.record(session, actor_of(member), "sign_in", f"member:{member.id}")


def _check_code(session: Session, member: Member, *, code: str, address: str) -> bool:
    """An authenticator or recovery code, throttled like passwords; each works only once."""
    address = address[:64]
    _throttle(session, FailureKind.CODE, email=member.email, address=address)
    if _use_totp_code(session, member, code) or _use_recovery_code(session, member, code):
        _succeeded(session, FailureKind.CODE, email=member.email, address=address)
        return True
    _failed(session, FailureKind.CODE, email=member.email, address=address)
    return False


def _use_totp_code(session: Session, member: Member, code: str) -> bool:
    step = security.totp_step(member.totp_secret, code) if member.totp_secret else None
    if step is None:
        return False
    # A conditional update, so two sign-ins with the same code cannot both use it.
    claimed = session.exec(
        update(Member)
        .where(
            col(Member.id) == member.id,
            col(Member.totp_last_step).is_(None) | (col(Member.totp_last_step) < step),
        )
        .values(totp_last_step=step)
    )
    return bool(claimed.rowcount == 1)


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


def sign_out_session(session: Session, member: Member, session_id: int) -> MemberSession:
    """Ends one of the member's own sessions (a lost phone, a shared computer)."""
    found = session.get(MemberSession, session_id)
    if found is None or found.member_id != member.id or found.revoked_at is not None:
        raise NotFound(_("This session is not open."))
    found.revoked_at = utcnow()
    session.add(found)
    session.flush()
    audit.record(
        session, actor_of(member), "sign_out.session", f"member:{member.id}",
        details={"session": session_id},
    )  # fmt: skip
    return found


def sign_out_everywhere(session: Session, member: Member) -> None:
    revoke_sessions(session, member)
    audit.record(session, actor_of(member), "sign_out.everywhere", f"member:{member.id}")


def list_sessions(session: Session, member: Member) -> list[MemberSession]:
    return list(
        session.exec(
            select(MemberSession)
            .where(MemberSession.member_id == member.id, col(MemberSession.revoked_at).is_(None))
            .order_by(col(MemberSession.created_at).desc())
        ).all()
    )


# Second factor ------------------------------------------------------------------------------


def _require_code(session: Session, member: Member, *, code: str, address: str) -> None:
    """Changing an active second factor needs a current code, not only a session."""
    if not _check_code(session, member, code=code, address=address):
        raise InvalidInput(_("The code is not correct."), field="code")


def start_second_factor(session: Session, member: Member, *, code: str, address: str) -> str:
    """A new secret, not yet in force: it is enabled once the member proves their app has it.
    Starting again while it is on (a new phone) needs the current code and turns it off."""
    if member.totp_enabled:
        _require_code(session, member, code=code, address=address)
        _turn_off(session, member)
    member.totp_secret = security.new_totp_secret()
    member.totp_last_step = None
    session.add(member)
    session.flush()
    return member.totp_secret


def enable_second_factor(session: Session, member: Member, code: str) -> list[str]:
    if member.totp_enabled or not member.totp_secret:
        raise Conflict(_("Start the set-up of two-factor sign-in first."))
    if not _use_totp_code(session, member, code):
        raise InvalidInput(
            _("The code is not correct. Check the time on your phone."), field="code"
        )
    member.totp_enabled = True
    session.add(member)
    codes = _new_recovery_codes(session, member)
    audit.record(session, actor_of(member), "second_factor.enabled", f"member:{member.id}")
    return codes


def renew_recovery_codes(session: Session, member: Member, *, code: str, address: str) -> list[str]:
    """New recovery codes for the old ones (all of which stop working)."""
    if not member.totp_enabled:
        raise Conflict(_("Two-factor sign-in is off."))
    _require_code(session, member, code=code, address=address)
    codes = _new_recovery_codes(session, member)
    audit.record(
        session, actor_of(member), "second_factor.recovery_codes_renewed", f"member:{member.id}"
    )
    return codes


def _new_recovery_codes(session: Session, member: Member) -> list[str]:
    session.exec(delete(RecoveryCode).where(col(RecoveryCode.member_id) == member.id))
    codes = security.new_recovery_codes()
    assert member.id is not None
    session.add_all(
        [RecoveryCode(member_id=member.id, code_hash=security.token_hash(c)) for c in codes]
    )
    session.flush()
    return codes


def disable_second_factor(session: Session, member: Member, *, code: str, address: str) -> None:
    if not member.totp_enabled:
        raise Conflict(_("Two-factor sign-in is off."))
    _require_code(session, member, code=code, address=address)
    _turn_off(session, member)


def _turn_off(session: Session, member: Member) -> None:
    member.totp_enabled = False
    member.totp_secret = None
    session.add(member)
    session.exec(delete(RecoveryCode).where(col(RecoveryCode.member_id) == member.id))
    session.flush()
    audit.record(session, actor_of(member), "second_factor.disabled", f"member:{member.id}")
