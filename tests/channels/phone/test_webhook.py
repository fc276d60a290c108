"""The telephony webhook: signed JSON reports of calls, each call recorded once in its case."""

import json
import time
from datetime import time as clock
from datetime import timedelta

import pytest
from django.urls import reverse

from loyaldesk.channels.phone.models import Call, ReportState, TelephonyReport
from loyaldesk.customers.models import Customer
from loyaldesk.desk.lifecycle import Status
from loyaldesk.desk.models import Case, Event, MessageKind
from loyaldesk.desk.services import change_status
from loyaldesk.service_levels.models import CaseTimer, OpeningRange, Policy, ServiceCalendar
from loyaldesk.service_levels.services import publish_policy, track_case
from loyaldesk.webhooks.signing import sign

pytestmark = pytest.mark.django_db
SECRET = "phone-secret-for-tests"
URL = "/phone/webhook/"


@pytest.fixture(autouse=True)
def _secret(monkeypatch):
    monkeypatch.setenv("LOYALDESK_TELEPHONY_SECRET", SECRET)


@pytest.fixture
def one_hour_to_answer(db):
    """Open every weekday 08:00-18:00 UTC; an hour for the first response."""
    calendar = ServiceCalendar.objects.create(name="Office", time_zone="UTC")
    for weekday in range(5):
        OpeningRange.objects.create(
            calendar=calendar, weekday=weekday, opens=clock(8), closes=clock(18)
        )
    publish_policy(Policy.objects.create(name="All", calendar=calendar, first_response_minutes=60))


def report(**fields) -> dict:
    """A report of an inbound call that ended answered, changed by `fields`."""
    document = {
        "call_id": "pbx-0001",
        "event": "ended",
        "direction": "inbound",
        "from": "+39 02 1234 5678",
        "to": "+33 1 40 00 00 00",
        "outcome": "answered",
        "occurred_at": "2026-03-02T10:05:00+01:00",
        "started_at": "2026-03-02T10:00:00+01:00",
        "answered_at": "2026-03-02T10:01:30+01:00",
        "ended_at": "2026-03-02T10:05:00+01:00",
    }
    document.update(fields)
    return {name: value for name, value in document.items() if value is not None}


def post(client, document, *, secret=SECRET, timestamp=None, body=None):
    body = body if body is not None else json.dumps(document).encode()
    return client.post(
        URL,
        body,
        content_type="application/json",
        headers={"X-Loyaldesk-Signature": sign(secret, body, timestamp)},
    )


def test_an_answered_call_from_a_known_number_joins_the_customers_open_case(client, customer, case):
    response = post(client, report())

    assert response.status_code == 200, response.content
    assert response.json()["case"] == case.number
    call = Call.objects.get()
    assert call.case == case
    assert call.customer == customer
    assert call.caller_number == "+390212345678"
    assert call.wait_seconds == 90
    assert call.talk_seconds == 210
    assert call.message.kind == MessageKind.INBOUND
    assert call.message.channel == "phone"
    assert Case.objects.count() == 1
    answered = Event.objects.get(case=case, kind="call.answered")
    assert answered.at == call.answered_at  # the wait in the queue is the response time
    case.refresh_from_db()
    assert case.first_response_at == call.answered_at


def test_a_call_that_started_before_its_case_enters_the_case_as_it_opened(
    client, customer, case, one_hour_to_answer
):
    track_case(case, at=case.opened_at, reapply=True)  # the case opened at 09:00 UTC
    early = report(started_at="2026-03-02T09:55:00+01:00", answered_at="2026-03-02T09:59:00+01:00")

    assert post(client, early).status_code == 200

    call = Call.objects.get()
    assert call.started_at == case.opened_at - timedelta(minutes=5)  # its own times, kept
    assert call.message.created_at == case.opened_at
    assert Event.objects.get(kind="call.answered").at == case.opened_at
    timer = CaseTimer.objects.get(case=case, target="first_response")
    assert timer.fulfilled_at == case.opened_at


