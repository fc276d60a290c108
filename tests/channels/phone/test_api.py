"""The calls API: a case's calls, logging one with a token, and the call figures."""

from datetime import timedelta

import pytest

from loyaldesk.channels.phone.models import Call
from loyaldesk.channels.phone.services import log_call
from tests.conftest import T0

pytestmark = pytest.mark.django_db


def _payload(**fields):
    values = {
        "direction": "inbound",
        "outcome": "answered",
        "started_at": (T0 + timedelta(hours=1)).isoformat(),
        "talk_seconds": 95,
        "notes": "Wants a technician.",
    }
    return {**values, **fields}


def test_an_agent_logs_a_call_and_reads_the_cases_calls(api_as, agent, front_team, case):
    client = api_as(agent)

    created = client.post(
        f"/api/cases/{case.number}/calls", _payload(), content_type="application/json"
    )
    listed = client.get(f"/api/cases/{case.number}/calls")

    assert created.status_code == 201, created.content
    body = created.json()
    assert body["case_number"] == case.number
    assert body["talk_seconds"] == 95
    assert body["caller_number"] == "+390212345678"
    assert [call["id"] for call in listed.json()] == [body["id"]]


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"direction": "outbound", "outcome": "abandoned"}, "__all__"),
        ({"talk_seconds": None}, "talk_seconds"),
        ({"number": "call me"}, "number"),
        ({"started_at": "2026-03-02T10:00:00"}, "started_at"),
        ({"started_at": (T0 - timedelta(days=1)).isoformat()}, "__all__"),
    ],
)
def test_a_wrong_call_is_refused_with_the_reason(api_as, agent, front_team, case, fields, field):
    response = api_as(agent).post(
        f"/api/cases/{case.number}/calls", _payload(**fields), content_type="application/json"
    )

    assert response.status_code == 422
    assert field in response.json()["errors"]
    assert not Call.objects.exists()


def test_other_teams_cases_are_not_found(api_as, agent, repairs_case):
    client = api_as(agent)

    assert client.get(f"/api/cases/{repairs_case.number}/calls").status_code == 404
    posted = client.post(
        f"/api/cases/{repairs_case.number}/calls", _payload(), content_type="application/json"
    )
    assert posted.status_code == 404


def test_call_figures_for_leads_not_agents(api_as, agent, lead, front_team, case):
    for minutes, outcome in ((60, "answered"), (70, "missed")):
        log_call(
            case,
            agent=agent,
            direction="inbound",
            outcome=outcome,
            started_at=T0 + timedelta(minutes=minutes),
            talk_seconds=30,
        )

    refused = api_as(agent).get("/api/calls/figures?since=2026-03-01&until=2026-03-03")
    response = api_as(lead).get("/api/calls/figures?since=2026-03-01&until=2026-03-03")

    assert refused.status_code == 403
    assert response.status_code == 200
    (day,) = response.json()
    assert (day["offered"], day["answered"], day["missed"]) == (2, 1, 1)
    assert day["abandon_rate"] == 0
