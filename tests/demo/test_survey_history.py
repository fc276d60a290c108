"""The generated survey history: made by the surveys' own rules, and answered as customers who
received that service would answer."""

from bisect import bisect_right
from collections import defaultdict
from datetime import timedelta
from itertools import pairwise
from statistics import mean

import pytest
from django.db import transaction

from loyaldesk.customers.models import Customer
from loyaldesk.demo.phrasebook import SURVEY_PHRASEBOOKS
from loyaldesk.desk.models import Case, Event, Queue
from loyaldesk.surveys.models import Answer, Invitation, RecoveryTask, Survey
from tests.demo.conftest import generate_small

QUIET = timedelta(days=30)


@pytest.fixture(scope="module")
def generated(django_db_setup, django_db_blocker):
    """One data set for the module's tests, which only read it; rolled back at the end."""
    with django_db_blocker.unblock(), transaction.atomic():
        yield generate_small()
        transaction.set_rollback(True)


def case_turns() -> dict[int, list]:
    """Each case's opening, resolutions and reopenings, from its events."""
    turns = {case.pk: [case.opened_at] for case in Case.objects.only("opened_at")}
    events = Event.objects.filter(kind__in=("case.status_changed", "case.reopened"))
    for event in events.order_by("at", "pk"):
        if event.kind == "case.reopened" or event.after["status"] == "resolved":
            turns[event.case_id].append(event.at)
    return turns


def test_resolved_cases_are_surveyed_by_the_services_rules(generated, db):
    surveys = {survey.name: survey for survey in Survey.objects.all()}
    invitations = list(Invitation.objects.select_related("customer", "case", "survey"))
    by_case = [i for i in invitations if i.case_id is not None]
    resolved = Case.objects.filter(status__in=("resolved", "closed")).count()
    assert len(by_case) > 0.9 * resolved
    sent = [i for i in invitations if not i.skipped]
    assert 0.5 < len(sent) / len(invitations) < 0.95
    turns, cases_of = case_turns(), defaultdict(list)
    for case in Case.objects.all():
        cases_of[case.customer_id].append(case.pk)
    for invitation in by_case:
        repair = invitation.case.category == "repair"
        assert invitation.survey == surveys["After a repair" if repair else "After a resolution"]
        # Invited at the first five-minute tick once the case had been resolved for the delay.
        resolutions = turns[invitation.case_id][1::2]
        delay = timedelta(hours=invitation.survey.delay_hours)
        assert any(timedelta(0) <= invitation.created_at - (at + delay) < timedelta(minutes=5)
                   for at in resolutions)  # fmt: skip
    for invitation in invitations:
        if not invitation.customer.consent_surveys:
            assert invitation.skipped == "no_consent"
        open_cases = [case for case in cases_of[invitation.customer_id]
                      if bisect_right(turns[case], invitation.created_at) % 2]  # fmt: skip
        if invitation.skipped not in ("no_consent",):
            assert bool(open_cases) == (invitation.skipped == "open_case"), invitation.pk
    assert {i.skipped for i in invitations} == {"", "no_consent", "quiet_period", "open_case"}


def test_no_customer_is_sent_two_surveys_within_the_quiet_period(generated, db):
    sent = defaultdict(list)
    for customer, moment in Invitation.objects.filter(skipped="").values_list(
        "customer_id", "created_at"
    ):
        sent[customer].append(moment)
    for moments in sent.values():
        moments.sort()
        assert all(later - earlier > QUIET for earlier, later in pairwise(moments))
    quiet = Invitation.objects.filter(skipped="quiet_period")
    assert quiet.exists()
    for invitation in quiet:
        since, until = invitation.created_at - QUIET, invitation.created_at
        assert any(since <= moment <= until for moment in sent[invitation.customer_id])


def test_relationship_rounds_sample_active_customers_every_ninety_days(generated, db):
    survey = Survey.objects.get(name="Relationship NPS")
    rounds = sorted(set(survey.invitations.values_list("created_at", flat=True)))
    assert len(rounds) == 9
    assert all(later - earlier == timedelta(days=90) for earlier, later in pairwise(rounds))
    assert survey.last_round_at == rounds[-1]
    for moment in rounds:
        invited = survey.invitations.filter(created_at=moment)
        assert 0 < invited.count() <= survey.sample_size
        assert not invited.filter(skipped__in=("no_consent", "quiet_period")).exists()
    assert not survey.invitations.exclude(case=None).exists()


def test_answers_carry_their_invitations_and_cases_cuts(generated, db):
    answers = Answer.objects.select_related("invitation", "case__queue", "customer")
    assert answers.count() > 500
    answered = Invitation.objects.exclude(opened_at=None)
    response_rate = answered.count() / Invitation.objects.filter(skipped="").count()
    assert 0.25 < response_rate < 0.4
    for answer in answers:
        invitation, case = answer.invitation, answer.case
        assert invitation.skipped == ""
        assert invitation.created_at < answer.answered_at < invitation.expires_at
        assert answer.language == invitation.language == answer.customer.preferred_language
        assert (answer.survey_id, answer.customer_id, answer.case_id) == (
            invitation.survey_id, invitation.customer_id, invitation.case_id)  # fmt: skip
        if case is None:
            assert (answer.agent_id, answer.queue_id, answer.team_id, answer.channel) == (
                None, None, None, "")  # fmt: skip
            continue
        assert answer.agent_id == invitation.agent_id == case.assignee_id
        assert answer.queue_id == case.queue_id
        assert answer.team_id == case.queue.team_id
        assert (answer.channel, answer.category) == (case.origin_channel, case.category)
    agents = Invitation.agents.through.objects.select_related("invitation__case")
    assert all(row.user_id == row.invitation.case.assignee_id for row in agents)
    digests = list(Invitation.objects.filter(skipped="").values_list("token_digest", flat=True))
    assert len(set(digests)) == len(digests)
    assert all(len(digest) == 64 for digest in digests)


