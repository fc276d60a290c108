"""The generated data set, as stored: consistent with the desk's own rules and realistic."""

import re
from collections import Counter, defaultdict
from datetime import timedelta
from types import SimpleNamespace

import pytest
from django.db import connection, transaction

from loyaldesk.customers.models import Customer, Purchase
from loyaldesk.demo.parameters import LoyaltyEffects
from loyaldesk.demo.phrasebook import PHRASEBOOKS
from loyaldesk.desk.lifecycle import Status, apply_move
from loyaldesk.desk.models import Case, Event, Message
from tests.demo.conftest import generate_small


def foreign_keys():
    with connection.cursor() as cursor:
        introspection = connection.introspection
        return {
            (table, tuple(constraint["columns"]), constraint["foreign_key"])
            for table in introspection.table_names(cursor)
            for constraint in introspection.get_constraints(cursor, table).values()
            if constraint["foreign_key"]
        }


def test_generation_leaves_every_foreign_key_in_place(db):
    before = foreign_keys()
    assert len(before) > 20
    generate_small(customers=100)
    assert foreign_keys() == before


def test_counts_match_the_report(generated):
    assert generated.counts["customers"] == Customer.objects.count()
    assert generated.counts["cases"] == Case.objects.count() > 300
    assert generated.counts["messages"] == Message.objects.count()
    assert Event.objects.count() == generated.counts["events"]


def test_every_case_replays_through_the_lifecycle(generated):
    """Events tell each case's whole story, in the same shape the desk services record."""
    events = defaultdict(list)
    for event in Event.objects.filter(case__isnull=False).order_by("at", "id"):
        events[event.case_id].append(event)
    outbound = defaultdict(list)
    for message in Message.objects.filter(kind="outbound").order_by("created_at"):
        outbound[message.case_id].append(message.created_at)
    message_events = Counter(
        e.case_id for e in Event.objects.filter(kind="message.added", case__isnull=False)
    )
    for case in Case.objects.all():
        history = events[case.pk]
        assert history[0].kind == "case.opened"
        replay = SimpleNamespace(status=Status.NEW, resolved_at=None, closed_at=None,
                                 reopen_count=0)  # fmt: skip
        for event in history:
            if event.kind in ("case.status_changed", "case.reopened"):
                target = Status(event.after["status"])
                assert apply_move(replay, target, event.at) == (event.before["status"], event.kind)
        assert replay.status == case.status, case.number
        assert replay.reopen_count == case.reopen_count
        assert (replay.resolved_at, replay.closed_at) == (case.resolved_at, case.closed_at)
        assert case.first_response_at == (outbound[case.pk][0] if outbound[case.pk] else None)
        assert message_events[case.pk] == case.messages.count()
        assert (case.resolved_at is not None) == (case.status in ("resolved", "closed"))


def test_cases_are_numbered_in_the_order_they_were_opened(generated):
    opened = list(Case.objects.order_by("number").values_list("opened_at", flat=True))
    assert opened == sorted(opened)


def test_customers_write_in_their_own_language(generated):
    languages = Counter(Customer.objects.values_list("preferred_language", flat=True))
    assert set(languages) == {"en", "fr", "it"}
    assert not Case.objects.exclude(language=models_f("customer__preferred_language")).exists()
    for language in ("en", "fr", "it"):
        greetings = tuple(PHRASEBOOKS[language]["customer_greeting"])
        first_emails = Message.objects.filter(
            kind="inbound", channel="email", case__language=language
        ).order_by("id")[:50]
        texts = [m.text for m in first_emails if m.text.startswith(greetings)]
        assert len(texts) >= 10, language


def models_f(name):
    from django.db.models import F

    return F(name)


def test_no_placeholder_is_left_unfilled(generated):
    placeholder = re.compile(r"\{[a-z_]+\}")
    for text in Message.objects.values_list("text", flat=True):
        assert not placeholder.search(text), text
    for subject in Case.objects.values_list("subject", flat=True):
        assert subject.strip()
        assert not placeholder.search(subject)


def test_some_problems_come_back_and_some_cases_reopen(generated):
    assert Case.objects.filter(repeat_of__isnull=False).exists()
    assert Case.objects.filter(reopen_count__gt=0).exists()
    for case in Case.objects.filter(repeat_of__isnull=False).select_related("repeat_of"):
        assert case.repeat_of.customer_id == case.customer_id
        assert case.repeat_of.opened_at < case.opened_at


def repurchase_gap(days: int = 180) -> float:
    """Share buying again within `days` after a well-handled first case, minus after a bad one."""
    first_cases = {}
    for case in Case.objects.order_by("opened_at"):
        first_cases.setdefault(case.customer_id, case)
    repeated = set(Case.objects.filter(repeat_of__isnull=False).values_list("repeat_of", flat=True))
    purchases = defaultdict(list)
    for customer_id, moment in Purchase.objects.values_list("customer_id", "purchased_at"):
        purchases[customer_id].append(moment)
    groups = {"good": [], "bad": []}
    for customer_id, case in first_cases.items():
        if case.first_response_at is None or case.resolved_at is None:
            continue
        slow = case.first_response_at - case.opened_at > timedelta(hours=24)
        bad = slow or case.reopen_count > 0 or case.pk in repeated
        good = not bad and case.resolved_at - case.opened_at <= timedelta(hours=24)
        if not (good or bad):
            continue
        window_end = case.opened_at + timedelta(days=days)
        bought = any(case.opened_at < m <= window_end for m in purchases[customer_id])
        groups["good" if good else "bad"].append(bought)
    share = {name: sum(values) / len(values) for name, values in groups.items()}
    return share["good"] - share["bad"]


def gap_for(**overrides) -> float:
    with transaction.atomic():
        generate_small(customers=2500, seed=21, **overrides)
        gap = repurchase_gap()
        transaction.set_rollback(True)
    return gap


@pytest.mark.django_db
def test_loyalty_signal_is_in_the_data_and_comes_from_the_planted_effect():
    """Customers served badly buy less afterwards; with the effects switched off, they do not."""
    neutral = LoyaltyEffects(
        churn_multiplier_slow_response=1.0,
        purchase_multiplier_slow_response=1.0,
        churn_multiplier_unresolved=1.0,
        purchase_multiplier_unresolved=1.0,
        churn_multiplier_repeat_contact=1.0,
        churn_multiplier_recovered=1.0,
        purchase_multiplier_recovered=1.0,
    )
    gap_with_effects = gap_for()
    gap_without = gap_for(loyalty=neutral)
    assert gap_with_effects > 0.08, gap_with_effects
    assert gap_with_effects - gap_without > 0.06, (gap_with_effects, gap_without)
