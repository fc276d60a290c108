from datetime import timedelta

import pytest
from django.db import IntegrityError, connection, transaction

from loyaldesk.desk.lifecycle import Status, TransitionNotAllowed
from loyaldesk.desk.models import Case, Event, EventIsAppendOnly, Message, MessageKind, Queue
from loyaldesk.desk.services import (
    CaseIsClosed,
    NoDefaultQueue,
    add_customer_message,
    add_internal_note,
    assign_case,
    change_case_details,
    change_status,
    close_resolved_cases,
    open_case,
    reply_to_customer,
)
from tests.conftest import T0


def kinds(case):
    return list(case.events.order_by("at", "id").values_list("kind", flat=True))


def test_open_case_numbers_cases_and_records_events(case, customer, queue):
    second = open_case(customer=customer, subject="Again", text="Hello", channel="phone", at=T0)
    assert second.number == case.number + 1
    assert case.status == Status.NEW
    assert case.queue == queue
    assert case.language == "it"
    assert case.opened_at == T0
    assert kinds(case) == ["case.opened", "message.added"]
    opened = case.events.get(kind="case.opened")
    assert opened.actor_kind == "customer"
    assert opened.customer == customer
    assert opened.after["subject"] == "Aspirapolvere rotto"
    message = case.messages.get()
    assert message.kind == MessageKind.INBOUND
    assert message.author_customer == customer
    assert message.external_id == "<abc@example.it>"


def test_open_case_needs_a_queue(customer, db):
    with pytest.raises(NoDefaultQueue):
        open_case(customer=customer, subject="x", text="y", channel="email")
    assert not Case.objects.exists()
    assert not Event.objects.filter(kind="case.opened").exists()


def test_same_external_id_cannot_be_stored_twice(case, customer):
    with pytest.raises(IntegrityError), transaction.atomic():
        add_customer_message(case, text="dup", channel="email", external_id="<abc@example.it>")
    assert case.messages.count() == 1


