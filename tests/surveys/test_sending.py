"""Who is invited to a survey, when, and what the email says."""

from datetime import timedelta
from email import message_from_bytes

from django.utils import timezone

from loyaldesk.customers.services import create_customer
from loyaldesk.desk.lifecycle import Status
from loyaldesk.desk.services import add_customer_message, change_status, open_case
from loyaldesk.surveys.models import Invitation, SkipReason, Survey
from loyaldesk.surveys.services import (
    invite,
    invite_after_resolutions,
    run_due_relationship_rounds,
    run_relationship_round,
)
from tests.surveys.conftest import RESOLVED_AT


def test_invitation_waits_for_the_delay_after_resolution(standard_surveys, resolved_case):
    assert invite_after_resolutions(now=RESOLVED_AT + timedelta(hours=1)) == 0
    assert invite_after_resolutions(now=RESOLVED_AT + timedelta(hours=2)) == 1
    invitation = Invitation.objects.get()
    assert invitation.survey.name == "After a resolution"
    assert invitation.case == resolved_case
    assert invitation.agent.username == "agent1"
    assert list(invitation.agents.values_list("username", flat=True)) == ["agent1"]
    assert invitation.queue == resolved_case.queue
    assert invitation.team == resolved_case.queue.team
    assert (invitation.channel, invitation.language) == ("email", "it")
    assert invitation.expires_at == RESOLVED_AT + timedelta(hours=2, days=14)
    assert resolved_case.events.filter(kind="survey.invited").count() == 1


def test_each_case_is_surveyed_once(standard_surveys, resolved_case):
    later = RESOLVED_AT + timedelta(hours=3)
    assert invite_after_resolutions(now=later) == 1
    assert invite_after_resolutions(now=later + timedelta(minutes=5)) == 0
    assert Invitation.objects.count() == 1


def test_a_case_reopened_before_the_delay_is_not_surveyed(standard_surveys, resolved_case):
    add_customer_message(
        resolved_case,
        text="Non funziona ancora.",
        channel="email",
        at=RESOLVED_AT + timedelta(hours=1),
    )
    assert invite_after_resolutions(now=RESOLVED_AT + timedelta(hours=3)) == 0
    assert not Invitation.objects.exists()


def test_a_repair_case_gets_the_repair_survey_and_not_both(standard_surveys, resolved_case):
    resolved_case.category = "repair"
    resolved_case.save()
    assert invite_after_resolutions(now=RESOLVED_AT + timedelta(hours=3)) == 0
    assert invite_after_resolutions(now=RESOLVED_AT + timedelta(hours=24)) == 1
    assert [i.survey.name for i in Invitation.objects.all()] == ["After a repair"]


def test_no_consent_means_no_survey(standard_surveys, resolved_case):
    customer = resolved_case.customer
    customer.consent_surveys = False
    customer.save()
    invite_after_resolutions(now=RESOLVED_AT + timedelta(hours=3))
    invitation = Invitation.objects.get()
    assert invitation.skipped == SkipReason.NO_CONSENT
    assert invitation.delivery is None
    assert resolved_case.events.filter(kind="survey.not_sent", after__reason="no_consent").exists()


def test_a_customer_with_an_open_complaint_is_not_surveyed(standard_surveys, resolved_case, queue):
    open_case(
        customer=resolved_case.customer,
        subject="Ancora un problema",
        text="Il rimborso non è arrivato.",
        channel="email",
        at=RESOLVED_AT + timedelta(hours=1),
    )
    invite_after_resolutions(now=RESOLVED_AT + timedelta(hours=3))
    assert Invitation.objects.get().skipped == SkipReason.OPEN_CASE


def test_quiet_period_spans_every_survey(standard_surveys, resolved_case, queue):
    invite_after_resolutions(now=RESOLVED_AT + timedelta(hours=3))
    second = open_case(
        customer=resolved_case.customer,
        subject="Altro",
        text="Altra domanda",
        channel="email",
        at=RESOLVED_AT + timedelta(days=2),
    )
    change_status(second, Status.RESOLVED, at=RESOLVED_AT + timedelta(days=2, hours=1))
    invite_after_resolutions(now=RESOLVED_AT + timedelta(days=2, hours=4))
    skipped = Invitation.objects.get(case=second)
    assert skipped.skipped == SkipReason.QUIET_PERIOD
    third = open_case(
        customer=resolved_case.customer,
        subject="Ancora",
        text="Domanda",
        channel="email",
        at=RESOLVED_AT + timedelta(days=31),
    )
    change_status(third, Status.RESOLVED, at=RESOLVED_AT + timedelta(days=31, hours=1))
    invite_after_resolutions(now=RESOLVED_AT + timedelta(days=31, hours=4))
    assert Invitation.objects.get(case=third).was_sent


def test_a_customer_without_email_is_recorded_not_sent(standard_surveys, queue):
    customer = create_customer(first_name="Jo", last_name="Test", phones=["+44 20 7946 0000"])
    invitation = invite(standard_surveys["Relationship NPS"], customer, now=timezone.now())
    assert invitation.skipped == SkipReason.NO_ADDRESS


def test_the_email_carries_one_click_ratings_in_the_customers_language(
    standard_surveys, resolved_case, smtp_inbox, jobs_run_now, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        invite_after_resolutions(now=RESOLVED_AT + timedelta(hours=3))
    mail = message_from_bytes(smtp_inbox.envelopes[-1].content)
    assert smtp_inbox.envelopes[-1].rcpt_tos == ["chiara.rossi@example.it"]
    assert resolved_case.reference in mail["Subject"]
    assert "Come" in mail["Subject"]  # Italian, the customer's language
    parts = {
        part.get_content_type(): part.get_payload(decode=True).decode()
        for part in mail.walk()
        if not part.is_multipart()
    }
    html, text = parts["text/html"], parts["text/plain"]
    for score in range(1, 6):
        assert f"/rate/{score}/" in html
        assert f"/rate/{score}/" in text
    assert "Molto soddisfatto" in html
    invitation = Invitation.objects.get()
    assert invitation.delivery.state == "sent"
    assert resolved_case.events.filter(kind="email.sent").exists()


def test_relationship_round_samples_active_customers_once_per_period(standard_surveys, queue):
    survey = standard_surveys["Relationship NPS"]
    survey.sample_size = 3
    survey.save()
    now = timezone.now()
    for index in range(5):
        customer = create_customer(
            first_name=f"C{index}", last_name="Test", emails=[f"c{index}@example.com"]
        )
        case = open_case(
            customer=customer, subject="Q", text="?", channel="email", at=now - timedelta(days=30)
        )
        change_status(case, Status.RESOLVED, at=now - timedelta(days=29))
    create_customer(
        first_name="Idle", last_name="Test", emails=["idle@example.com"]
    )  # no case, no purchase
    assert run_due_relationship_rounds(now=now) == 3
    assert Invitation.objects.filter(survey=survey, case__isnull=True).count() == 3
    assert not Invitation.objects.filter(customer__first_name="Idle").exists()
    assert run_due_relationship_rounds(now=now + timedelta(days=1)) == 0
    survey.refresh_from_db()
    assert survey.last_round_at == now
    # The next round, 90 days on, may only draw the two not asked in the quiet period... which
    # has passed by then, so all five are candidates again.
    assert run_relationship_round(survey, now=now + timedelta(days=90)) == 3


def test_inactive_survey_sends_nothing(standard_surveys, resolved_case):
    Survey.objects.update(is_active=False)
    assert invite_after_resolutions(now=RESOLVED_AT + timedelta(hours=3)) == 0
