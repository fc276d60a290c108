"""The phone pages: logging a call from the case page, the calls to return, the customer's calls."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from loyaldesk.channels.phone.models import Call
from loyaldesk.channels.phone.services import log_call
from tests.conftest import T0

pytestmark = pytest.mark.django_db


def _form(**fields):
    values = {
        "direction": "inbound",
        "outcome": "answered",
        "started_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
        "minutes": "4.5",
        "number": "",
        "notes": "Asked for a technician on Tuesday.",
    }
    return {**values, **fields}


def test_the_case_page_offers_the_log_a_call_form(client, agent, front_team, case):
    client.force_login(agent)

    page = client.get(reverse("desk:case-detail", args=[case.number])).content.decode()

    assert 'id="log-call-form"' in page
    assert reverse("phone:log-call", args=[case.number]) in page
    assert 'type="datetime-local"' in page


def test_an_agent_logs_a_call_and_sees_it_in_the_thread(client, agent, front_team, case):
    client.force_login(agent)

    response = client.post(reverse("phone:log-call", args=[case.number]), _form())

    assert response.status_code == 303
    call = Call.objects.get()
    assert call.case == case
    assert call.agent == agent
    assert call.talk_seconds == 270
    page = client.get(response["Location"]).content.decode()
    assert "Call logged." in page
    assert f'id="call-{call.pk}"' in page
    assert "Asked for a technician on Tuesday." in page
    assert "4 min 30 s" in page
    assert "Inbound call +390212345678: Answered · talked 4 min 30 s" in page  # the history


def test_a_wrong_form_shows_the_errors_and_logs_nothing(client, agent, front_team, case):
    client.force_login(agent)
    url = reverse("phone:log-call", args=[case.number])

    wrong_outcome = client.post(url, _form(direction="outbound", outcome="abandoned"))
    no_length = client.post(url, _form(minutes=""))
    future = client.post(
        url, _form(started_at=(timezone.localtime() + timedelta(days=1)).strftime("%Y-%m-%dT%H:%M"))
    )
    bad_number = client.post(url, _form(number="call me"))
    before_case = client.post(url, _form(started_at="2026-03-02T08:00"))

    assert wrong_outcome.status_code == 400
    assert "not possible for this direction" in wrong_outcome.content.decode()
    assert "length of the conversation" in no_length.content.decode()
    assert "cannot start in the future" in future.content.decode()
    assert "not a phone number" in bad_number.content.decode()
    assert "The case was opened after this" in before_case.content.decode()
    assert not Call.objects.exists()


def test_an_agent_outside_the_queues_team_cannot_log_a_call(client, agent, repairs_case):
    client.force_login(agent)

    response = client.post(reverse("phone:log-call", args=[repairs_case.number]), _form())

    assert response.status_code == 404
    assert not Call.objects.exists()


def test_logging_a_call_needs_a_signed_in_user_and_csrf(agent, front_team, case):
    from django.test import Client

    url = reverse("phone:log-call", args=[case.number])
    assert Client().post(url, _form()).status_code == 302  # to the login page
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(agent)
    assert strict.post(url, _form()).status_code == 403
    assert not Call.objects.exists()


def test_calls_to_return_are_listed_for_the_team_until_an_answered_call(
    client, agent, front_team, case
):
    missed = log_call(
        case, agent=agent, direction="inbound", outcome="missed", started_at=T0 + timedelta(hours=1)
    )
    client.force_login(agent)

    listed = client.get(reverse("phone:call-backs")).content.decode()
    on_case = client.get(reverse("desk:case-detail", args=[case.number])).content.decode()

    assert missed.caller_number in listed
    assert case.reference in listed
    assert 'id="calls-to-return"' in on_case

    log_call(
        case,
        agent=agent,
        direction="outbound",
        outcome="answered",
        started_at=T0 + timedelta(hours=2),
        talk_seconds=60,
    )
    assert "No call to return." in client.get(reverse("phone:call-backs")).content.decode()


def test_calls_to_return_of_other_teams_are_not_listed(client, agent, repairs_case):
    from loyaldesk.accounts.models import User

    log_call(
        repairs_case,
        agent=User.objects.get(username="agent2"),
        direction="inbound",
        outcome="missed",
        started_at=repairs_case.opened_at,
    )
    client.force_login(agent)

    assert "No call to return." in client.get(reverse("phone:call-backs")).content.decode()


def test_the_customer_page_lists_the_customers_calls(client, agent, front_team, case):
    log_call(
        case,
        agent=agent,
        direction="inbound",
        outcome="answered",
        started_at=T0 + timedelta(hours=1),
        talk_seconds=125,
    )
    client.force_login(agent)

    page = client.get(reverse("customers:customer-detail", args=[case.customer_id])).content
    page = page.decode()

    assert 'id="customer-calls"' in page
    assert "2 min 05 s" in page


def test_the_case_page_costs_the_same_queries_however_many_calls(client, agent, front_team, case):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(reverse("desk:case-detail", args=[case.number])).status_code == 200
        return len(captured)

    def call(minutes: int, outcome: str) -> None:
        started = T0 + timedelta(minutes=minutes)
        log_call(case, agent=agent, direction="inbound", outcome=outcome, started_at=started)

    client.force_login(agent)
    call(10, "missed")
    queries()
    one = queries()
    for minutes in range(20, 80, 10):
        call(minutes, "missed")
    assert queries() == one


def test_admins_see_calls_and_the_reports_as_received(admin_client, agent, front_team, case):
    from loyaldesk.channels.phone.services import apply_report, keep_report

    report = apply_report(keep_report(b'{"call_id": "x"}'))
    call = log_call(
        case, agent=agent, direction="inbound", outcome="missed", started_at=T0 + timedelta(hours=1)
    )

    listed = admin_client.get(reverse("admin:phone_call_changelist"))
    shown = admin_client.get(reverse("admin:phone_call_change", args=[call.pk]))
    kept = admin_client.get(reverse("admin:phone_telephonyreport_change", args=[report.pk]))

    assert listed.status_code == shown.status_code == kept.status_code == 200
    assert "+390212345678" in listed.content.decode()
    assert "{&quot;call_id&quot;: &quot;x&quot;}" in kept.content.decode()
    assert "event must be one of" in kept.content.decode()