def test_raw_source_is_kept(case, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    raw = b"From: chiara@example.it\r\nSubject: hi\r\n\r\nbody"
    message = add_customer_message(case, text="body", channel="email", raw_source=raw)
    message.refresh_from_db()
    with message.raw_source.open("rb") as handle:
        assert handle.read() == raw


def test_first_reply_stamps_first_response_and_waits_for_customer(case, agent):
    later = T0 + timedelta(hours=2)
    reply_to_customer(case, agent=agent, text="Gentile Chiara, ...", at=later)
    case.refresh_from_db()
    assert case.first_response_at == later
    assert case.status == Status.PENDING_CUSTOMER
    reply_to_customer(case, agent=agent, text="Again", at=later + timedelta(hours=1))
    case.refresh_from_db()
    assert case.first_response_at == later
    change = case.events.get(kind="case.status_changed")
    assert change.before == {"status": "new"}
    assert change.after == {"status": "pending_customer"}
    assert change.actor == agent
    assert change.actor_kind == "staff"


def test_customer_reply_reopens_resolved_case(case, agent):
    reply_to_customer(case, agent=agent, text="Fixed?", then=Status.RESOLVED, at=T0)
    case.refresh_from_db()
    assert case.resolved_at == T0
    add_customer_message(case, text="Still broken", channel="email", at=T0 + timedelta(days=1))
    case.refresh_from_db()
    assert case.status == Status.OPEN
    assert case.reopen_count == 1
    assert case.resolved_at is None
    reopened = case.events.get(kind="case.reopened")
    assert reopened.actor_kind == "customer"
    assert reopened.before == {"status": "resolved"}


def test_customer_reply_wakes_pending_case(case, agent):
    reply_to_customer(case, agent=agent, text="Which model?", at=T0)
    add_customer_message(case, text="The X2", channel="email", at=T0 + timedelta(hours=1))
    case.refresh_from_db()
    assert case.status == Status.OPEN
    assert case.reopen_count == 0


def test_closed_case_takes_no_message_and_nothing_is_written(case, agent):
    change_status(case, Status.RESOLVED, actor=agent, at=T0)
    change_status(case, Status.CLOSED, actor=agent, at=T0 + timedelta(days=8))
    before_events, before_messages = Event.objects.count(), Message.objects.count()
    with pytest.raises(CaseIsClosed):
        add_customer_message(case, text="hello?", channel="email")
    with pytest.raises(CaseIsClosed):
        reply_to_customer(case, agent=agent, text="hi")
    assert (Event.objects.count(), Message.objects.count()) == (before_events, before_messages)


def test_forbidden_transition_changes_nothing(case, agent):
    count = Event.objects.count()
    with pytest.raises(TransitionNotAllowed):
        change_status(case, Status.CLOSED, actor=agent)
    case.refresh_from_db()
    assert case.status == Status.NEW
    assert Event.objects.count() == count


def test_change_and_event_roll_back_together(case, agent):
    count = Event.objects.count()

    def crash_after_the_service():
        with transaction.atomic():
            change_status(case, Status.OPEN, actor=agent)
            raise RuntimeError("crash after the service, before commit")

    with pytest.raises(RuntimeError):
        crash_after_the_service()
    case.refresh_from_db()
    assert case.status == Status.NEW
    assert Event.objects.count() == count


def test_assignment_opens_new_case_and_is_recorded(case, agent, lead):
    assign_case(case, agent, actor=lead, at=T0)
    case.refresh_from_db()
    assert case.assignee == agent
    assert case.status == Status.OPEN
    assigned = case.events.get(kind="case.assigned")
    assert assigned.before == {"assignee": None}
    assert assigned.after == {"assignee": agent.pk}
    assert assigned.actor == lead
    count = Event.objects.count()
    assign_case(case, agent, actor=lead)
    assert Event.objects.count() == count


def test_details_change_records_only_what_changed(case, lead):
    other = Queue.objects.create(name="Repairs", slug="repairs")
    change_case_details(case, actor=lead, priority="high", queue=other, subject=case.subject)
    case.refresh_from_db()
    assert case.priority == "high"
    assert case.queue == other
    event = case.events.get(kind="case.updated")
    assert event.before["priority"] == "normal"
    assert event.before["queue"] != other.pk
    assert event.after == {"priority": "high", "queue": other.pk}


def test_details_refuse_invalid_values_and_unknown_fields(case, lead):
    with pytest.raises(ValueError, match="status"):
        change_case_details(case, actor=lead, status="closed")
    with pytest.raises(Exception, match="priority"):
        change_case_details(case, actor=lead, priority="apocalyptic")
    case.refresh_from_db()
    assert case.priority == "normal"
    assert not case.events.filter(kind="case.updated").exists()


def test_internal_note_is_a_note(case, agent):
    note = add_internal_note(case, agent=agent, text="Checked warehouse")
    assert note.kind == MessageKind.NOTE
    assert case.events.filter(kind="message.added", actor=agent).exists()


def test_resolved_cases_close_after_the_delay(case, agent):
    change_status(case, Status.RESOLVED, actor=agent, at=T0)
    assert close_resolved_cases(older_than=timedelta(days=7), now=T0 + timedelta(days=6)) == 0
    assert close_resolved_cases(older_than=timedelta(days=7), now=T0 + timedelta(days=7)) == 1
    case.refresh_from_db()
    assert case.status == Status.CLOSED
    assert case.closed_at == T0 + timedelta(days=7)
    assert case.events.filter(kind="case.status_changed", actor_kind="system").exists()


def test_events_cannot_be_changed_or_deleted(case):
    event = case.events.first()
    event.kind = "tampered"
    with pytest.raises(EventIsAppendOnly):
        event.save()
    with pytest.raises(EventIsAppendOnly):
        event.delete()


def test_database_refuses_updates_to_events(case):
    with pytest.raises(Exception, match="append-only"), transaction.atomic():
        Event.objects.filter(case=case).update(kind="tampered")
    with (
        pytest.raises(Exception, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute("UPDATE desk_event SET kind = 'x'")
    assert not Event.objects.filter(kind__in=["tampered", "x"]).exists()


def test_cases_with_history_cannot_be_deleted(case):
    with pytest.raises(IntegrityError), transaction.atomic():
        case.delete()
