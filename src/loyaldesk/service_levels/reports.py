"""Service-level attainment over a period: how many targets were met, and how long first
responses and resolutions took, in all and per policy, queue, agent or channel.

Each target of a case (first response, each wait for a next response, resolution) counts once,
in the period where it was decided: when it was breached if it ever was (missed), else when it
was fulfilled (met). A target breached and later fulfilled is missed once, and its time is the
fulfilled measure's, even when the fulfilment came after the period. A breach not fulfilled yet
is missed, with no time. The group of a target (its agent, queue...) is the one recorded with
the measure that decided it.

Medians and 90th percentiles are NumPy's default definition ("linear", Hyndman and Fan's type
7, as PostgreSQL's percentile_cont and Excel's PERCENTILE.INC): the p-th percentile of n sorted
values lies at rank (n - 1) * p / 100, interpolated linearly between the two values around it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from itertools import pairwise

import numpy as np
from django.db import models
from django.db.models import Exists, F, OuterRef, Q, QuerySet, Subquery, When
from django.utils.translation import gettext_lazy as _

from loyaldesk.accounts.models import User
from loyaldesk.customers.models import ChannelChoice
from loyaldesk.desk.models import Queue
from loyaldesk.service_levels.models import Outcome, Policy, ServiceMeasure, TargetKind

GROUPINGS = {
    "policy": "policy_version__policy_id",
    "queue": "queue_id",
    "agent": "agent_id",
    "channel": "channel",
}
NO_GROUP = {
    "policy": _("No policy"),
    "queue": _("No queue"),
    "agent": _("Unassigned"),
    "channel": _("No channel"),
}
TARGETS = [TargetKind.FIRST_RESPONSE, TargetKind.NEXT_RESPONSE, TargetKind.RESOLUTION]


@dataclass(frozen=True)
class MeasureFilter:
    """Which measures a report covers: a period [since, until) and optional cuts."""

    since: datetime
    until: datetime
    policy: int | None = None
    queue: int | None = None
    channel: str = ""

    def measures(self) -> QuerySet[ServiceMeasure]:
        """The measures recorded in the period that match the cuts."""
        lookups: dict[str, object] = {"at__gte": self.since, "at__lt": self.until}
        if self.policy:
            lookups["policy_version__policy_id"] = self.policy
        if self.queue:
            lookups["queue_id"] = self.queue
        if self.channel:
            lookups["channel"] = self.channel
        return ServiceMeasure.objects.filter(**lookups)


@dataclass(frozen=True)
class Attainment:
    """How many targets were measured and how many of them were met."""

    measured: int
    met: int

    @property
    def missed(self) -> int:
        return self.measured - self.met

    @property
    def rate(self) -> float | None:
        """Met, as a percentage of measured; None when nothing was measured."""
        return 100 * self.met / self.measured if self.measured else None


@dataclass(frozen=True)
class Durations:
    """How many durations (in seconds) were known, their median and 90th percentile."""

    count: int
    median: float | None = None
    p90: float | None = None


@dataclass(frozen=True)
class Times:
    """How long a kind of target took to fulfil, in business and in wall-clock seconds."""

    business: Durations
    wall: Durations


@dataclass(frozen=True)
class GroupFigures:
    """A group's attainment, in all and per target, and its response and resolution times."""

    key: int | str | None
    name: str
    attainment: Attainment
    by_target: dict[str, Attainment]
    first_response: Times
    resolution: Times

    def targets(self) -> list[tuple[str, Attainment]]:
        """(label, attainment) of each kind of target, first response first."""
        return [(kind.label, self.by_target[kind.value]) for kind in TARGETS]


@dataclass(frozen=True)
class AttainmentReport:
    """The figures of each group, and of all groups together."""

    by: str
    groups: list[GroupFigures]
    total: GroupFigures


def _fulfilment_of(outcome: str) -> QuerySet[ServiceMeasure]:
    """The measure of the same case, target and wait with this outcome (a subquery)."""
    return ServiceMeasure.objects.filter(
        case_id=OuterRef("case_id"),
        target=OuterRef("target"),
        cycle=OuterRef("cycle"),
        outcome=outcome,
    )


def _fulfilled_seconds(column: str) -> models.Case:
    """The column of the fulfilled measure of the target: this one, or its twin after a breach."""
    fulfilled = _fulfilment_of(Outcome.FULFILLED).values(column)[:1]
    return models.Case(
        When(outcome=Outcome.FULFILLED, then=F(column)),
        default=Subquery(fulfilled),
        output_field=models.BigIntegerField(),
    )


