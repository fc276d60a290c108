"""Repairs on real cases: the guards, the repeat rule, events and what the customer is told."""

from datetime import timedelta
from decimal import Decimal
from email import message_from_bytes

import pytest
from django.utils import translation
from django.utils.translation import gettext

from loyaldesk.channels.models import Delivery
from loyaldesk.customers.models import OwnedProduct
from loyaldesk.customers.services import create_customer
from loyaldesk.desk.lifecycle import Status
from loyaldesk.desk.models import MessageKind, Priority
from loyaldesk.desk.services import change_status, close_resolved_cases
from loyaldesk.repairs import services
from loyaldesk.repairs.models import RepairOrder, StageEntry
from loyaldesk.repairs.stages import Blocker, Stage
from tests.conftest import T0

HOUR = timedelta(hours=1)
DAY = timedelta(days=1)
TO_RETURN = [
    Stage.DIAGNOSING,
    Stage.REPAIRING,
    Stage.QUALITY_CHECK,
    Stage.READY,
    Stage.RETURNED,
]


def open_repair(case, unit, agent, at=T0 + HOUR, may_erase_data=False):
    return services.open_repair(
        case, unit, fault="Non aspira più", may_erase_data=may_erase_data, actor=agent, at=at
    )


def run_to(repair, stages, agent, start):
    for step, stage in enumerate(stages, start=1):
        services.move_to_stage(repair, stage, actor=agent, at=start + step * HOUR)
    return repair


def kinds(case):
    return list(case.events.filter(kind__startswith="repair.").values_list("kind", flat=True))


def test_opening_receives_the_unit_and_tells_the_customer(case, unit, agent, vacuum_target):
    repair = open_repair(case, unit, agent)
    assert repair.stage == Stage.RECEIVED
    assert repair.in_warranty
    assert repair.repeat_of is None
    assert repair.due_at == T0 + HOUR + 10 * DAY
    assert list(repair.entries.values_list("stage", "entered_at")) == [("received", T0 + HOUR)]
    event = case.events.get(kind="repair.opened")
    assert event.actor == agent
    assert event.after["repair"] == repair.number
    assert event.after["in_warranty"] is True
    message = case.messages.get(pk=event.after["message"])
    assert message.kind == MessageKind.OUTBOUND
    assert message.author_user == agent
    assert repair.reference in message.text
    assert "Aspirapolvere Turbo" in message.text
    assert Delivery.objects.get(message=message).to_address == "chiara.rossi@example.it"


def test_the_notice_is_in_the_customers_language_not_the_agents(case, unit, agent):
    with translation.override("fr"):
        repair = open_repair(case, unit, agent)
    text = case.messages.get(kind=MessageKind.OUTBOUND).text
    with translation.override("it"):
        greeting = gettext("Hello %(name)s,") % {"name": "Chiara"}
    # A string the Italian catalogue already has; the repair texts follow once translated.
    assert greeting == "Gentile Chiara,"
    assert text.startswith("Gentile Chiara,\n\n")
    with translation.override("it"):
        body = gettext("Our technicians are examining your %(product)s to find the fault.")
    services.move_to_stage(repair, Stage.DIAGNOSING, actor=agent, at=T0 + 2 * HOUR)
    latest = case.messages.filter(kind=MessageKind.OUTBOUND).last()
    assert latest.language == "it"
    assert latest.text.startswith("Gentile Chiara,")
    assert body % {"product": "Aspirapolvere Turbo"} in latest.text


def test_a_french_customer_is_greeted_in_french(queue, agent, vacuum):
    from loyaldesk.desk.services import open_case

    customer = create_customer(
        first_name="Luc", last_name="Martin", preferred_language="fr", emails=["luc@example.fr"]
    )
    unit = OwnedProduct.objects.create(
        customer=customer,
        product=vacuum,
        purchased_on=T0.date(),
        warranty_ends_on=T0.date() + 700 * DAY,
    )
    case = open_case(customer=customer, subject="Panne", text="...", channel="email", at=T0)
    open_repair(case, unit, agent)
    assert case.messages.get(kind=MessageKind.OUTBOUND).text.startswith("Bonjour Luc,")


def test_every_stage_is_kept_recorded_and_told(case, unit, agent):
    repair = run_to(open_repair(case, unit, agent), TO_RETURN, agent, T0 + HOUR)
    assert repair.stage == Stage.RETURNED
    assert repair.closed_at == T0 + 6 * HOUR
    assert list(repair.entries.values_list("stage", flat=True)) == ["received", *TO_RETURN]
    changes = case.events.filter(kind="repair.stage_changed")
    assert [(e.before["stage"], e.after["stage"]) for e in changes] == [
        ("received", "diagnosing"),
        ("diagnosing", "repairing"),
        ("repairing", "quality_check"),
        ("quality_check", "ready"),
        ("ready", "returned"),
    ]
    told = [event.after["message"] for event in changes]
    outbound = case.messages.filter(kind=MessageKind.OUTBOUND).order_by("created_at", "id")
    assert told == list(outbound.values_list("pk", flat=True))[1:]


