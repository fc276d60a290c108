"""Survey reports: figures with intervals from the answers, cuts, the bridge to the service
received, response and recovery rates, and who may see them."""

import itertools
from dataclasses import astuple
from datetime import UTC, datetime, timedelta

import numpy as np
import pytest
from django.utils import timezone

from loyaldesk.accounts.models import Team
from loyaldesk.customers.services import create_customer
from loyaldesk.desk.lifecycle import Status
from loyaldesk.desk.services import add_customer_message, change_status, open_case
from loyaldesk.surveys import statistics
from loyaldesk.surveys.models import RecoveryTask
from loyaldesk.surveys.reports import AnswerFilter, breakdown, bridge, overview, trend
from loyaldesk.surveys.services import invite, submit_answers
from tests.conftest import PASSWORD

DAY = datetime(2026, 5, 4, 10, 0, tzinfo=UTC)
NUMBERS = itertools.count()


def answered(survey, case, scores: dict[str, int], *, at=DAY, text=""):
    """Invite the case's customer and submit these scores (by question kind) at `at`."""
    invitation = invite(survey, case.customer, case=case, now=at - timedelta(hours=1))
    assert invitation.was_sent, invitation.skipped
    questions = {q.kind: q for q in survey.questions.all()}
    data = {f"q{questions[kind].pk}": str(score) for kind, score in scores.items()}
    if text:
        data[f"q{questions['text'].pk}"] = text
    submit_answers(invitation, data, now=at)
    return invitation


def resolved(queue, *, hours: float, at=DAY, messages: int = 1, reopened=False):
    """A case of a new customer, resolved `hours` after it opened, an hour before `at`."""
    customer = create_customer(
        first_name="Chiara",
        last_name=f"Rossi {next(NUMBERS)}",
        preferred_language="it",
        emails=[f"c{next(NUMBERS)}@example.it"],
    )
    case = open_case(
        customer=customer,
        subject="Problema",
        text="Aiuto",
        channel="email",
        queue=queue,
        at=at - timedelta(hours=hours + 1),
    )
    for extra in range(messages - 1):
        add_customer_message(
            case, text=f"Ancora {extra}", channel="email", at=at - timedelta(hours=hours)
        )
    if reopened:
        change_status(case, Status.RESOLVED, at=at - timedelta(hours=hours / 2 + 0.5))
        add_customer_message(
            case, text="Di nuovo", channel="email", at=at - timedelta(hours=hours / 2)
        )
    change_status(case, Status.RESOLVED, at=at - timedelta(hours=1) + timedelta(minutes=1))
    case.refresh_from_db()
    return case


def period(**cuts):
    return AnswerFilter(since=DAY - timedelta(days=30), until=DAY + timedelta(days=1), **cuts)


@pytest.fixture
def general(standard_surveys):
    survey = standard_surveys["After a resolution"]
    survey.questions.create(kind="nps", position=10)
    survey.quiet_days = 0
    survey.save()
    return survey


def test_overview_figures_equal_the_statistics_of_the_answers(general, customer, queue):
    csat, nps_scores = [5, 4, 4, 2, 1, 5], [10, 9, 7, 3, 0, 10]
    for index, (c, n) in enumerate(zip(csat, nps_scores, strict=True)):
        case = resolved(queue, hours=2, at=DAY - timedelta(days=index))
        answered(general, case, {"csat": c, "nps": n}, at=DAY - timedelta(days=index))
    result = overview(period(), timezone.now())
    figures = {item.kind: item for item in result.figures}
    assert astuple(figures["csat"].estimate) == pytest.approx(astuple(statistics.mean(csat)))
    assert figures["nps"].estimate == statistics.nps(nps_scores).score
    assert figures["nps"].nps.detractors == 2
    assert figures["csat"].top_box == statistics.top_box(csat, 4)
    assert figures["csat"].estimate.too_few
    assert figures["ces"].estimate.n == 0
    assert (result.sent, result.answered) == (6, 6)
    # Two unhappy answers (CSAT 2 and 1, also NPS detractors): two open follow-ups.
    assert result.recovery_open == 2
    assert np.isnan(result.recovery_rate.value)


