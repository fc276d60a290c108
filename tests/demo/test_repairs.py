"""The demo's repairs, as stored: on the repair cases, by the stage rules, told on the case."""

from collections import defaultdict
from datetime import UTC, datetime, timedelta
from random import Random

import pytest
from django.conf import settings
from django.db import transaction
from django.urls import reverse

from loyaldesk.accounts.models import User
from loyaldesk.desk.models import Event, Message
from loyaldesk.repairs.models import RepairOrder, RepairTarget, StageEntry
from loyaldesk.repairs.stages import COMMITS_COST, STARTS_WORK, Safeguards, Stage, blockers
from tests.demo.conftest import END, generate_small

REPAIR_TOPICS = {"repair", "defect", "warranty", "data_loss"}


@pytest.fixture
def repairs(generated):
    return list(
        RepairOrder.objects.select_related("case__queue", "owned_product__product", "repeat_of")
    )


def entries_by_repair():
    entries = defaultdict(list)
    for entry in StageEntry.objects.order_by("entered_at", "id"):
        entries[entry.repair_id].append(entry)
    return entries


def test_repairs_are_on_repair_cases_for_a_unit_the_customer_owns(repairs):
    assert len(repairs) > 50
    for repair in repairs:
        assert repair.case.queue.slug == "repairs"
        assert repair.case.category in REPAIR_TOPICS
        assert repair.owned_product.customer_id == repair.case.customer_id
        assert repair.case.first_response_at < repair.opened_at
        assert repair.case.closed_at is None or repair.opened_at < repair.case.closed_at
    families = {repair.owned_product.product.category for repair in repairs}
    assert families <= set(RepairTarget.objects.values_list("product_family", flat=True))


def test_each_repair_went_through_its_stages_in_time_order(repairs):
    entries = entries_by_repair()
    for repair in repairs:
        stages = entries[repair.pk]
        assert stages[0].stage == Stage.RECEIVED
        assert stages[0].entered_at == repair.opened_at
        moments = [entry.entered_at for entry in stages]
        assert moments == sorted(moments)
        assert (stages[-1].stage, stages[-1].entered_at) == (repair.stage, repair.stage_entered_at)
        final = repair.stage in (Stage.RETURNED, Stage.CANCELLED)
        assert repair.closed_at == (repair.stage_entered_at if final else None)
        assert repair.due_at == repair.opened_at + timedelta(days=float(repair.target_days))


def test_every_move_was_one_the_stage_rules_allow(repairs):
    """Replaying each repair's events: no work before the data-loss warning is acknowledged,
    no parts or work out of warranty before the estimate is approved."""
    events = defaultdict(list)
    for event in Event.objects.filter(kind__startswith="repair.").order_by("at", "id"):
        events[event.after["repair"]].append(event)
    for repair in repairs:
        current, on_record = Stage.RECEIVED, Safeguards(in_warranty=repair.in_warranty)
        for event in events[repair.number]:
            if event.kind == "repair.opened":
                on_record = Safeguards(
                    may_erase_data=event.after["may_erase_data"], in_warranty=repair.in_warranty
                )
            elif event.kind == "repair.data_loss_warned":
                on_record = Safeguards(**{**vars(on_record), "may_erase_data": True})
            elif event.kind == "repair.data_loss_acknowledged":
                on_record = Safeguards(**{**vars(on_record), "data_loss_acknowledged": True})
            elif event.kind == "repair.estimate_sent":
                on_record = Safeguards(**{**vars(on_record), "estimate_sent": True})
            elif event.kind == "repair.estimate_approved":
                on_record = Safeguards(**{**vars(on_record), "estimate_approved": True})
            elif event.kind == "repair.stage_changed":
                target = Stage(event.after["stage"])
                assert event.before["stage"] == current
                assert blockers(current, target, on_record) == [], repair.reference
                current = target
        assert current == repair.stage


