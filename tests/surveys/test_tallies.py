"""The counts kept ahead of the reports: kept in step with every answer and invitation, equal to
counting afresh, and giving the reports the same figures as counting the answers."""

from collections import Counter, defaultdict
from dataclasses import replace
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import numpy as np
import pytest
from django.core.management import call_command
from django.utils import timezone

from loyaldesk.customers.services import create_customer
from loyaldesk.desk.lifecycle import Status
from loyaldesk.desk.services import change_status, open_case
from loyaldesk.surveys import tallies
from loyaldesk.surveys.models import Answer, InvitationCount, ScoreCount, Span
from loyaldesk.surveys.reports import (
    BREAKDOWNS,
    SCALE_RANGES,
    AnswerFilter,
    TrendPoint,
    breakdown,
    bridge,
    figure,
    overview,
    response_counts,
    trend,
)
from loyaldesk.surveys.service_received import BAND_FIELDS, fill_bands
from loyaldesk.surveys.services import invite, record_rating, submit_answers

ZONE = "Europe/Rome"


def local(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=ZoneInfo(ZONE))


def served(queue, *, language: str, channel: str, assignee, category: str, at: datetime):
    """A case of a new customer, assigned and resolved an hour before `at`."""
    customer = create_customer(
        first_name="Marie",
        last_name=f"Client {at.isoformat()}{channel}",
        preferred_language=language,
        emails=[f"{at.timestamp():.0f}.{channel}@example.org"],
    )
    case = open_case(
        customer=customer,
        subject="Question",
        text="Bonjour",
        channel=channel,
        queue=queue,
        category=category,
        at=at - timedelta(hours=3),
    )
    case.assignee = assignee
    case.save()
    change_status(case, Status.RESOLVED, at=at - timedelta(hours=1))
    case.refresh_from_db()
    return case


def answer(survey, customer, scores: dict[str, int], *, at: datetime, case=None, click=None):
    """Invite and answer; with `click`, the email's rating first, changed a day later."""
    invitation = invite(survey, customer, case=case, now=at - timedelta(minutes=30))
    questions = {q.kind: q for q in survey.questions.all()}
    data = {f"q{questions[kind].pk}": str(score) for kind, score in scores.items()}
    if click is not None:
        record_rating(invitation, click, now=at)
        at += timedelta(days=1)
    submit_answers(invitation, data, now=at)


@pytest.fixture
def history(settings, standard_surveys, queue, agent, lead, front_team):
    """About 170 answers from 20 March to 10 May in Rome's time, some at 00:30 (the day before
    in UTC), two surveys, two agents, three channels and languages, a rating
    changed on the page, invitations skipped and left unanswered."""
    settings.TIME_ZONE = ZONE
    general = standard_surveys["After a resolution"]
    general.questions.create(kind="nps", position=10)
    relationship = standard_surveys["Relationship NPS"]
    for survey in (general, relationship):
        survey.quiet_days = 0
        survey.save()
    setup = [("it", "email", agent, "defect"), ("fr", "phone", lead, "billing"),
             ("en", "chat", agent, "")]  # fmt: skip
    day = local(2026, 3, 20, 10)
    for index in range(52):
        language, channel, who, category = setup[index % 3]
        at = day + timedelta(days=index, hours=14.5 if index % 5 == 0 else 0)
        case = served(queue, language=language, channel=channel, assignee=who,
                      category=category, at=at)  # fmt: skip
        scores = {"csat": 1 + index % 5, "nps": index % 11, "ces": 1 + index % 7}
        if index % 4 == 0:
            scores["expectation"] = 1 + index % 5
        if index % 9 == 0:
            invite(general, case.customer, case=case, now=at)  # never answered
            continue
        click = 1 if index % 13 == 0 else None  # rated in the email, changed on the page
        answer(general, case.customer, scores, at=at, case=case, click=click)
        if index % 6 == 0:
            answer(
                relationship, case.customer, {"nps": (index * 7) % 11}, at=at + timedelta(days=3)
            )
    no_consent = create_customer(first_name="Luc", last_name="Refus", consent_surveys=False)
    invite(relationship, no_consent, now=day)  # skipped: not counted as sent
    return {"general": general, "relationship": relationship}


def kept() -> tuple[set, set]:
    scores = {
        (c.span, c.start, c.survey_id, c.cut, c.value, c.kind, c.score, c.answers)
        for c in ScoreCount.objects.exclude(answers=0)
    }
    invitations = {
        (c.span, c.start, c.survey_id, c.cut, c.value, c.sent, c.answered)
        for c in InvitationCount.objects.all()
    }
    return scores, invitations