def test_scores_follow_the_service_customers_received(generated, db):
    """Customers kept waiting, or whose problem came back, rate lower than those helped at once;
    NPS follows the cases a customer had."""
    repeated = set(Case.objects.exclude(repeat_of=None).values_list("repeat_of", flat=True))
    groups = defaultdict(list)
    for answer in Answer.objects.filter(kind="csat").select_related("case"):
        case = answer.case
        slow = case.first_response_at - case.opened_at > timedelta(hours=24)
        if slow or case.reopen_count or case.pk in repeated:
            groups["badly"].append(answer.score)
        elif case.resolved_at - case.opened_at <= timedelta(hours=24) and not case.repeat_of_id:
            groups["at once"].append(answer.score)
    assert len(groups["badly"]) > 10
    assert mean(groups["badly"]) < mean(groups["at once"]) - 0.8
    realised = generated.realised["surveys"]
    csat = realised["csat_mean"]
    assert csat["unresolved"]["mean"] < csat["slow"]["mean"] < csat["recovered"]["mean"]
    assert realised["nps"]["any_unresolved"]["nps"] < realised["nps"]["only_recovered"]["nps"]
    nps = list(Answer.objects.filter(kind="nps").values_list("score", flat=True))
    promoters, detractors = sum(s >= 9 for s in nps), sum(s <= 6 for s in nps)
    assert -10 < 100 * (promoters - detractors) / len(nps) < 50


def test_unhappy_answers_open_recovery_tasks_for_the_team_lead(generated, db):
    unhappy = set()
    for answer in Answer.objects.filter(kind__in=("nps", "csat", "expectation")):
        limit = {"nps": 6, "csat": 2, "expectation": 1}[answer.kind]
        if answer.score <= limit:
            unhappy.add(answer.invitation_id)
    tasks = {task.invitation_id: task for task in
             RecoveryTask.objects.select_related("invitation__team")}  # fmt: skip
    assert set(tasks) == unhappy
    detractors = Answer.objects.filter(kind="nps", score__lte=6)
    assert {tasks[answer.invitation_id].reason for answer in detractors} == {"detractor"}
    states = defaultdict(int)
    for task in tasks.values():
        states[task.state] += 1
        # A survey without a case is followed up by the default queue's team.
        team = task.invitation.team or Queue.objects.get(is_default=True).team
        assert (task.team, task.owner_id) == (team, team.lead_id)
        assert task.due_at - task.created_at == timedelta(hours=48)
        if task.state in ("recovered", "not_recovered"):
            assert task.created_at < task.contacted_at <= task.closed_at
    assert states["recovered"] > 0
    assert states["not_recovered"] > 0
    opened = Event.objects.filter(kind="survey.recovery_opened")
    assert sorted(event.after["task"] for event in opened) == sorted(t.pk for t in tasks.values())


def test_every_invitation_and_answer_has_the_services_events(generated, db):
    events = defaultdict(list)
    for event in Event.objects.filter(kind__startswith="survey."):
        events[event.kind].append(event)
    invited = {e.after["invitation"]: e for e in events["survey.invited"]}
    not_sent = {e.after["invitation"]: e for e in events["survey.not_sent"]}
    for invitation in Invitation.objects.all():
        event = not_sent[invitation.pk] if invitation.skipped else invited[invitation.pk]
        assert event.after["survey"] == invitation.survey_id
        assert event.after.get("reason", "") == invitation.skipped
        assert (event.at, event.case_id) == (invitation.created_at, invitation.case_id)
    completed = {e.after["invitation"] for e in events["survey.completed"]}
    assert completed == ids(Invitation.objects.exclude(completed_at=None))
    rated = {e.after["invitation"] for e in events["survey.rated"]}
    assert rated | completed == ids(Invitation.objects.exclude(opened_at=None))


def ids(queryset) -> set[int]:
    return set(queryset.values_list("pk", flat=True))


def test_comments_are_in_the_customers_language(generated, db):
    texts = Answer.objects.filter(kind="text").select_related("customer")
    assert texts.count() > 50
    languages = set()
    for answer in texts:
        language = answer.customer.preferred_language
        openings = [o for mood in SURVEY_PHRASEBOOKS[language]["opening"].values() for o in mood]
        assert answer.text.startswith(tuple(openings)), (language, answer.text)
        assert "{" not in answer.text
        languages.add(language)
    assert languages == {"en", "fr", "it"}
    assert Customer.objects.count() > texts.count()
