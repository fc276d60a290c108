"""Repeat contacts: a customer back on the same topic while an earlier case is open or soon
after it was resolved, which means the first contact did not settle it."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import Q

from loyaldesk.accounts.models import User
from loyaldesk.desk.events import record_event
from loyaldesk.desk.models import Case
from loyaldesk.desk.selectors import ACTIVE_STATUSES


def earlier_case_on_topic(case: Case, within_days: int) -> Case | None:
    """The customer's latest earlier case in the same category that is still open or was
    resolved at most `within_days` before this one was opened."""
    if not case.category:
        return None
    since = case.opened_at - timedelta(days=within_days)
    earlier = Q(opened_at__lt=case.opened_at) | Q(opened_at=case.opened_at, pk__lt=case.pk)
    unsettled = Q(status__in=ACTIVE_STATUSES) | Q(resolved_at__gte=since)
    return (
        Case.objects.filter(earlier & unsettled, customer_id=case.customer_id)
        .filter(category=case.category, merged_into__isnull=True)
        .order_by("-opened_at", "-pk")
        .first()
    )


def link_repeat_contact(case: Case, *, actor: User | None, at: datetime) -> Case | None:
    """Link a case to the earlier case it repeats, once; both cases record it. Call inside
    the transaction that opened or re-categorised the case."""
    if case.repeat_of_id is not None:
        return None
    earlier = earlier_case_on_topic(case, settings.REPEAT_CONTACT_DAYS)
    if earlier is None:
        return None
    case.repeat_of = earlier
    Case.objects.filter(pk=case.pk).update(repeat_of=earlier)
    record_event(
        "case.repeat_of", case=case, actor=actor, at=at, after={"repeat_of": earlier.number}
    )
    record_event("case.repeated", case=earlier, actor=actor, at=at, after={"by": case.number})
    return earlier
