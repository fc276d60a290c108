"""API tokens: issued once in clear, kept as a hash, looked up by their prefix."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from loyaldesk.accounts.models import ApiToken, User

TOKEN_PREFIX = "ld_"
LAST_USED_PRECISION = timedelta(minutes=5)


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


@transaction.atomic
def issue_token(user: User, name: str) -> tuple[ApiToken, str]:
    """Create a token for a user; the clear text is returned once and never stored."""
    prefix = secrets.token_hex(6)
    secret = secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user, name=name, prefix=prefix, digest=_digest(f"{prefix}.{secret}")
    )
    return token, f"{TOKEN_PREFIX}{prefix}.{secret}"


def revoke_token(token: ApiToken) -> ApiToken:
    """Stop a token from working, for good."""
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
    return token


def user_for_token(presented: str) -> User | None:
    """The active user a live token belongs to, or None."""
    body = presented.removeprefix(TOKEN_PREFIX)
    prefix, _, secret = body.partition(".")
    if not prefix or not secret:
        return None
    token = (
        ApiToken.objects.select_related("user")
        .filter(prefix=prefix, revoked_at__isnull=True, user__is_active=True)
        .first()
    )
    if token is None or not hmac.compare_digest(token.digest, _digest(body)):
        return None
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at > LAST_USED_PRECISION:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user
