"""Writes of API tokens: small keyword-only services. The secret leaves the server once,
in the answer to its creation; the database holds its SHA-256 hash only (a token is
random and long, so a plain fast hash is enough: nothing to brute-force)."""

import hashlib
import secrets

from django.utils import timezone

from .models import ApiToken

# "cdt_" tells a leaked string for what it is (secret scanners match on such prefixes).
SCHEME = "cdt_"
PREFIX_BYTES = 6
SECRET_BYTES = 32
# How often last_used_at is written: not on every request, so that a busy integration does
# not turn each read into a write.
LAST_USED_EVERY_SECONDS = 300


def digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def split(raw: str) -> tuple[str, str] | None:
    """(prefix, secret) of a presented token "cdt_<prefix>_<secret>", or None."""
    if not raw.startswith(SCHEME):
        return None
    prefix, _sep, secret = raw.removeprefix(SCHEME).partition("_")
    if not prefix or not secret or not prefix.isalnum() or len(prefix) > 16:
        return None
    return prefix, secret


def token_create(*, user, name: str) -> tuple[ApiToken, str]:
    """The new token and its full value, to show once."""
    prefix = secrets.token_hex(PREFIX_BYTES)
    secret = secrets.token_urlsafe(SECRET_BYTES)
    token = ApiToken(user=user, name=name.strip(), prefix=prefix, hashed=digest(secret))
    token.full_clean()
    token.save()
    return token, f"{SCHEME}{prefix}_{secret}"


def token_revoke(*, token: ApiToken) -> ApiToken:
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
    return token


def token_touch(*, token: ApiToken) -> None:
    now = timezone.now()
    if token.last_used_at is None or \
            (now - token.last_used_at).total_seconds() > LAST_USED_EVERY_SECONDS:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
