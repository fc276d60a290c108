"""Reading service-level state."""

from __future__ import annotations

from django.db.models import QuerySet

from loyaldesk.desk.models import Case
from loyaldesk.service_levels.models import CaseTimer, TargetKind

ORDER = [TargetKind.FIRST_RESPONSE, TargetKind.NEXT_RESPONSE, TargetKind.RESOLUTION]


def timers_of(case: Case) -> list[CaseTimer]:
    """The case's timers with a target, first response first."""
    timers: QuerySet[CaseTimer] = CaseTimer.objects.filter(
        case=case, target_seconds__isnull=False
    ).select_related("policy_version__policy")
    return sorted(timers, key=lambda timer: ORDER.index(timer.target))
