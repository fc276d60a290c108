"""The survey API: figures, answers, invitations delivered by other channels, follow-ups."""

from datetime import timedelta

import pytest
from django.utils import timezone

from loyaldesk.surveys.models import Invitation, RecoveryTask
from loyaldesk.surveys.services import find_invitation, invite, submit_answers


@pytest.fixture
def answered(standard_surveys, resolved_case):
    survey = standard_surveys["After a resolution"]
    invitation = invite(survey, resolved_case.customer, case=resolved_case)
    csat = survey.questions.get(kind="csat")
    text = survey.questions.get(kind="text")
    submit_answers(invitation, {f"q{csat.pk}": "2", f"q{text.pk}": "Lento"})
    return invitation


def test_figures_carry_intervals_and_sizes(api_as, manager, answered):
    response = api_as(manager).get("/api/surveys/figures")
    assert response.status_code == 200
    body = response.json()
    assert body["csat"]["value"] == 2
    assert body["csat"]["n"] == 1
    assert body["csat"]["too_few"] is True
    assert body["nps"] == {"value": None, "low": None, "high": None, "n": 0, "too_few": True}
    assert body["response_rate"]["value"] == 1
    assert body["follow_ups_open"] == 1


def test_answers_page_by_kind(api_as, manager, answered):
    body = api_as(manager).get("/api/surveys/answers", {"kind": "csat"}).json()
    assert [(item["kind"], item["score"]) for item in body["items"]] == [("csat", 2)]
    assert body["items"][0]["case_number"] == answered.case.number
    assert body["items"][0]["language"] == "it"


def test_agents_get_no_figures_or_answers(api_as, agent, answered):
    client = api_as(agent)
    assert client.get("/api/surveys/figures").status_code == 403
    assert client.get("/api/surveys/answers").status_code == 403
    assert client.get("/api/surveys/follow-ups").status_code == 403


def test_an_invitation_for_another_channel_returns_its_link_once(
    api_as, manager, standard_surveys, customer, client
):
    survey = standard_surveys["Relationship NPS"]
    response = api_as(manager).post(
        f"/api/surveys/{survey.pk}/invitations",
        {"customer_id": customer.pk, "send_email": False},
        content_type="application/json",
    )
    assert response.status_code == 201
    body = response.json()
    assert body["sent"] is True
    token = body["link"].rstrip("/").rsplit("/", 1)[-1]
    invitation = find_invitation(token)
    assert invitation.pk == body["id"]
    assert invitation.delivery is None
    again = api_as(manager).post(
        f"/api/surveys/{survey.pk}/invitations",
        {"customer_id": customer.pk},
        content_type="application/json",
    )
    assert again.json() == {
        "id": again.json()["id"],
        "sent": False,
        "not_sent_because": "quiet_period",
        "link": None,
        "expires_at": None,
    }


def test_team_leads_may_not_invite(api_as, lead, standard_surveys, customer):
    survey = standard_surveys["Relationship NPS"]
    response = api_as(lead).post(
        f"/api/surveys/{survey.pk}/invitations",
        {"customer_id": customer.pk},
        content_type="application/json",
    )
    assert response.status_code == 403
    assert not Invitation.objects.exists()


def test_follow_up_outcome_through_the_api(api_as, lead, answered):
    client = api_as(lead)
    listed = client.get("/api/surveys/follow-ups", {"state": "open"}).json()["items"]
    assert [item["reason"] for item in listed] == ["dissatisfied"]
    task_id = listed[0]["id"]
    done = client.post(
        f"/api/surveys/follow-ups/{task_id}",
        {"state": "not_recovered", "note": "Ha cambiato fornitore"},
        content_type="application/json",
    )
    assert done.status_code == 200
    assert done.json()["state"] == "not_recovered"
    closed = client.post(
        f"/api/surveys/follow-ups/{task_id}",
        {"state": "recovered"},
        content_type="application/json",
    )
    assert closed.status_code == 409
    assert RecoveryTask.objects.get().state == "not_recovered"


def test_a_period_that_ends_before_it_starts_is_refused(api_as, manager):
    today = timezone.localdate()
    response = api_as(manager).get(
        "/api/surveys/figures",
        {"since": today.isoformat(), "until": (today - timedelta(days=1)).isoformat()},
    )
    assert response.status_code == 422
    assert "until" in response.json()["errors"]


def test_dates_beyond_the_calendar_are_refused_not_crashed_on(api_as, manager):
    for query in ({"until": "0001-01-01"}, {"since": "9999-12-30", "until": "9999-12-31"}):
        response = api_as(manager).get("/api/surveys/figures", query)
        assert response.status_code == 422


def test_days_are_the_desks_days(
    api_as, client, manager, settings, standard_surveys, resolved_case
):
    """A survey answered at 00:30 on 4 May in Rome (22:30 on the 3rd in UTC) is one of 4 May's
    answers for a desk in Rome, on the dashboard and through the API alike."""
    settings.TIME_ZONE = "Europe/Rome"
    survey = standard_surveys["After a resolution"]
    at = timezone.make_aware(timezone.datetime(2026, 5, 4, 0, 30))
    invitation = invite(survey, resolved_case.customer, case=resolved_case, now=at)
    csat = survey.questions.get(kind="csat")
    submit_answers(invitation, {f"q{csat.pk}": "4"}, now=at)
    for day, answers in (("2026-05-04", 1), ("2026-05-03", 0)):
        body = api_as(manager).get("/api/surveys/figures", {"since": day, "until": day}).json()
        assert body["csat"]["n"] == answers, day
    client.force_login(manager)
    page = client.get("/surveys/", {"since": "2026-05-04", "until": "2026-05-04"})
    assert page.context["overview"].figures[1].estimate.n == 1
