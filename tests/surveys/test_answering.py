"""The answer page: one click records a score, the page asks the rest, the link works once,
until it expires, and only with its token."""

from datetime import timedelta

import pytest
from django.utils import timezone

from loyaldesk.surveys.models import Answer, Invitation, RecoveryState, RecoveryTask
from loyaldesk.surveys.services import (
    InvitationClosed,
    invite,
    record_rating,
    submit_answers,
)
from loyaldesk.surveys.tokens import digest_of, new_token


@pytest.fixture
def sent(standard_surveys, resolved_case):
    """An invitation to the after-resolution survey with a known token."""
    invitation = invite(
        standard_surveys["After a resolution"], resolved_case.customer, case=resolved_case
    )
    token, digest = new_token()
    Invitation.objects.filter(pk=invitation.pk).update(token_digest=digest)
    invitation.refresh_from_db()
    return invitation, token


def questions(invitation):
    return {q.kind: q for q in invitation.survey.questions.all()}


def test_one_click_shows_the_survey_with_the_score_chosen_and_its_script_records_it(client, sent):
    invitation, token = sent
    page = client.get(f"/s/{token}/rate/4/")
    assert page.status_code == 200
    assert page["Content-Language"] == "it"
    assert page["Cache-Control"].startswith("max-age=0")
    html = page.content.decode()
    assert '<html lang="it">' in html
    assert 'value="4" checked' in html
    assert "Rispetto a quanto si aspettava" in html
    assert f'data-record-url="/s/{token}/rate/4/"' in html
    assert f'action="/s/{token}/"' in html
    # Opening the link is not voting: mail scanners open every link of an email.
    assert not Answer.objects.exists()
    assert client.post(f"/s/{token}/rate/4/").status_code == 204
    answer = Answer.objects.get()
    assert (answer.kind, answer.score) == ("csat", 4)
    assert answer.agent == invitation.agent
    assert (answer.queue_id, answer.team_id, answer.channel, answer.language) == (
        invitation.queue_id,
        invitation.team_id,
        "email",
        "it",
    )
    assert 'value="4" checked' in client.get(f"/s/{token}/").content.decode()


def test_mail_scanners_opening_every_link_cast_no_vote(client, sent):
    _, token = sent
    for score in range(1, 6):
        assert client.get(f"/s/{token}/rate/{score}/").status_code == 200
        assert client.head(f"/s/{token}/rate/{score}/").status_code == 200
    assert not Answer.objects.exists()
    assert not RecoveryTask.objects.exists()


def test_the_whole_form_is_sent_once(client, sent):
    invitation, token = sent
    q = questions(invitation)
    client.post(f"/s/{token}/rate/2/")
    response = client.post(
        f"/s/{token}/",
        {
            f"q{q['csat'].pk}": "5",
            f"q{q['expectation'].pk}": "4",
            f"q{q['overall'].pk}": "3",
            f"q{q['ces'].pk}": "6",
            f"q{q['text'].pk}": "Gentilissimi, grazie!",
        },
    )
    assert response.status_code == 200
    scores = dict(Answer.objects.exclude(score=None).values_list("kind", "score"))
    assert scores == {"csat": 5, "expectation": 4, "overall": 3, "ces": 6}
    assert Answer.objects.get(kind="text").text == "Gentilissimi, grazie!"
    invitation.refresh_from_db()
    assert invitation.completed_at is not None
    again = client.post(f"/s/{token}/", {f"q{q['csat'].pk}": "1"})
    assert again.status_code == 200
    assert "già" in again.content.decode()  # "already answered", in Italian
    assert client.get(f"/s/{token}/rate/1/").status_code == 200
    assert Answer.objects.get(kind="csat").score == 5


def test_a_required_question_left_out_or_an_impossible_score_is_refused(client, sent):
    invitation, token = sent
    q = questions(invitation)
    response = client.post(f"/s/{token}/", {f"q{q['ces'].pk}": "9"})
    assert response.status_code == 400
    html = response.content.decode()
    assert f'id="q{q["csat"].pk}-error"' in html
    assert f'id="q{q["ces"].pk}-error"' in html
    assert not Answer.objects.exists()
    assert client.get(f"/s/{token}/rate/11/").status_code == 302
    assert client.post(f"/s/{token}/rate/11/").status_code == 302
    assert not Answer.objects.exists()


def test_an_altered_or_unknown_token_finds_nothing(client, sent):
    _, token = sent
    altered = token[:-1] + ("A" if token[-1] != "A" else "B")
    assert client.get(f"/s/{altered}/").status_code == 404
    assert client.get(f"/s/{altered}/rate/5/").status_code == 404
    assert client.post(f"/s/{'x' * 43}/", {}).status_code == 404
    assert not Answer.objects.exists()


def test_only_the_digest_of_the_token_is_stored(sent):
    invitation, token = sent
    assert invitation.token_digest == digest_of(token)
    assert token not in invitation.token_digest