def test_counts_kept_answer_by_answer_equal_counting_afresh(history):
    as_kept = kept()
    call_command("recount_survey_answers", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert kept() == as_kept
    scores, invitations = as_kept
    # 46 answered invitations, 3 of them rated 1 in the email first: each counted once.
    csat = [c for c in scores if c[0] == Span.MONTH and c[3] == "" and c[5] == "csat"]
    assert sum(c[7] for c in csat) == 46
    # Answered at 00:30 on 26 March in Rome, 23:30 on the 25th in UTC: the 26th.
    daily = Counter()
    for span, start, _survey, cut, _value, kind, _score, answers in scores:
        if span == Span.DAY and cut == "" and kind == "csat":
            daily[start.isoformat()] += answers
    assert "2026-03-25" not in daily
    assert daily["2026-03-26"] == 2
    sent = sum(c[5] for c in invitations if c[0] == Span.MONTH and c[3] == "")
    answered = sum(c[6] for c in invitations if c[0] == Span.MONTH and c[3] == "")
    assert (sent, answered) == (52 + 6, 46 + 6)


def test_answers_stored_before_bands_were_kept_get_them(history):
    """What the upgrade's migration does: band every stored answer, then count afresh."""
    bands = list(Answer.objects.order_by("pk").values_list(*BAND_FIELDS))
    assert {band for band in bands if band[0] is not None}, "answers judge a service"
    Answer.objects.update(**dict.fromkeys(BAND_FIELDS))
    assert fill_bands() == sum(band[0] is not None for band in bands)
    assert list(Answer.objects.order_by("pk").values_list(*BAND_FIELDS)) == bands


FILTERS = [
    {},
    {"team": "team"},
    {"agent": "agent"},
    {"channel": "phone"},
    {"language": "fr"},
    {"category": "defect"},
    {"survey": "general", "queue": "queue"},
    {"agent": "lead", "channel": "phone"},  # two cuts: only the answers can tell
]


def resolved_filter(cuts: dict, history, front_team, queue, agent, lead, since, until):
    values = {"team": front_team.pk, "queue": queue.pk, "agent": agent.pk, "lead": lead.pk}
    values |= {name: survey.pk for name, survey in history.items()}
    cuts = {key: values.get(value, value) for key, value in cuts.items()}
    return AnswerFilter(since=since, until=until, **cuts)


@pytest.mark.parametrize("cuts", FILTERS, ids=lambda cuts: "+".join(cuts) or "all")
def test_reports_from_the_counts_equal_reports_over_the_answers(
    history, front_team, queue, agent, lead, cuts
):
    for days in (45, 75):  # trends by week over days, by month over months and days
        compare_reports(history, front_team, queue, agent, lead, cuts, days)


def compare_reports(history, front_team, queue, agent, lead, cuts, days):
    until = local(2026, 5, 12)
    whole_days = resolved_filter(
        cuts, history, front_team, queue, agent, lead, until - timedelta(days=days), until
    )
    # A microsecond off midnight: no count covers it, the answers are counted.
    exact = replace(whole_days, since=whole_days.since + timedelta(microseconds=1))
    assert tallies.score_rows(exact, ["nps"]) is None
    assert (tallies.score_rows(whole_days, ["nps"]) is None) == (len(set(cuts) - {"survey"}) > 1)

    now = until
    kept_overview, counted_overview = overview(whole_days, now), overview(exact, now)
    assert kept_overview.figures == counted_overview.figures
    assert response_counts(whole_days) == response_counts(exact)
    assert kept_overview.answered > 0
    for by in BREAKDOWNS:
        assert breakdown(whole_days, by) == breakdown(exact, by), by
    assert bridge(whole_days) == bridge(exact)
    for kind in ("nps", "csat", "ces"):
        assert trend(whole_days, kind) == trend_of_the_answers(exact, kind), kind


def trend_of_the_answers(answer_filter: AnswerFilter, kind: str) -> list[TrendPoint]:
    """The trend as the answers give it: each answer in its week or month in Rome's time."""
    weekly = answer_filter.until - answer_filter.since <= timedelta(weeks=13)
    scores = defaultdict(list)
    for moment, score in (
        answer_filter.answers().filter(kind=kind).values_list("answered_at", "score")
    ):
        day = timezone.localtime(moment).date()
        start = day - timedelta(days=day.weekday()) if weekly else day.replace(day=1)
        scores[local(start.year, start.month, start.day)].append(score)
    scale = SCALE_RANGES[kind]
    return [
        TrendPoint(start, figure(kind, np.bincount(np.array(scores[start]) - scale.start,
                                                   minlength=len(scale))))
        for start in sorted(scores)
    ]  # fmt: skip
