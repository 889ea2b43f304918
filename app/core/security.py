"""Passwords (argon2id), opaque tokens stored as hashes, CSRF tokens, and TOTP codes."""

import hashlib
import hmac
import secrets

import pyotp
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

# argon2-cffi's defaults are argon2id with RFC 9106's low-memory parameters.
_hasher = PasswordHasher()
# Verified against when the email is unknown, so both failures take the same time.
_DUMMY_HASH = _hasher.hash("mesa-timing-equalizer")

CSRF_COOKIE = "mesa_csrf"
SESSION_COOKIE = "mesa_session"
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "x-csrf-token"
API_TOKEN_PREFIX = "mesa_"  # noqa: S105 (a prefix, not a secret)


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


def totp_valid(secret: str, code: str) -> bool:
    code = code.replace(" ", "")
    # One step either side tolerates a phone clock that is a little off.
    return code.isdigit() and pyotp.TOTP(secret).verify(code, valid_window=1)


def new_recovery_codes(count: int = 10) -> list[str]:
    return ["-".join(secrets.token_hex(2) for _ in range(3)) for _ in range(count)]