def test_an_expired_link_takes_no_answer(client, sent):
    invitation, token = sent
    Invitation.objects.filter(pk=invitation.pk).update(expires_at=timezone.now())
    response = client.get(f"/s/{token}/rate/5/")
    assert response.status_code == 410
    assert client.get(f"/s/{token}/").status_code == 410
    assert not Answer.objects.exists()
    with pytest.raises(InvitationClosed):
        record_rating(invitation, 5)


def test_the_answer_page_needs_no_login_and_keeps_the_csrf_check(sent):
    from django.test import Client

    invitation, token = sent
    strict = Client(enforce_csrf_checks=True)
    assert strict.get(f"/s/{token}/").status_code == 200
    q = questions(invitation)
    assert strict.post(f"/s/{token}/", {f"q{q['csat'].pk}": "5"}).status_code == 403


def test_a_detractor_opens_a_recovery_task_for_the_team_lead(sent, lead, settings):
    invitation, _ = sent
    nps = invitation.survey.questions.create(kind="nps", position=9)
    now = timezone.now()
    submit_answers(
        invitation, {f"q{questions(invitation)['csat'].pk}": "4", f"q{nps.pk}": "6"}, now=now
    )
    task = RecoveryTask.objects.get()
    assert (task.reason, task.owner, task.state) == ("detractor", lead, RecoveryState.OPEN)
    assert task.due_at == now + timedelta(hours=settings.RECOVERY_DUE_HOURS)
    assert task.case == invitation.case
    assert invitation.case.events.filter(kind="survey.recovery_opened").exists()


@pytest.mark.parametrize(
    ("kind", "score", "reason"),
    [("csat", 2, "dissatisfied"), ("csat", 1, "dissatisfied"), ("expectation", 1, "much_worse")],
)
def test_unhappy_answers_open_one_task(sent, kind, score, reason):
    invitation, _ = sent
    q = questions(invitation)
    data = {f"q{q['csat'].pk}": "3", f"q{q[kind].pk}": str(score)}
    submit_answers(invitation, data)
    assert list(RecoveryTask.objects.values_list("reason", flat=True)) == [reason]


@pytest.mark.parametrize(
    ("kind", "score"), [("csat", 3), ("expectation", 2), ("ces", 1), ("overall", 1)]
)
def test_other_answers_open_no_task(sent, kind, score):
    invitation, _ = sent
    q = questions(invitation)
    submit_answers(invitation, {f"q{q['csat'].pk}": "3", f"q{q[kind].pk}": str(score)})
    assert not RecoveryTask.objects.exists()


def test_one_click_detractor_opens_the_task_before_the_form_is_sent(client, sent):
    invitation, token = sent
    client.post(f"/s/{token}/rate/1/")
    assert RecoveryTask.objects.get().reason == "dissatisfied"
    q = questions(invitation)
    client.post(f"/s/{token}/", {f"q{q['csat'].pk}": "1"})
    assert RecoveryTask.objects.count() == 1


def test_the_case_history_tells_the_survey_story(sent, lead):
    from loyaldesk.desk.history import history_lines
    from loyaldesk.surveys.services import Outcome, record_recovery_outcome

    invitation, _ = sent
    q = questions(invitation)
    submit_answers(invitation, {f"q{q['csat'].pk}": "1"})
    record_recovery_outcome(
        RecoveryTask.objects.get(), Outcome(RecoveryState.RECOVERED), actor=lead
    )
    lines = [line.text for line in history_lines(invitation.case.events.all())]
    assert "Survey “After a resolution” sent" in lines
    assert "The customer answered the survey: CSAT 1" in lines
    assert "Follow-up of an unhappy answer opened for Ada" in lines
    assert "Follow-up: recovered" in lines


def test_the_case_page_shows_what_the_customer_answered(client, sent, agent):
    from tests.conftest import PASSWORD

    invitation, _ = sent
    q = questions(invitation)
    submit_answers(invitation, {f"q{q['csat'].pk}": "2", f"q{q['text'].pk}": "Troppo lento"})
    client.login(username=agent.username, password=PASSWORD)
    html = client.get(f"/cases/{invitation.case.number}/").content.decode()
    assert "2 · Dissatisfied" in html
    assert "Troppo lento" in html
    assert "Follow-up:" in html


def test_a_detractor_of_a_survey_without_a_case_goes_to_the_default_queues_team(
    standard_surveys, customer, lead, front_team
):
    survey = standard_surveys["Relationship NPS"]
    invitation = invite(survey, customer)
    nps = survey.questions.get(kind="nps")
    submit_answers(invitation, {f"q{nps.pk}": "3"})
    task = RecoveryTask.objects.get()
    assert (task.reason, task.team, task.owner, task.case) == ("detractor", front_team, lead, None)


def test_the_first_unhappy_answer_in_the_surveys_order_names_the_reason(sent):
    invitation, _ = sent
    q = questions(invitation)
    submit_answers(invitation, {f"q{q['csat'].pk}": "1", f"q{q['expectation'].pk}": "1"})
    assert RecoveryTask.objects.get().reason == "dissatisfied"
