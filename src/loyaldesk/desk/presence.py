"""Who else is on a case: each open case page reports in every few seconds."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.utils import timezone

from loyaldesk.accounts.models import User
from loyaldesk.desk.models import Case, CasePresence


def poll_seconds() -> int:
    """How often an open case page asks for news (LOYALDESK_CASE_POLL_SECONDS, default 10)."""
    return settings.CASE_POLL_SECONDS


def _gone_after() -> timedelta:
    # Three missed polls and a colleague counts as gone.
    return timedelta(seconds=3 * poll_seconds())


@dataclass(frozen=True)
class Colleague:
    user: User
    replying: bool


def note_presence(case: Case, user: User, *, replying: bool, now: datetime | None = None) -> None:
    """Record that the user has the case open, and whether they are writing a reply."""
    # One INSERT … ON CONFLICT UPDATE: update_or_create takes four round trips and a row lock
    # on every case page and every poll.
    CasePresence.objects.bulk_create(
        [CasePresence(case=case, user=user, replying=replying, seen_at=now or timezone.now())],
        update_conflicts=True,
        unique_fields=["case", "user"],
        update_fields=["replying", "seen_at"],
    )


def others_on_case(case: Case, user: User, now: datetime | None = None) -> list[Colleague]:
    """The other people with this case open now, those writing a reply first."""
    since = (now or timezone.now()) - _gone_after()
    presences = (
        CasePresence.objects.filter(case=case, seen_at__gte=since)
        .exclude(user=user)
        .select_related("user")
        .order_by("-replying", "user__username")
    )
    return [Colleague(p.user, p.replying) for p in presences]


def forget_old_presence(now: datetime | None = None) -> int:
    """Drop presence rows nobody refreshed for a day."""
    cutoff = (now or timezone.now()) - timedelta(days=1)
    return CasePresence.objects.filter(seen_at__lt=cutoff).delete()[0]
