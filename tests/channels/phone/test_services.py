"""Agents log calls on cases: the thread, the events, service-level timers and call backs."""

from datetime import time, timedelta

import pytest
from django.core.exceptions import PermissionDenied

from loyaldesk.channels.phone.models import Call, CallSource
from loyaldesk.channels.phone.services import CallBeforeCase, OutcomeNotPossible, log_call
from loyaldesk.desk.lifecycle import Status
from loyaldesk.desk.models import Event, MessageKind
from loyaldesk.desk.services import CaseIsClosed, change_status, reply_to_customer
from loyaldesk.service_levels.models import CaseTimer, OpeningRange, Policy, ServiceCalendar
from loyaldesk.service_levels.services import publish_policy, track_case
from tests.conftest import T0

pytestmark = pytest.mark.django_db


def _log(case, agent, **details):
    values = {
        "direction": "inbound",
        "outcome": "answered",
        "started_at": T0 + timedelta(hours=1),
        "talk_seconds": 250,
    }
    return log_call(case, agent=agent, **{**values, **details})


def test_an_answered_inbound_call_is_the_customers_message_with_the_call_beside_it(
    front_team, case, agent
):
    call = _log(case, agent, notes="Chiara chiede un tecnico per martedì.")

    call.refresh_from_db()
    assert call.source == CallSource.AGENT
    assert call.case == case
    assert call.customer == case.customer
    assert call.agent == agent
    assert call.caller_number == "+390212345678"  # the customer's phone, none typed
    assert call.talk_seconds == 250
    assert call.wait_seconds is None  # the agent does not know the wait in the queue
    assert call.settled_at is not None
    message = call.message
    assert message.case == case
    assert message.channel == "phone"
    assert message.kind == MessageKind.INBOUND
    assert message.author_customer == case.customer
    assert message.text == "Chiara chiede un tecnico per martedì."
    kinds = list(Event.objects.filter(case=case, at=call.started_at).values_list("kind", flat=True))
    assert kinds[:1] == ["message.added"]
    assert "call.recorded" in kinds
    assert "call.answered" in kinds


@pytest.fixture
def one_hour_to_answer(db):
    """Open every weekday 08:00-18:00 UTC; an hour for the first response."""
    calendar = ServiceCalendar.objects.create(name="Office", time_zone="UTC")
    for weekday in range(5):
        OpeningRange.objects.create(
            calendar=calendar, weekday=weekday, opens=time(8), closes=time(18)
        )
    policy = Policy.objects.create(name="Everyone", calendar=calendar, first_response_minutes=60)
    publish_policy(policy)
    return policy


def test_an_answered_call_is_the_first_response_and_stops_the_clock(
    front_team, case, agent, one_hour_to_answer
):
    track_case(case, at=T0, reapply=True)

    call = _log(case, agent, started_at=T0 + timedelta(minutes=20))

    case.refresh_from_db()
    assert case.first_response_at == call.started_at
    timer = CaseTimer.objects.get(case=case, target="first_response")
    assert timer.fulfilled_at == call.started_at
    assert timer.breached_at is None


def test_a_missed_call_leaves_the_first_response_waiting(
    front_team, case, agent, one_hour_to_answer
):
    track_case(case, at=T0, reapply=True)

    _log(case, agent, outcome="missed", talk_seconds=None, started_at=T0 + timedelta(minutes=20))

    timer = CaseTimer.objects.get(case=case, target="first_response")
    assert timer.fulfilled_at is None
    assert timer.due_at == T0 + timedelta(hours=1)


def test_an_answered_call_after_an_email_answers_it_but_a_missed_one_does_not(
    front_team, case, agent
):
    reply_to_customer(case, agent=agent, text="Ci dica.", at=T0 + timedelta(minutes=5))
    missed = _log(case, agent, outcome="missed", talk_seconds=None)
    assert missed.call_back_needed
    assert missed.called_back_at is None
    assert missed.message.kind == MessageKind.INBOUND

    returned = _log(
        case, agent, direction="outbound", started_at=T0 + timedelta(hours=2), talk_seconds=60
    )

    missed.refresh_from_db()
    assert missed.called_back_at == returned.started_at
    assert returned.message.kind == MessageKind.OUTBOUND
    assert returned.message.author_user == agent
    assert Event.objects.filter(case=case, kind="call.called_back").count() == 1


def test_an_unanswered_outbound_call_is_a_note_not_a_response(front_team, case, agent):
    call = _log(case, agent, direction="outbound", outcome="no_answer", talk_seconds=None)

    assert call.message.kind == MessageKind.NOTE
    case.refresh_from_db()
    assert case.first_response_at is None
    assert call.talk_seconds is None
    assert not call.call_back_needed


def test_a_call_reopens_a_case_waiting_for_the_customer(front_team, case, agent):
    reply_to_customer(case, agent=agent, text="Ci mandi la fattura.", at=T0)
    case.refresh_from_db()
    assert case.status == Status.PENDING_CUSTOMER

    _log(case, agent)

    case.refresh_from_db()
    assert case.status == Status.OPEN


def test_an_agent_outside_the_queues_team_cannot_log_a_call(case, agent):
    with pytest.raises(PermissionDenied):
        _log(case, agent)
    assert not Call.objects.exists()


def test_impossible_outcomes_and_closed_cases_are_refused(front_team, case, agent):
    with pytest.raises(OutcomeNotPossible):
        _log(case, agent, direction="outbound", outcome="abandoned")
    change_status(case, Status.RESOLVED, at=T0)
    change_status(case, Status.CLOSED, at=T0)
    case.refresh_from_db()
    with pytest.raises(CaseIsClosed):
        _log(case, agent)
    assert not Call.objects.exists()


def test_a_typed_number_is_normalised_in_the_customers_country(front_team, case, agent):
    case.customer.country = "IT"
    case.customer.save()

    call = _log(case, agent, direction="outbound", number="02 9876 5432")

    assert call.called_number == "+390298765432"


def test_a_call_before_the_case_was_opened_is_refused(front_team, case, agent):
    with pytest.raises(CallBeforeCase):
        _log(case, agent, started_at=T0 - timedelta(hours=1))
    assert not Call.objects.exists()