def test_no_work_before_the_customer_acknowledged_or_approved(repairs):
    entries = entries_by_repair()
    checked = {"data loss": 0, "estimate": 0}
    for repair in repairs:
        work = [e.entered_at for e in entries[repair.pk] if e.stage in STARTS_WORK]
        cost = [e.entered_at for e in entries[repair.pk] if e.stage in COMMITS_COST]
        if repair.may_erase_data and work:
            assert repair.data_loss_warned_at <= repair.data_loss_acknowledged_at < min(work)
            checked["data loss"] += 1
        if not repair.in_warranty and cost:
            assert repair.estimate_sent_at < repair.estimate_approved_at <= min(cost)
            checked["estimate"] += 1
    assert checked["data loss"] > 5
    assert checked["estimate"] >= 1


def test_repeat_repairs_follow_a_recent_return_of_the_same_unit(repairs):
    repeats = [repair for repair in repairs if repair.repeat_of is not None]
    assert len(repeats) >= 3
    window = timedelta(days=settings.REPAIR_REPEAT_DAYS)
    for repair in repeats:
        previous = repair.repeat_of
        assert previous.owned_product_id == repair.owned_product_id
        assert previous.stage == Stage.RETURNED
        assert timedelta(0) < repair.opened_at - previous.closed_at <= window
        assert repair.case.priority in ("high", "urgent")
        assert Event.objects.filter(
            kind="repair.flagged_repeat", case=repair.case, after__repair=repair.number
        ).exists()
    raised = Event.objects.filter(kind="case.updated", after__priority="urgent")
    assert raised.count() >= 1


def test_notices_are_on_the_case_and_none_after_it_closed(repairs):
    by_number = {repair.number: repair for repair in repairs}
    told = untold = 0
    for event in Event.objects.filter(kind__startswith="repair.", after__has_key="message"):
        repair = by_number[event.after["repair"]]
        if event.after["message"] is None:
            assert repair.case.closed_at is not None
            assert event.at >= repair.case.closed_at
            untold += 1
            continue
        message = Message.objects.get(pk=event.after["message"])
        assert (message.case_id, message.kind, message.created_at) == (
            repair.case_id,
            "outbound",
            event.at,
        )
        if event.kind == "repair.opened":
            assert repair.reference in message.text
        told += 1
    assert told > 100
    assert untold > 0


def test_some_repairs_are_over_target_and_some_still_open(generated, repairs):
    end = datetime.fromtimestamp(END, UTC)
    over = [r for r in repairs if (r.closed_at or end) > r.due_at]
    assert generated.counts["repairs_over_target"] == len(over) >= 1
    assert generated.counts["repairs"] == len(repairs)
    assert generated.counts["repeat_repairs"] == sum(r.repeat_of_id is not None for r in repairs)
    assert generated.counts["repairs_open"] == sum(r.closed_at is None for r in repairs) >= 1


def test_the_demo_lead_sees_the_repairs(generated, repairs, client):
    client.force_login(User.objects.get(username="lead"))
    listed = client.get(reverse("repairs:list"), {"show": "all", "repeat": "on"})
    assert listed.status_code == 200
    repeat = next(repair for repair in repairs if repair.repeat_of is not None)
    assert repeat.reference in listed.content.decode()
    page = client.get(reverse("repairs:detail", args=[repeat.number]))
    assert page.status_code == 200
    assert repeat.repeat_of.reference in page.content.decode()


@pytest.mark.django_db
def test_the_same_seed_gives_the_same_repairs():
    def repairs_of_a_run():
        with transaction.atomic():
            generate_small(customers=150, seed=Random(3).randrange(100))
            rows = list(
                RepairOrder.objects.order_by("number").values_list(
                    "case__number", "stage", "opened_at", "closed_at", "repeat_of__number"
                )
            )
            transaction.set_rollback(True)
        return rows

    first = repairs_of_a_run()
    assert first
    assert repairs_of_a_run() == first