def test_an_unknown_number_makes_a_customer_and_a_case(client, queue):
    response = post(client, report(**{"from": "+33 6 12 34 56 78", "caller_name": "Marie Dubois"}))

    assert response.status_code == 200, response.content
    call = Call.objects.get()
    customer = Customer.objects.get()
    assert (customer.first_name, customer.last_name) == ("Marie", "Dubois")
    assert customer.preferred_language == "fr"
    assert customer.country == "FR"
    assert customer.identities.get().address == "+33612345678"
    case = call.case
    assert case.customer == customer
    assert case.origin_channel == "phone"
    assert case.queue == queue
    assert "+33612345678" in case.subject
    assert response.json()["case"] == case.number


def test_the_queue_named_in_the_report_takes_the_new_case(client, queue, repairs_queue):
    post(client, report(queue="repairs", **{"from": "+44 20 7946 0000"}))

    assert Call.objects.get().case.queue == repairs_queue


def test_retries_and_updates_of_one_call_make_one_call_and_one_message(client, customer, case):
    ringing = report(event="queued", outcome=None, answered_at=None, ended_at=None)
    answered = report(event="answered", outcome=None, ended_at=None)
    ended = report()
    for document in (ringing, ringing, answered, ended, ended, answered):
        assert post(client, document).status_code == 200

    call = Call.objects.get()
    assert call.outcome == "answered"
    assert call.wait_seconds == 90
    assert call.talk_seconds == 210
    assert case.messages.filter(channel="phone").count() == 1
    assert Event.objects.filter(kind="call.recorded").count() == 1
    assert Event.objects.filter(kind="call.answered").count() == 1
    assert TelephonyReport.objects.filter(state=ReportState.APPLIED).count() == 6


def test_a_call_still_ringing_opens_no_case_yet(client, customer):
    post(client, report(event="ringing", outcome=None, answered_at=None, ended_at=None))

    call = Call.objects.get()
    assert call.outcome == "in_progress"
    assert call.case is None
    assert not Case.objects.exists()


def test_abandoned_calls_are_kept_and_long_ones_leave_a_call_back(client, customer, case):
    short = report(call_id="short", outcome="abandoned", answered_at=None, wait_seconds=4)
    long = report(call_id="long", outcome="abandoned", answered_at=None, wait_seconds=300)
    assert post(client, short).status_code == 200
    assert post(client, long).status_code == 200

    kept_short = Call.objects.get(external_id="short")
    assert kept_short.case is None
    assert not kept_short.call_back_needed
    assert kept_short.customer == customer
    kept_long = Call.objects.get(external_id="long")
    assert kept_long.case == case
    assert kept_long.call_back_needed
    assert kept_long.message.kind == MessageKind.INBOUND
    assert not Event.objects.filter(kind="call.answered").exists()


def test_an_abandon_without_a_wait_is_timed_from_start_to_end(client, customer, case):
    post(client, report(outcome="abandoned", answered_at=None))  # 10:00:00 to 10:05:00

    call = Call.objects.get()
    assert call.wait_seconds == 300
    assert call.talk_seconds is None
    assert call.case == case


def test_a_missed_call_on_a_closed_case_opens_a_new_case_to_call_back(client, customer, case):
    change_status(case, Status.RESOLVED)
    change_status(case, Status.CLOSED)

    post(client, report(outcome="missed", answered_at=None))

    call = Call.objects.get()
    assert call.case != case
    assert call.case.customer == customer
    assert call.call_back_needed
    assert call.case.status == Status.NEW


def test_an_outbound_call_is_our_reply_on_the_open_case(client, customer, case, agent):
    document = report(direction="outbound", agent="agent1", **{"from": "+33140000000"})
    document["to"] = "+39 02 1234 5678"
    post(client, document)

    call = Call.objects.get()
    assert call.case == case
    assert call.agent == agent
    assert call.message.kind == MessageKind.OUTBOUND
    assert call.message.author_user == agent


