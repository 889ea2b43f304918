"""Passwords (argon2id), opaque tokens stored as hashes, CSRF tokens, and TOTP codes."""

import hashlib
import hmac
import secrets
from datetime import UTC, datetime

import pyotp
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

# argon2-cffi's defaults are argon2id with RFC 9106's low-memory parameters.
PRODUCTION_HASHER = PasswordHasher()
_hasher = PRODUCTION_HASHER
# Verified against when the email is unknown, so both failures take the same time.
_DUMMY_HASH = _hasher.hash("mesa-timing-equalizer")

CSRF_COOKIE = "mesa_csrf"
SESSION_COOKIE = "mesa_session"
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "x-csrf-token"
API_TOKEN_PREFIX = "mesa_"  # noqa: S105 (a prefix, not a secret)


def configure_hasher(hasher: PasswordHasher) -> None:
    """Hashes new passwords with `hasher` from now on. Only the tests call it, for cheap
    parameters; a stored hash carries its own parameters, so verifying is unaffected."""
    global _hasher, _DUMMY_HASH
    _hasher = hasher
    _DUMMY_HASH = hasher.hash("mesa-timing-equalizer")


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    try:
        return _hasher.verify(password_hash or _DUMMY_HASH, password) and bool(password_hash)
    except (VerificationError, InvalidHashError):
        return False


def new_token(prefix: str = "") -> str:
    return prefix + secrets.token_urlsafe(32)


def token_hash(token: str) -> str:
    """Tokens are long random strings: a plain SHA-256 is enough to store them safely."""
    return hashlib.sha256(token.encode()).hexdigest()


def csrf_token(secret_key: str, bound_to: str) -> str:
    """The token forms carry: an HMAC of what it is bound to (see app.core.csrf)."""
    return hmac.new(secret_key.encode(), bound_to.encode(), hashlib.sha256).hexdigest()


def csrf_valid(secret_key: str, bound_to: str | None, submitted: str | None) -> bool:
    if not bound_to or not submitted:
        return False
    return hmac.compare_digest(csrf_token(secret_key, bound_to), submitted)


def new_totp_secret() -> str:
    return pyotp.random_base32()


def totp_uri(secret: str, email: str) -> str:
    return pyotp.TOTP(secret).provisioning_uri(name=email, issuer_name="Mesa")


def totp_step(secret: str, code: str) -> int | None:
    """The time step `code` belongs to, or None if it is not a current code. The caller accepts
    it only if the step is later than the last one accepted, so no code works twice."""
    code = code.replace(" ", "")
    if not (code.isascii() and code.isdigit() and len(code) == 6):  # isdigit() takes "²"
        return None
    totp = pyotp.TOTP(secret)
    step = totp.timecode(datetime.now(UTC))
    # One step either side tolerates a phone clock that is a little off.
    for candidate in (step, step - 1, step + 1):
        if hmac.compare_digest(totp.generate_otp(candidate), code):
            return candidate
    return None


def new_recovery_codes(count: int = 10) -> list[str]:
    return ["-".join(secrets.token_hex(2) for _ in range(3)) for _ in range(count)]
