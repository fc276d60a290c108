"""Escalating cases as their targets run out, and warning when a queue's pace will miss them.

Separate from services.py because the actions go through the desk's services, which call
services.py after every change of a case.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import UTC, datetime

import numpy as np
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone

from loyaldesk.accounts.models import User
from loyaldesk.desk.events import record_event
from loyaldesk.desk.models import Case, Message, MessageKind, Priority
from loyaldesk.desk.selectors import ACTIVE_STATUSES
from loyaldesk.desk.services import assign_case, change_case_details
from loyaldesk.service_levels.business_time import NEVER, BusinessClock
from loyaldesk.service_levels.event_log import calendar_of
from loyaldesk.service_levels.models import (
    Alert,
    CaseTimer,
    Escalation,
    EscalationAction,
    EscalationKind,
    EscalationRule,
    PolicyVersion,
    TargetKind,
)
from loyaldesk.service_levels.pace import (
    elapsed_by,
    pace,
    reached_at,
    threshold_seconds,
    window_start,
)
from loyaldesk.service_levels.services import YEARS_AHEAD

RESPONSE_TARGETS = [TargetKind.FIRST_RESPONSE, TargetKind.NEXT_RESPONSE]
PRIORITY_RANK = {priority: rank for rank, priority in enumerate(Priority.values)}


def _clocks(version_ids: set[int], year: int) -> dict[int, BusinessClock]:
    """The business clock of each policy version (calendars cache their clocks)."""
    definitions = PolicyVersion.objects.filter(pk__in=version_ids).values_list("pk", "definition")
    return {
        pk: calendar_of(definition["calendar"]).clock(year - 1, year + YEARS_AHEAD)
        for pk, definition in definitions
    }


def _epoch(moment: datetime) -> int:
    return int(moment.timestamp())


def _instant(seconds: int) -> datetime | None:
    return None if seconds >= NEVER else datetime.fromtimestamp(int(seconds), UTC)


def run_escalations(now: datetime | None = None) -> int:
    """Act on every active rule whose share of a target a waiting case has used, once per
    rule and wait, and only while the policy's calendar is open; returns how many acted."""
    now = now or timezone.now()
    fired = 0
    for rule in EscalationRule.objects.filter(is_active=True).select_related("assign_to"):
        for timer in _reached(rule, now):
            fired += _escalate(rule, timer, now)
    return fired


def _reached(rule: EscalationRule, now: datetime) -> list[CaseTimer]:
    """The waiting timers of the rule's policy and target that used its share by now."""
    done = Escalation.objects.filter(rule=rule, case=OuterRef("case"), wait=OuterRef("wait"))
    timers = list(
        CaseTimer.objects.filter(
            policy_version__policy=rule.policy_id,
            target=rule.target,
            waiting=True,
            target_seconds__isnull=False,
            case__status__in=ACTIVE_STATUSES,
        )
        .exclude(Exists(done))
        .only(
            "case_id",
            "wait",
            "elapsed_seconds",
            "running",
            "computed_at",
            "target_seconds",
            "policy_version_id",
        )
    )
    by_version = defaultdict(list)
    for timer in timers:
        by_version[timer.policy_version_id].append(timer)
    reached = []
    clocks = _clocks(set(by_version), now.year)
    for version_id, group in by_version.items():
        clock = clocks[version_id]
        if not clock.is_open(_epoch(now)):
            continue  # outside opening hours: the rule acts at the next opening
        used = elapsed_by(
            clock,
            np.array([timer.elapsed_seconds for timer in group]),
            np.array([timer.running for timer in group]),
            np.array([_epoch(timer.computed_at) for timer in group]),
            _epoch(now),
        )
        limits = threshold_seconds(
            np.array([timer.target_seconds for timer in group]), rule.percent
        )
        reached.extend(timer for timer, hit in zip(group, used >= limits, strict=True) if hit)
    return reached


def _escalate(rule: EscalationRule, timer: CaseTimer, now: datetime) -> int:
    try:
        with transaction.atomic():
            case = Case.objects.select_for_update().get(pk=timer.case_id)
            escalation = Escalation.objects.create(
                case=case,
                kind=EscalationKind.THRESHOLD,
                rule=rule,
                target=rule.target,
                wait=timer.wait,
                fired_at=now,
            )
            case, recipients = _act(rule, case, now)
            _alert(escalation, recipients, now)
            record_event(
                "sla.escalated",
                case=case,
                at=now,
                after={
                    "rule": rule.pk,
                    "target": rule.target,
                    "wait": timer.wait,
                    "percent": rule.percent,
                    "action": rule.action,
                    "assignee": case.assignee_id,
                    "priority": case.priority,
                    "notified": [user.pk for user in recipients],
                },
            )
    except IntegrityError:
        return 0  # another worker escalated this wait first
    return 1


def _team_lead(case: Case) -> User | None:
    team = case.queue.team if case.queue_id else None
    return team.lead if team is not None and team.lead_id else None


