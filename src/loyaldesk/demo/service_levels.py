"""The demo company's service levels: an office calendar per market, policies with escalation
rules, a key account's own expectation, and every case measured from its events.

The cases were written in bulk with the events the desk records; here each gets the
`sla.policy_applied` event the desk records at opening, then its timers and measures are
derived from its events in one pass, as the desk derives them one case at a time.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime

from django.db.models import QuerySet

from loyaldesk.customers.models import Membership, Organisation
from loyaldesk.desk.models import ActorKind, Case, Event
from loyaldesk.service_levels.defaults import install_default_calendars
from loyaldesk.service_levels.models import (
    EscalationAction,
    EscalationRule,
    Expectation,
    Policy,
    ServiceCalendar,
    ServiceMeasure,
    TargetKind,
)
from loyaldesk.service_levels.services import (
    CaseFacts,
    active_policies,
    applied_targets,
    matches,
    measure_cases,
    publish_policy,
)

CHUNK = 5_000
HOUR = 60
MARKETS = {"fr": "FR", "it": "IT", "en": "UK"}
# Name, conditions and business minutes for first response, next response and resolution.
POLICIES = (
    ("Urgent", {"priorities": ["urgent"]}, (1 * HOUR, 2 * HOUR, 8 * HOUR)),
    ("High", {"priorities": ["high"]}, (2 * HOUR, 4 * HOUR, 16 * HOUR)),
    ("Business", {"segments": ["business"]}, (4 * HOUR, 4 * HOUR, 24 * HOUR)),
    ("Standard", {}, (8 * HOUR, 8 * HOUR, 40 * HOUR)),
)
RULES = (
    (TargetKind.FIRST_RESPONSE, 75, EscalationAction.NOTIFY_ASSIGNEE, ""),
    (TargetKind.FIRST_RESPONSE, 100, EscalationAction.NOTIFY_TEAM_LEAD, ""),
    (TargetKind.RESOLUTION, 100, EscalationAction.RAISE_PRIORITY, "high"),
)


def install_demo_policies() -> list[Policy]:
    """Per market (the case's language), four policies tried in order, on its calendar."""
    calendars = install_default_calendars()
    policies = []
    for market, (language, code) in enumerate(MARKETS.items()):
        for position, (name, conditions, minutes) in enumerate(POLICIES):
            policy = _policy(f"{name} ({code})", calendars[language], language, conditions, minutes)
            policy.position = 10 * position + market
            policy.save(update_fields=["position"])
            policies.append(policy)
    return policies


def _policy(
    name: str, calendar: ServiceCalendar, language: str, conditions: dict, minutes: tuple
) -> Policy:
    first, following, resolution = minutes
    policy = Policy.objects.create(
        name=name,
        calendar=calendar,
        languages=[language],
        first_response_minutes=first,
        next_response_minutes=following,
        resolution_minutes=resolution,
        **conditions,
    )
    EscalationRule.objects.bulk_create(
        EscalationRule(policy=policy, target=target, percent=percent, action=action, priority=to)
        for target, percent, action, to in RULES
    )
    publish_policy(policy)
    return policy


def give_key_account_an_expectation() -> Expectation | None:
    """The first business customer organisation expects an answer within two hours."""
    organisation = Organisation.objects.order_by("pk").first()
    if organisation is None:
        return None
    return Expectation.objects.create(
        organisation=organisation,
        first_response_minutes=2 * HOUR,
        note="Key account: their contract promises an answer within two business hours.",
    )


def measure_demo_cases(now: datetime) -> dict[str, int]:
    """Record the policy each case met at opening, then derive every case's timers."""
    policies = active_policies()
    versions = {policy.pk: publish_policy(policy) for policy in policies}
    expectation = Expectation.objects.filter(organisation__isnull=False).first()
    expecting = (
        set(
            Membership.objects.filter(organisation=expectation.organisation).values_list(
                "customer_id", flat=True
            )
        )
        if expectation
        else set()
    )
    organisations = defaultdict(set)
    for customer_id, organisation_id in Membership.objects.values_list(
        "customer_id", "organisation_id"
    ):
        organisations[customer_id].add(organisation_id)
    counts = {"measured_cases": 0, "sla_events": 0}
    last = 0
    while True:
        cases = list(_cases_after(last)[:CHUNK])
        if not cases:
            counts["sla_events"] += ServiceMeasure.objects.count()  # one event each
            return counts
        applied = []
        for case in cases:
            facts = CaseFacts.of(case, frozenset(organisations.get(case.customer_id, ())))
            policy = next((policy for policy in policies if matches(policy, facts)), None)
            if policy is None:
                continue
            own = expectation if case.customer_id in expecting else None
            applied.append(_applied_event(case, applied_targets(policy, versions[policy.pk], own)))
        Event.objects.bulk_create(applied, batch_size=2000)
        counts["sla_events"] += len(applied)
        counts["measured_cases"] += measure_cases(cases, now=now)
        last = cases[-1].pk


def _cases_after(last: int) -> QuerySet[Case]:
    return (
        Case.objects.filter(pk__gt=last)
        .order_by("pk")
        .select_related("customer")
        .only(
            "opened_at",
            "priority",
            "origin_channel",
            "category",
            "language",
            "queue_id",
            "assignee_id",
            "customer_id",
            "customer__segment",
        )
    )


def _applied_event(case: Case, after: dict) -> Event:
    return Event(
        kind="sla.policy_applied",
        case=case,
        customer_id=case.customer_id,
        actor_kind=ActorKind.SYSTEM,
        at=case.opened_at,
        before={},
        after=after,
    )