def test_bad_signatures_are_refused_and_nothing_is_kept(client, customer):
    body = json.dumps(report()).encode()
    wrong = post(client, None, body=body, secret="another-secret")
    missing = client.post(URL, body, content_type="application/json")
    tampered = client.post(
        URL,
        body.replace(b"pbx-0001", b"pbx-0002"),
        content_type="application/json",
        headers={"X-Loyaldesk-Signature": sign(SECRET, body)},
    )

    assert wrong.status_code == missing.status_code == tampered.status_code == 401
    assert "signature" in wrong.json()["error"]
    assert not TelephonyReport.objects.exists()
    assert not Call.objects.exists()


def test_a_replayed_old_request_is_refused(client, customer):
    stale = post(client, report(), timestamp=int(time.time()) - 3600)

    assert stale.status_code == 401
    assert not Call.objects.exists()


def test_malformed_json_is_kept_and_refused_with_the_reason(client):
    response = post(client, None, body=b'{"call_id": "x", "event": ')

    assert response.status_code == 400
    assert "not JSON" in response.json()["error"]
    kept = TelephonyReport.objects.get()
    assert kept.state == ReportState.REJECTED
    assert bytes(kept.body) == b'{"call_id": "x", "event": '


@pytest.mark.parametrize(
    ("fields", "says"),
    [
        ({"call_id": ""}, "call_id"),
        ({"direction": "sideways"}, "direction"),
        ({"outcome": "abandoned", "direction": "outbound", "to": "+390212345678"}, "outcome"),
        ({"from": "not a number"}, "from"),
        ({"started_at": "yesterday"}, "started_at"),
        ({"started_at": "2026-03-02T10:00:00"}, "offset"),
        ({"wait_seconds": -3}, "wait_seconds"),
        ({"ended_at": "2026-03-02T09:00:00+01:00"}, "ended_at"),
    ],
)
def test_invalid_reports_are_refused_with_a_clear_reason(client, customer, fields, says):
    response = post(client, report(**fields))

    assert response.status_code == 400
    assert says in response.json()["error"]
    assert not Call.objects.exists()


def test_an_oversized_body_is_refused_unread(client, monkeypatch):
    monkeypatch.setenv("LOYALDESK_TELEPHONY_MAX_BODY_BYTES", "1000")
    response = post(client, report(notes="x" * 2000))

    assert response.status_code == 413
    assert not TelephonyReport.objects.exists()


def test_without_a_secret_the_webhook_is_off(client, monkeypatch):
    monkeypatch.delenv("LOYALDESK_TELEPHONY_SECRET")

    response = post(client, report(), secret="")

    assert response.status_code == 503
    assert "LOYALDESK_TELEPHONY_SECRET" in response.json()["error"]


def test_only_post_is_allowed(client):
    assert client.get(URL).status_code == 405
    assert reverse("phone:webhook") == URL


def test_retries_of_a_call_kept_without_a_case_record_it_once(client, customer):
    short = report(outcome="abandoned", answered_at=None, wait_seconds=4)
    for _ in range(3):
        assert post(client, short).status_code == 200

    call = Call.objects.get()
    assert call.case is None
    assert call.settled_at is not None
    assert Event.objects.filter(customer=customer, kind="call.recorded").count() == 1
    assert not Case.objects.exists()


def test_a_withheld_number_is_kept_for_the_figures_without_a_case(client, queue):
    response = post(client, report(**{"from": None}))

    assert response.status_code == 200
    call = Call.objects.get()
    assert call.outcome == "answered"
    assert call.caller_number == ""
    assert call.case is None
    assert call.customer is None
    assert not Customer.objects.exists()


def test_a_later_report_that_changes_a_call_is_an_event_of_its_case(client, customer, case):
    post(client, report(event="answered", outcome=None, ended_at=None))
    post(client, report(talk_seconds=600))

    updated = Event.objects.get(case=case, kind="call.updated")
    assert updated.after == {"talk_seconds": 600}
    assert Call.objects.get().talk_seconds == 600