def test_a_finished_repair_takes_no_more_moves(case, unit, agent):
    repair = run_to(open_repair(case, unit, agent), TO_RETURN, agent, T0 + HOUR)
    with pytest.raises(services.RepairIsClosed):
        services.move_to_stage(repair, Stage.DIAGNOSING, actor=agent)


def test_a_move_outside_the_stage_map_is_refused_and_changes_nothing(case, unit, agent):
    repair = open_repair(case, unit, agent)
    with pytest.raises(services.MoveBlocked) as refused:
        services.move_to_stage(repair, Stage.READY, actor=agent)
    assert refused.value.blockers == [Blocker.NOT_ALLOWED]
    assert RepairOrder.objects.get(pk=repair.pk).stage == Stage.RECEIVED
    assert StageEntry.objects.filter(repair=repair).count() == 1


def test_data_loss_warning_must_be_acknowledged_before_work(case, unit, agent):
    repair = open_repair(case, unit, agent, may_erase_data=True)
    opened = case.messages.get(kind=MessageKind.OUTBOUND)
    assert repair.data_loss_warned_at == T0 + HOUR
    with translation.override("it"):
        warning = gettext(
            "Important: repairing your %(product)s may erase the data stored on it (settings, "
            "files, recordings). If you have not done so, please save what you want to keep. We "
            "will not start the repair until you have told us that you have read this warning: "
            "reply to this message, call us or tell us at the counter."
        ) % {"product": "Aspirapolvere Turbo"}
    assert warning in opened.text
    services.move_to_stage(repair, Stage.DIAGNOSING, actor=agent, at=T0 + 2 * HOUR)

    with pytest.raises(services.MoveBlocked) as refused:
        services.move_to_stage(repair, Stage.REPAIRING, actor=agent, at=T0 + 3 * HOUR)
    assert refused.value.blockers == [Blocker.DATA_LOSS_NOT_ACKNOWLEDGED]
    assert "acknowledged the warning" in refused.value.message
    assert RepairOrder.objects.get(pk=repair.pk).stage == Stage.DIAGNOSING
    assert not case.events.filter(kind="repair.stage_changed", after__stage="repairing").exists()

    services.acknowledge_data_loss(repair, via="phone", actor=agent, at=T0 + 4 * HOUR)
    event = case.events.get(kind="repair.data_loss_acknowledged")
    assert event.after == {"repair": repair.number, "via": "phone"}
    with pytest.raises(services.NothingToAcknowledge):
        services.acknowledge_data_loss(repair, via="phone", actor=agent)
    services.move_to_stage(repair, Stage.REPAIRING, actor=agent, at=T0 + 5 * HOUR)
    assert repair.stage == Stage.REPAIRING


def test_a_warning_found_during_diagnosis_is_sent_and_then_guards(case, unit, agent):
    repair = open_repair(case, unit, agent)
    with pytest.raises(services.NothingToAcknowledge):
        services.acknowledge_data_loss(repair, via="email", actor=agent)
    services.move_to_stage(repair, Stage.DIAGNOSING, actor=agent, at=T0 + 2 * HOUR)
    services.warn_of_data_loss(repair, actor=agent, at=T0 + 3 * HOUR)
    event = case.events.get(kind="repair.data_loss_warned")
    warning = case.messages.get(pk=event.after["message"])
    assert warning.text.startswith("Gentile Chiara,")
    with pytest.raises(services.MoveBlocked):
        services.move_to_stage(repair, Stage.REPAIRING, actor=agent, at=T0 + 4 * HOUR)