def test_cuts_and_split_by_agent(general, customer, queue, agent, lead, front_team):
    for index, (who, score) in enumerate([(agent, 5), (agent, 4), (lead, 2)]):
        case = resolved(queue, hours=2, at=DAY - timedelta(days=index))
        case.assignee = who
        case.save()
        answered(general, case, {"csat": score}, at=DAY - timedelta(days=index))
    rows = {row.name: row.figures["csat"] for row in breakdown(period(), "agent")}
    assert rows["Paul"].value == 4.5
    assert rows["Ada"].value == 2
    only_agent = overview(period(agent=agent.pk), timezone.now())
    assert only_agent.figures[1].estimate.n == 2
    other_team = Team.objects.create(name="Back office")
    assert overview(period(team=other_team.pk), timezone.now()).figures[1].estimate.n == 0


def test_the_bridge_splits_by_resolution_time_and_contacts(general, customer, queue):
    fast = resolved(queue, hours=1)
    slow = resolved(queue, hours=80, messages=3, reopened=True)
    answered(general, fast, {"csat": 5, "nps": 10}, at=DAY)
    answered(general, slow, {"csat": 1, "nps": 2}, at=DAY + timedelta(minutes=5))
    splits = {split.title: split for split in bridge(period())}
    by_time = {row.name: row.figures["csat"] for row in splits["Time to resolution"].rows}
    assert by_time["within 4 hours"].value == 5
    assert by_time["3 to 7 days"].value == 1
    assert by_time["1 to 3 days"].n == 0
    reopened = {row.name: row.figures["nps"] for row in splits["Reopened"].rows}
    assert reopened["Reopened"].value == -100
    assert reopened["Never reopened"].value == 100
    first_contact = splits["First-contact resolution"].rows
    assert [row.figures["csat"].n for row in first_contact] == [1, 1]
    contacts = {row.name: row.figures["csat"].n for row in splits["Customer messages"].rows}
    assert contacts["1 message"] == 1
    assert contacts["4 or more"] == 1


def test_trend_has_one_point_per_week_with_answers(general, customer, queue):
    # DAY is a Monday: the 2nd and 3rd of May share the week of 27 April.
    for days_ago in (1, 2, 15):
        case = resolved(queue, hours=2, at=DAY - timedelta(days=days_ago))
        answered(general, case, {"csat": 4}, at=DAY - timedelta(days=days_ago))
    points = trend(period(), "csat")
    assert [point.estimate.n for point in points] == [1, 2]


def client_as(client, user):
    client.login(username=user.username, password=PASSWORD)
    return client


def test_dashboard_shows_figures_greyed_below_the_minimum(
    client, general, customer, queue, manager
):
    case = resolved(queue, hours=2)
    answered(general, case, {"csat": 2}, at=DAY, text="Troppo lento")
    page = client_as(client, manager).get(
        "/surveys/", {"since": "2026-04-10", "until": "2026-05-05"}
    )
    assert page.status_code == 200
    html = page.content.decode()
    assert "too few answers" in html
    assert "Troppo lento" in html
    assert '<span class="badge">CSAT 2</span>' in html
    assert 'id="trend-data"' in html
    assert "vendor/chart.umd.min.js" in html
    answers = client.get("/surveys/answers/", {"since": "2026-04-10", "kind": "csat"})
    assert "2 · Dissatisfied" in answers.content.decode()
    assert "Troppo lento" in answers.content.decode()


def test_agents_do_not_see_reports_or_follow_ups(client, agent):
    client_as(client, agent)
    assert client.get("/surveys/").status_code == 403
    assert client.get("/surveys/answers/").status_code == 403
    assert client.get("/surveys/follow-ups/").status_code == 403


def test_a_bad_period_is_refused_not_crashed(client, manager):
    page = client_as(client, manager).get(
        "/surveys/", {"since": "2026-05-01", "until": "2026-01-01"}
    )
    assert page.status_code == 200
    assert "The period ends before it starts." in page.content.decode()
    assert client.get("/surveys/", {"since": "yesterday"}).status_code == 200