def _act(rule: EscalationRule, case: Case, now: datetime) -> tuple[Case, list[User]]:
    """Do what the rule says; return the case as it is now and who is to be told."""
    lead = _team_lead(case)
    if rule.action == EscalationAction.NOTIFY_ASSIGNEE:
        recipient = case.assignee or lead  # nobody has it yet: its team lead does
        return case, [recipient] if recipient else []
    if rule.action == EscalationAction.NOTIFY_TEAM_LEAD:
        return case, [lead] if lead else []
    if rule.action == EscalationAction.REASSIGN:
        return assign_case(case, rule.assign_to, at=now), [rule.assign_to]
    if PRIORITY_RANK[rule.priority] > PRIORITY_RANK[case.priority]:
        case = change_case_details(case, at=now, priority=rule.priority)
    return case, [user for user in (case.assignee, lead) if user]


def _alert(escalation: Escalation, recipients: list[User], now: datetime) -> None:
    unique = {user.pk: user for user in recipients if user.is_active}
    Alert.objects.bulk_create(
        [
            Alert(user=user, case=escalation.case, escalation=escalation, created_at=now)
            for user in unique.values()
        ]
    )


def forecast_breaches(now: datetime | None = None) -> int:
    """Place each queue's running response targets in due order at the queue's pace of the
    last eight business hours; warn its team lead once per wait that will be late. Returns
    how many cases are at risk."""
    now = now or timezone.now()
    timers = list(
        CaseTimer.objects.filter(
            target__in=RESPONSE_TARGETS,
            running=True,
            breached_at__isnull=True,
            due_at__isnull=False,
            policy_version__isnull=False,
            case__status__in=ACTIVE_STATUSES,
        )
        .select_related("case__queue__team__lead")
        .order_by("due_at", "pk")
    )
    by_queue = defaultdict(list)
    for timer in timers:
        by_queue[timer.case.queue_id].append(timer)
    clocks = _clocks({timer.policy_version_id for timer in timers}, now.year)
    for queue_timers in by_queue.values():
        _place(queue_timers, clocks, now)
    CaseTimer.objects.bulk_update(timers, ["forecast_at", "forecast_late"])
    CaseTimer.objects.filter(forecast_late=True).exclude(
        pk__in=[timer.pk for timer in timers]
    ).update(forecast_at=None, forecast_late=False)
    at_risk = {timer.case_id for timer in timers if timer.at_risk}
    Case.objects.filter(sla_at_risk=True).exclude(pk__in=at_risk).update(sla_at_risk=False)
    Case.objects.filter(pk__in=at_risk).update(sla_at_risk=True)
    for timer in timers:
        if timer.at_risk:
            _warn(timer, clocks[timer.policy_version_id], now)
    return len(at_risk)


def _place(timers: list[CaseTimer], clocks: dict[int, BusinessClock], now: datetime) -> None:
    """Set when the queue reaches each of its timers, given in due order."""
    # The window is measured on the calendar most of the queue's cases are measured against.
    common, _ = Counter(timer.policy_version_id for timer in timers).most_common(1)[0]
    since = datetime.fromtimestamp(window_start(clocks[common], _epoch(now)), UTC)
    replies = Message.objects.filter(
        case__queue=timers[0].case.queue_id,
        kind=MessageKind.OUTBOUND,
        author_user__isnull=False,
        created_at__gte=since,
        created_at__lte=now,
    ).count()
    rate = pace(replies)
    positions = np.arange(1, len(timers) + 1)
    by_version = defaultdict(list)
    for position, timer in zip(positions, timers, strict=True):
        by_version[timer.policy_version_id].append((position, timer))
    for version_id, placed in by_version.items():
        moments = reached_at(clocks[version_id], _epoch(now), [p for p, _ in placed], rate)
        for (_, timer), moment in zip(placed, moments, strict=True):
            timer.forecast_at = _instant(int(moment))
            timer.forecast_late = int(moment) > _epoch(timer.due_at)


def _warn(timer: CaseTimer, clock: BusinessClock, now: datetime) -> None:
    """Tell the team lead once per wait, while the calendar is open."""
    if not clock.is_open(_epoch(now)):
        return
    if Escalation.objects.filter(
        case_id=timer.case_id, kind=EscalationKind.FORECAST, target=timer.target, wait=timer.wait
    ).exists():
        return
    case = timer.case
    try:
        with transaction.atomic():
            escalation = Escalation.objects.create(
                case=case,
                kind=EscalationKind.FORECAST,
                target=timer.target,
                wait=timer.wait,
                fired_at=now,
            )
            lead = _team_lead(case)
            _alert(escalation, [lead] if lead else [], now)
            record_event(
                "sla.breach_predicted",
                case=case,
                at=now,
                after={
                    "target": timer.target,
                    "wait": timer.wait,
                    "due_at": timer.due_at.isoformat(),
                    "expected_at": timer.forecast_at.isoformat() if timer.forecast_at else None,
                    "notified": [lead.pk] if lead else [],
                },
            )
    except IntegrityError:
        return