def test_out_of_warranty_work_waits_for_an_approved_estimate(case, old_unit, agent):
    repair = open_repair(case, old_unit, agent)
    assert not repair.in_warranty
    services.move_to_stage(repair, Stage.DIAGNOSING, actor=agent, at=T0 + 2 * HOUR)
    with pytest.raises(services.MoveBlocked) as refused:
        services.move_to_stage(repair, Stage.WAITING_FOR_PARTS, actor=agent)
    assert refused.value.blockers == [Blocker.ESTIMATE_NOT_APPROVED]
    with pytest.raises(services.NoEstimatePending):
        services.answer_estimate(repair, approved=True, via="phone", actor=agent)

    services.send_estimate(
        repair, amount=Decimal("149.00"), currency="eur", actor=agent, at=T0 + 3 * HOUR
    )
    sent = case.events.get(kind="repair.estimate_sent")
    assert sent.after["amount"] == "149.00"
    assert sent.after["currency"] == "EUR"
    assert "149,00 EUR" in case.messages.get(pk=sent.after["message"]).text
    services.answer_estimate(repair, approved=False, via="email", actor=agent, at=T0 + 4 * HOUR)
    with pytest.raises(services.MoveBlocked):
        services.move_to_stage(repair, Stage.REPAIRING, actor=agent)

    services.send_estimate(
        repair, amount=Decimal("99.00"), currency="EUR", actor=agent, at=T0 + 5 * HOUR
    )
    services.answer_estimate(repair, approved=True, via="phone", actor=agent, at=T0 + 6 * HOUR)
    assert kinds(case)[-4:] == [
        "repair.estimate_sent",
        "repair.estimate_declined",
        "repair.estimate_sent",
        "repair.estimate_approved",
    ]
    services.move_to_stage(repair, Stage.REPAIRING, actor=agent, at=T0 + 7 * HOUR)
    with pytest.raises(services.EstimateNotExpected):
        services.send_estimate(repair, amount=Decimal("10"), currency="EUR", actor=agent)


def test_a_declined_estimate_returns_the_unit_unrepaired(case, old_unit, agent):
    repair = open_repair(case, old_unit, agent)
    services.move_to_stage(repair, Stage.DIAGNOSING, actor=agent, at=T0 + 2 * HOUR)
    services.send_estimate(repair, amount=Decimal("300"), currency="EUR", actor=agent)
    services.answer_estimate(repair, approved=False, via="phone", actor=agent)
    services.move_to_stage(repair, Stage.READY, actor=agent)
    services.move_to_stage(repair, Stage.RETURNED, actor=agent)
    assert repair.closed_at is not None


def returned_repair(case, unit, agent, opened_at):
    repair = open_repair(case, unit, agent, at=opened_at)
    return run_to(repair, TO_RETURN, agent, opened_at)


def test_a_unit_back_within_the_window_is_a_repeat_and_raises_priority(case, unit, agent):
    first = returned_repair(case, unit, agent, T0 + HOUR)
    returned_at = first.closed_at
    assert case.priority == Priority.NORMAL
    again = open_repair(case, unit, agent, at=returned_at + 89 * DAY)
    assert again.repeat_of == first
    flagged = case.events.get(kind="repair.flagged_repeat")
    assert flagged.after == {
        "repair": again.number,
        "repeat_of": first.number,
        "days_since_return": 89,
    }
    case.refresh_from_db()
    assert case.priority == Priority.HIGH
    raised = case.events.get(kind="case.updated")
    assert (raised.before, raised.after) == ({"priority": "normal"}, {"priority": "high"})
    # The customer hears that the desk knows it is a second time.
    notice = case.messages.get(pk=case.events.filter(kind="repair.opened").last().after["message"])
    with translation.override("it"):
        sorry = gettext(
            "We are sorry that it needs repairing again so soon: the team lead is following "
            "this repair personally."
        )
    assert sorry in notice.text

    run_to(again, TO_RETURN, agent, returned_at + 89 * DAY)
    third = open_repair(case, unit, agent, at=again.closed_at + DAY)
    assert third.repeat_of == again
    case.refresh_from_db()
    assert case.priority == Priority.URGENT


def test_a_unit_back_after_the_window_is_not_a_repeat(case, unit, agent):
    first = returned_repair(case, unit, agent, T0 + HOUR)
    later = open_repair(case, unit, agent, at=first.closed_at + 91 * DAY)
    assert later.repeat_of is None
    assert not case.events.filter(kind="repair.flagged_repeat").exists()
    case.refresh_from_db()
    assert case.priority == Priority.NORMAL


def test_the_window_comes_from_the_settings(case, unit, agent, settings):
    settings.REPAIR_REPEAT_DAYS = 10
    first = returned_repair(case, unit, agent, T0 + HOUR)
    assert open_repair(case, unit, agent, at=first.closed_at + 11 * DAY).repeat_of is None


def test_another_unit_or_a_cancelled_repair_is_no_repeat(case, unit, agent):
    twin = OwnedProduct.objects.get(pk=unit.pk)
    twin.pk, twin.serial_number = None, "VT-0003"
    twin.save()
    returned_repair(case, twin, agent, T0 + HOUR)
    cancelled = open_repair(case, unit, agent, at=T0 + DAY)
    services.move_to_stage(cancelled, Stage.CANCELLED, actor=agent, at=T0 + 2 * DAY)
    assert open_repair(case, unit, agent, at=T0 + 3 * DAY).repeat_of is None


