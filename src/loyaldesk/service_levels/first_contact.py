"""First-contact resolution: cases resolved for good at the first go, and repeat contacts."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import Count, Exists, OuterRef, Q

from loyaldesk.customers.models import ChannelChoice
from loyaldesk.desk.models import Case

GROUPS = {"queue": "queue__name", "agent": "assignee__username", "channel": "origin_channel"}


@dataclass(frozen=True)
class FirstContact:
    """Of the cases resolved in a period whose repeat window has passed: how many were never
    reopened and brought no repeat contact; and the cases of the period that repeat one."""

    group: str
    settled: int
    first_contact: int
    too_recent: int
    repeat_contacts: int

    @property
    def rate(self) -> float | None:
        return self.first_contact / self.settled if self.settled else None


def first_contact_resolution(
    start: datetime,
    end: datetime,
    now: datetime,
    within_days: int,
    group_by: str = "",
    *,
    queue: int | None = None,
    channel: str = "",
) -> list[FirstContact]:
    """One row per group (queue, agent or channel; a single row when none), sorted by name;
    periods are [start, end); cases optionally of one queue or channel of origin."""
    column = GROUPS.get(group_by)
    settled_by = now - timedelta(days=within_days)
    cuts = {"queue_id": queue, "origin_channel": channel}
    cases = Case.objects.filter(**{name: value for name, value in cuts.items() if value})
    resolved = cases.filter(
        resolved_at__gte=start, resolved_at__lt=end, merged_into__isnull=True
    ).annotate(repeated=Exists(Case.objects.filter(repeat_of=OuterRef("pk"))))
    settled = Q(resolved_at__lte=settled_by)
    measures = {
        "settled": Count("pk", filter=settled),
        "first_contact": Count("pk", filter=settled & Q(reopen_count=0, repeated=False)),
        "too_recent": Count("pk", filter=~settled),
    }
    repeats = cases.filter(opened_at__gte=start, opened_at__lt=end, repeat_of__isnull=False)
    if column:
        counts = {
            row.pop(column): row for row in resolved.order_by().values(column).annotate(**measures)
        }
        repeat_counts = dict(repeats.order_by().values_list(column).annotate(Count("pk")))
    else:
        counts = {None: resolved.aggregate(**measures)}
        repeat_counts = {None: repeats.count()}
    empty = dict.fromkeys(measures, 0)
    keys = sorted(set(counts) | set(repeat_counts), key=lambda key: (key is None, str(key)))
    return [
        FirstContact(
            group=_group_label(group_by, key),
            **counts.get(key, empty),
            repeat_contacts=repeat_counts.get(key, 0),
        )
        for key in keys
    ]


def _group_label(group_by: str, key: str | None) -> str:
    if group_by == "channel" and key in ChannelChoice.values:
        return str(ChannelChoice(key).label)
    return str(key or "")