def decided_targets(measure_filter: MeasureFilter, by: str) -> list[tuple]:
    """(group, target, outcome, wall seconds, business seconds) of each target decided in the
    period, in one query; the seconds are None for a breach not fulfilled yet."""
    never_breached = ~Exists(_fulfilment_of(Outcome.BREACHED))
    return list(
        measure_filter.measures()
        .filter(Q(outcome=Outcome.BREACHED) | never_breached)
        .order_by()
        .annotate(
            wall=_fulfilled_seconds("wall_seconds"),
            business=_fulfilled_seconds("business_seconds"),
        )
        .values_list(GROUPINGS[by], "target", "outcome", "wall", "business")
    )


def group_names(by: str, keys: list) -> dict:
    """The name of each group key, as the report shows it."""
    known = [key for key in keys if key is not None]
    if by == "policy":
        names = dict(Policy.objects.filter(pk__in=known).values_list("pk", "name"))
    elif by == "queue":
        names = dict(Queue.objects.filter(pk__in=known).values_list("pk", "name"))
    elif by == "agent":
        users = User.objects.filter(pk__in=known).only("username", "first_name", "last_name")
        names = {user.pk: str(user) for user in users}
    else:
        names = dict(ChannelChoice.choices)
    return {key: str(names.get(key) or key or NO_GROUP[by]) for key in keys}


def _durations(seconds: np.ndarray) -> Durations:
    if not seconds.size:
        return Durations(0)
    median, p90 = np.percentile(seconds, [50, 90])
    return Durations(int(seconds.size), float(median), float(p90))


def durations_per_group(group: np.ndarray, seconds: np.ndarray, groups: int) -> list[Durations]:
    """Count, median and 90th percentile of each group's known seconds (NaN is unknown)."""
    known = ~np.isnan(seconds)
    group, seconds = group[known], seconds[known]
    order = np.argsort(group, kind="stable")
    bounds = np.searchsorted(group[order], np.arange(groups + 1))
    ordered = seconds[order]
    return [_durations(ordered[start:end]) for start, end in pairwise(bounds)]


def _figures(
    names: list[tuple[int | str | None, str]],
    group: np.ndarray,
    target: np.ndarray,
    met: np.ndarray,
    seconds: dict[str, np.ndarray],
) -> list[GroupFigures]:
    """The figures of each named group, from one row per decided target."""
    size = len(names) * len(TARGETS)
    cell = group * len(TARGETS) + target
    measured = np.bincount(cell, minlength=size).reshape(-1, len(TARGETS))
    fulfilled = np.bincount(cell[met], minlength=size).reshape(-1, len(TARGETS))
    times = {}
    for kind in (TargetKind.FIRST_RESPONSE, TargetKind.RESOLUTION):
        of_kind = target == TARGETS.index(kind)
        times[kind] = [
            Times(business, wall)
            for business, wall in zip(
                durations_per_group(group[of_kind], seconds["business"][of_kind], len(names)),
                durations_per_group(group[of_kind], seconds["wall"][of_kind], len(names)),
                strict=True,
            )
        ]
    return [
        GroupFigures(
            key=key,
            name=name,
            attainment=Attainment(int(measured[index].sum()), int(fulfilled[index].sum())),
            by_target={
                kind.value: Attainment(int(measured[index, column]), int(fulfilled[index, column]))
                for column, kind in enumerate(TARGETS)
            },
            first_response=times[TargetKind.FIRST_RESPONSE][index],
            resolution=times[TargetKind.RESOLUTION][index],
        )
        for index, (key, name) in enumerate(names)
    ]


def attainment_report(measure_filter: MeasureFilter, by: str) -> AttainmentReport:
    """Attainment and first-response and resolution times per group `by` (one of GROUPINGS)
    and in total, over the targets decided in the filter's period."""
    rows = decided_targets(measure_filter, by)
    keys = list(dict.fromkeys(row[0] for row in rows))
    position = {key: index for index, key in enumerate(keys)}
    group = np.array([position[row[0]] for row in rows], dtype=np.int64)
    target = np.array([TARGETS.index(row[1]) for row in rows], dtype=np.int64)
    met = np.array([row[2] == Outcome.FULFILLED for row in rows], dtype=bool)
    seconds = {
        "wall": np.array([row[3] for row in rows], dtype=float),
        "business": np.array([row[4] for row in rows], dtype=float),
    }
    names = group_names(by, keys)
    groups = _figures([(key, names[key]) for key in keys], group, target, met, seconds)
    groups.sort(key=lambda figures: (figures.key is None, figures.name.casefold()))
    (total,) = _figures([(None, str(_("All")))], np.zeros_like(group), target, met, seconds)
    return AttainmentReport(by=by, groups=groups, total=total)