def test_dates_beyond_the_calendar_are_refused_not_crashed_on(client, manager):
    client_as(client, manager)
    for path in ("/surveys/", "/surveys/answers/"):
        for query in ({"until": "0001-01-01"}, {"since": "9999-12-30", "until": "9999-12-31"}):
            page = client.get(path, query)
            assert page.status_code == 200
            assert "Pick a date between 1970 and 9998." in page.content.decode()


def test_team_lead_records_the_outcome_of_a_follow_up(
    client, general, customer, queue, lead, front_team
):
    case = resolved(queue, hours=2)
    answered(general, case, {"csat": 1})
    task = RecoveryTask.objects.get()
    client_as(client, lead)
    listing = client.get("/surveys/follow-ups/")
    assert case.customer.full_name in listing.content.decode()
    client.post(f"/surveys/follow-ups/{task.pk}/", {"state": "contacted", "note": "Chiamata"})
    client.post(f"/surveys/follow-ups/{task.pk}/", {"state": "recovered", "note": "Rimborso"})
    task.refresh_from_db()
    assert task.state == "recovered"
    assert task.note == "Chiamata\nRimborso"
    assert task.closed_at is not None
    kinds = list(
        case.events.filter(kind="survey.recovery_updated").values_list("after__state", flat=True)
    )
    assert kinds == ["contacted", "recovered"]
    refused = client.post(
        f"/surveys/follow-ups/{task.pk}/", {"state": "not_recovered"}, follow=True
    )
    assert "closed already" in refused.content.decode()
    assert overview(period(), timezone.now()).recovery_rate.value == 1


def test_a_lead_of_another_team_cannot_touch_the_follow_up(
    client, general, customer, queue, front_team
):
    from loyaldesk.accounts.roles import Role
    from loyaldesk.accounts.services import create_staff_user

    case = resolved(queue, hours=2)
    answered(general, case, {"csat": 1})
    task = RecoveryTask.objects.get()
    other = create_staff_user("lead2", PASSWORD, Role.TEAM_LEAD)
    Team.objects.create(name="Back office", lead=other)
    client_as(client, other)
    assert case.customer.full_name not in client.get("/surveys/follow-ups/").content.decode()
    assert client.post(f"/surveys/follow-ups/{task.pk}/", {"state": "recovered"}).status_code == 404
    assert RecoveryTask.objects.get().state == "open"


def test_comments_filtered_by_the_score_of_their_response(client, general, queue, manager):
    unhappy = resolved(queue, hours=2, at=DAY)
    happy = resolved(queue, hours=2, at=DAY + timedelta(minutes=1))
    answered(general, unhappy, {"csat": 3, "nps": 2}, at=DAY, text="Mai più")
    answered(general, happy, {"csat": 5, "nps": 10}, at=DAY + timedelta(minutes=1), text="Top")
    client_as(client, manager)
    page = client.get(
        "/surveys/answers/",
        {
            "since": "2026-04-10",
            "until": "2026-05-05",
            "kind": "text",
            "scored": "nps",
            "high": "6",
        },
    )
    html = page.content.decode()
    assert "Mai più" in html
    assert "Top" not in html
    assert "NPS 2" in html


def test_an_answer_without_a_case_judges_the_customers_last_case_of_the_year(
    standard_surveys, queue
):
    relationship = standard_surveys["Relationship NPS"]
    recent = resolved(queue, hours=1, at=DAY - timedelta(days=20))
    stale = resolved(queue, hours=1, at=DAY - timedelta(days=400))
    for customer, score in ((recent.customer, 9), (stale.customer, 2)):
        invitation = invite(relationship, customer, now=DAY - timedelta(hours=1))
        nps = relationship.questions.get(kind="nps")
        submit_answers(invitation, {f"q{nps.pk}": str(score)}, now=DAY)
    splits = {split.title: split for split in bridge(period())}
    by_time = {row.name: row.figures["nps"] for row in splits["Time to resolution"].rows}
    assert by_time["within 4 hours"].n == 1
    assert by_time["within 4 hours"].value == 100
    assert sum(row.figures["nps"].n for row in splits["Reopened"].rows) == 1
