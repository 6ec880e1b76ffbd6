"""Secrets of the web app: password hashes (argon2), random tokens kept only as their
SHA-256, CSRF tokens bound to the browser's session."""

from __future__ import annotations

import hashlib
import hmac
import secrets

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

_HASHER = PasswordHasher()
"""argon2id with the library's defaults (RFC 9106's second recommendation: 64 MiB, t=3)."""
MIN_PASSWORD = 8


def hash_password(password: str) -> str:
    return _HASHER.hash(password)


def password_matches(stored: str | None, given: str) -> bool:
    """True if ``given`` is the password of the hash; False for a link-only account."""
    if stored is None:
        _HASHER.hash(given)  # the same work as a check, so timing does not tell the two apart
        return False
    try:
        return _HASHER.verify(stored, given)
    except (VerificationError, InvalidHashError):
        return False


def new_token() -> str:
    """A random URL-safe token (256 bits)."""
    return secrets.token_urlsafe(32)


def token_hash(token: str) -> str:
    """What the database keeps of a token."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def csrf_token(secret: bytes, bound_to: str) -> str:
    """The CSRF token of a browser: an HMAC of its session (or anonymous) cookie."""
    return hmac.new(secret, b"csrf:" + bound_to.encode("utf-8"), hashlib.sha256).hexdigest()


def csrf_ok(secret: bytes, bound_to: str, given: str | None) -> bool:
    return bool(given) and hmac.compare_digest(csrf_token(secret, bound_to), given or "")