def test_one_repair_at_a_time_per_unit_and_only_the_customers_units(case, unit, agent, vacuum):
    open_repair(case, unit, agent)
    with pytest.raises(services.UnitInRepair):
        open_repair(case, unit, agent)
    stranger = create_customer(first_name="Otto", last_name="Weber", emails=["otto@example.de"])
    theirs = OwnedProduct.objects.create(
        customer=stranger, product=vacuum, purchased_on=T0.date(), warranty_ends_on=T0.date()
    )
    with pytest.raises(services.NotTheCustomersUnit):
        open_repair(case, theirs, agent)


def test_a_closed_case_keeps_its_repair_moving_without_messages(case, unit, agent):
    repair = open_repair(case, unit, agent)
    change_status(case, Status.RESOLVED, actor=agent, at=T0 + 2 * HOUR)
    change_status(case, Status.CLOSED, actor=agent, at=T0 + 3 * HOUR)
    before = case.messages.count()
    services.move_to_stage(repair, Stage.DIAGNOSING, actor=agent, at=T0 + 4 * HOUR)
    assert case.messages.count() == before
    assert case.events.get(kind="repair.stage_changed").after["message"] is None
    with pytest.raises(services.CaseIsClosed):
        open_repair(case, unit, agent)


def test_loaner_lent_and_returned(case, unit, agent):
    repair = open_repair(case, unit, agent)
    services.lend_loaner(repair, loaner="Loaner VT-L12", actor=agent, at=T0 + 2 * HOUR)
    assert repair.loaner_out
    with pytest.raises(services.LoanerAlreadyOut):
        services.lend_loaner(repair, loaner="Another", actor=agent)
    run_to(repair, TO_RETURN, agent, T0 + 2 * HOUR)
    services.return_loaner(repair, actor=agent, at=T0 + 9 * HOUR)
    assert not repair.loaner_out
    with pytest.raises(services.NoLoanerOut):
        services.return_loaner(repair, actor=agent)
    assert [kind for kind in kinds(case) if "loaner" in kind] == [
        "repair.loaner_lent",
        "repair.loaner_returned",
    ]
    assert case.events.get(kind="repair.loaner_lent").after == {
        "repair": repair.number,
        "loaner": "Loaner VT-L12",
    }


def test_a_stage_notice_leaves_by_email_in_the_case_thread(
    smtp_inbox, jobs_run_now, case, unit, agent, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        repair = open_repair(case, unit, agent)
    mail = message_from_bytes(smtp_inbox.envelopes[-1].content)
    assert smtp_inbox.envelopes[-1].rcpt_tos == ["chiara.rossi@example.it"]
    assert mail["Subject"] == f"Re: Aspirapolvere rotto [{case.reference}]"
    assert mail["In-Reply-To"] == "<abc@example.it>"
    body = mail.get_payload(decode=True).decode()
    assert body.startswith("Gentile Chiara,")
    assert repair.reference in body


def test_the_case_history_tells_repair_events_in_words(case, unit, agent):
    from loyaldesk.desk.history import history_lines

    repair = open_repair(case, unit, agent)
    services.move_to_stage(repair, Stage.DIAGNOSING, actor=agent, at=T0 + 2 * HOUR)
    services.lend_loaner(repair, loaner="Loaner VT-L12", actor=agent, at=T0 + 3 * HOUR)
    texts = [line.text for line in history_lines(case.events.filter(kind__startswith="repair."))]
    assert texts == [
        f"Repair {repair.reference} opened for Aspirapolvere Turbo",
        f"Repair {repair.reference}: Received → Diagnosing",
        f"Repair {repair.reference}: loaner lent (Loaner VT-L12)",
    ]


def test_a_resolved_case_stays_open_to_its_customer_while_its_repair_is_under_way(
    case, unit, agent
):
    repair = open_repair(case, unit, agent)
    change_status(case, Status.RESOLVED, actor=agent, at=T0 + 2 * HOUR)
    week = timedelta(days=7)
    assert close_resolved_cases(older_than=week, now=T0 + 10 * 24 * HOUR) == 0
    services.move_to_stage(repair, Stage.CANCELLED, actor=agent, at=T0 + 11 * 24 * HOUR)
    # Still resolved, not closed: the customer hears of the cancellation.
    assert case.messages.filter(kind=MessageKind.OUTBOUND, created_at=T0 + 11 * 24 * HOUR).exists()
    assert close_resolved_cases(older_than=week, now=T0 + 12 * 24 * HOUR) == 1
    case.refresh_from_db()
    assert case.status == Status.CLOSED
