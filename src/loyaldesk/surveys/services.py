"""Sending surveys, recording answers, and following up unhappy customers."""

from __future__ import annotations

import random
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from loyaldesk.accounts.models import Team, User
from loyaldesk.channels.services import first_email_address, queue_customer_email
from loyaldesk.customers.models import Customer, Purchase
from loyaldesk.desk.events import record_event
from loyaldesk.desk.lifecycle import Status
from loyaldesk.desk.models import Case, MessageKind, Queue
from loyaldesk.surveys import tallies
from loyaldesk.surveys.models import (
    Answer,
    Invitation,
    Question,
    QuestionKind,
    RecoveryReason,
    RecoveryState,
    RecoveryTask,
    SkipReason,
    Survey,
    Trigger,
)
from loyaldesk.surveys.service_received import band_values, judged_service
from loyaldesk.surveys.tokens import digest_of, new_token

CLOSED_STATUSES = (Status.RESOLVED, Status.CLOSED)
# A resolution older than this when the periodic job first sees it is not surveyed any more.
RESOLUTION_LOOKBACK = timedelta(days=7)
MAX_TEXT = 5000
UNHAPPY_REASONS = {
    QuestionKind.NPS: RecoveryReason.DETRACTOR,
    QuestionKind.CSAT: RecoveryReason.DISSATISFIED,
    QuestionKind.EXPECTATION: RecoveryReason.MUCH_WORSE,
}


class InvitationClosed(Exception):
    """The link was answered already, or has expired."""


class InvalidAnswer(ValueError):
    """An answer outside its question's scale or choices, or a required question left out."""

    def __init__(self, errors: dict[int, str]) -> None:
        super().__init__(errors)
        self.errors = errors


class CannotRecordOutcome(ValueError):
    """The recovery task is closed, or the outcome is not one it can move to."""


# --- who may be invited ---------------------------------------------------------------------


def skip_reason(
    survey: Survey, customer: Customer, now: datetime, *, needs_email: bool = True
) -> SkipReason | None:
    """Why this customer must not be surveyed now, or None when they may be."""
    if not customer.consent_surveys:
        return SkipReason.NO_CONSENT
    if customer.cases.exclude(status__in=CLOSED_STATUSES).exists():
        return SkipReason.OPEN_CASE
    quiet_since = now - timedelta(days=survey.quiet_days)
    if customer.invitations.filter(skipped="", created_at__gte=quiet_since).exists():
        return SkipReason.QUIET_PERIOD
    if needs_email and not first_email_address(customer.pk):
        return SkipReason.NO_ADDRESS
    return None


def survey_link(token: str, score: int | None = None) -> str:
    """The absolute address of an invitation's answer page, or of a one-click rating."""
    base = f"{settings.PUBLIC_URL}/s/{token}/"
    return base if score is None else f"{base}rate/{score}/"


def headline_question(survey: Survey) -> Question | None:
    """The survey's first rating question: the one answered by a click in the email."""
    return survey.questions.exclude(kind__in=(QuestionKind.TEXT, QuestionKind.CHOICE)).first()


def _email_content(invitation: Invitation, token: str) -> tuple[str, str, str]:
    question = headline_question(invitation.survey)
    language = invitation.language
    with translation.override(language):
        buttons = []
        if question is not None:
            buttons = [
                (score, question.scale.label(score), survey_link(token, score))
                for score in question.scale.scores
            ]
        context = {
            "customer": invitation.customer,
            "case": invitation.case,
            "question": question.prompt(language) if question else "",
            "buttons": buttons,
            "link": survey_link(token),
            "company": settings.COMPANY_NAME,
            "valid_days": invitation.survey.link_valid_days,
            "language": language,
        }
        if invitation.case is not None:
            subject = _("How did we do with your request %(reference)s?") % {
                "reference": invitation.case.reference
            }
        else:
            subject = _("A minute to tell %(company)s how we are doing?") % context
        text = render_to_string("surveys/email/invitation.txt", context)
        html = render_to_string("surveys/email/invitation.html", context)
    return subject, text, html


def _cuts(case: Case | None) -> dict:
    if case is None:
        return {}
    return {
        "case": case,
        "agent_id": case.assignee_id,
        "queue_id": case.queue_id,
        "team_id": case.queue.team_id,
        "channel": case.origin_channel,
        "category": case.category,
    }


@dataclass(frozen=True)
class LinkedInvitation:
    """An invitation and its link's token, which exists nowhere else once this is dropped."""

    invitation: Invitation
    token: str


def invite(
    survey: Survey, customer: Customer, *, case: Case | None = None, now: datetime | None = None
) -> Invitation:
    """Invite a customer to a survey by email, or record why they are not invited; one event
    either way."""
    return invite_with_link(survey, customer, case=case, now=now, by_email=True).invitation


@transaction.atomic
def invite_with_link(
    survey: Survey,
    customer: Customer,
    *,
    case: Case | None = None,
    now: datetime | None = None,
    by_email: bool = True,
) -> LinkedInvitation:
    """Invite a customer and return the link's token, for a channel that delivers the link
    itself (the portal, a chat, an app) when `by_email` is False."""
    now = now or timezone.now()
    reason = skip_reason(survey, customer, now, needs_email=by_email)
    invitation = Invitation.objects.create(
        survey=survey,
        customer=customer,
        language=customer.preferred_language,
        created_at=now,
        skipped=reason or "",
        **_cuts(case),
    )
    if case is not None:
        repliers = case.messages.filter(kind=MessageKind.OUTBOUND, author_user__isnull=False)
        invitation.agents.set(set(repliers.values_list("author_user", flat=True)))
    after = {"survey": survey.pk, "invitation": invitation.pk, "name": survey.name}
    if reason:
        record_event(
            "survey.not_sent",
            case=case,
            customer=customer,
            at=now,
            after=after | {"reason": reason},
        )
        return LinkedInvitation(invitation, "")
    tallies.count_invitation(invitation, sent=1)
    token, invitation.token_digest = new_token()
    invitation.expires_at = now + timedelta(days=survey.link_valid_days)
    if by_email:
        subject, text, html = _email_content(invitation, token)
        invitation.delivery = queue_customer_email(
            customer, subject=subject, text=text, html=html, case=case, at=now
        )
    invitation.save(update_fields=["token_digest", "expires_at", "delivery"])
    record_event(
        "survey.invited", case=case, customer=customer, at=now, after=after | {"email": by_email}
    )
    return LinkedInvitation(invitation, token)


# --- triggers -------------------------------------------------------------------------------


def _resolved_cases_due(survey: Survey, now: datetime, claimed: set[str]):
    due_by = now - timedelta(hours=survey.delay_hours)
    cases = Case.objects.filter(
        status__in=CLOSED_STATUSES,
        merged_into__isnull=True,
        resolved_at__lte=due_by,
        resolved_at__gt=due_by - RESOLUTION_LOOKBACK,
    ).exclude(survey_invitations__survey=survey)
    if survey.categories:
        cases = cases.filter(category__in=survey.categories)
    else:
        cases = cases.exclude(category__in=claimed)
    return cases.select_related("customer", "queue").order_by("resolved_at", "pk")


def invite_after_resolutions(now: datetime | None = None) -> int:
    """Invite the customers of cases resolved long enough ago; returns the invitations sent.

    A survey limited to some categories claims their cases: a repair case gets the repair
    survey, not the general one as well.
    """
    now = now or timezone.now()
    surveys = list(Survey.objects.filter(is_active=True, trigger=Trigger.CASE_RESOLVED))
    claimed = {category for survey in surveys for category in survey.categories}
    sent = 0
    for survey in surveys:
        for case in _resolved_cases_due(survey, now, claimed):
            sent += invite(survey, case.customer, case=case, now=now).was_sent
    return sent


def active_customers(survey: Survey, now: datetime):
    """Customers with a case or a purchase within the survey's activity window who may be asked."""
    since = now - timedelta(days=survey.active_within_days)
    quiet_since = now - timedelta(days=survey.quiet_days)
    recent = Q(pk__in=Case.objects.filter(opened_at__gte=since).values("customer_id")) | Q(
        pk__in=Purchase.objects.filter(purchased_at__gte=since).values("customer_id")
    )
    return (
        Customer.objects.filter(recent, consent_surveys=True, merged_into__isnull=True)
        .exclude(invitations__skipped="", invitations__created_at__gte=quiet_since)
        .values_list("pk", flat=True)
    )


def run_relationship_round(
    survey: Survey, *, now: datetime | None = None, rng: random.Random | None = None
) -> int:
    """Invite a random sample of active customers to a scheduled survey; returns how many."""
    now = now or timezone.now()
    candidates = list(active_customers(survey, now))
    chosen = (rng or random.SystemRandom()).sample(
        candidates, min(survey.sample_size, len(candidates))
    )
    sent = 0
    for customer in Customer.objects.filter(pk__in=chosen):
        sent += invite(survey, customer, now=now).was_sent
    Survey.objects.filter(pk=survey.pk).update(last_round_at=now)
    return sent


def run_due_relationship_rounds(now: datetime | None = None) -> int:
    """Run every scheduled survey whose round is due."""
    now = now or timezone.now()
    sent = 0
    for survey in Survey.objects.filter(is_active=True, trigger=Trigger.RELATIONSHIP):
        if survey.last_round_at is None or survey.last_round_at <= now - timedelta(
            days=survey.every_days
        ):
            sent += run_relationship_round(survey, now=now)
    return sent


# --- answering ------------------------------------------------------------------------------


def find_invitation(token: str) -> Invitation | None:
    """The invitation a link's token belongs to, or None for an unknown or altered token."""
    if not token or len(token) > 100:
        return None
    return (
        Invitation.objects.select_related("survey", "customer", "case")
        .filter(token_digest=digest_of(token))
        .first()
    )


def _locked_open(invitation: Invitation, now: datetime) -> Invitation:
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if not invitation.is_open(now):
        raise InvitationClosed
    return invitation


def _clean_score(question: Question, value: object) -> int:
    try:
        score = int(str(value))
    except ValueError:
        raise InvalidAnswer({question.pk: _("Choose one of the answers.")}) from None
    if score not in question.scale.scores:
        raise InvalidAnswer({question.pk: _("Choose one of the answers.")})
    return score


def _judged_bands(invitation: Invitation, now: datetime) -> dict:
    """The bands of the service the invitation's answers judge, looked up once per response."""
    return band_values(judged_service(invitation.case_id, invitation.customer_id, now))


def _save_answer(
    invitation: Invitation, question: Question, now: datetime, bands: dict, **value
) -> Answer:
    cuts = {
        "survey_id": invitation.survey_id,
        "customer_id": invitation.customer_id,
        "case_id": invitation.case_id,
        "agent_id": invitation.agent_id,
        "team_id": invitation.team_id,
        "queue_id": invitation.queue_id,
        "channel": invitation.channel,
        "category": invitation.category,
        "language": invitation.language,
        **bands,
    }
    previous = Answer.objects.filter(invitation=invitation, question=question).first()
    if previous is not None:
        tallies.count_answer(previous, -1)
    answer, _ = Answer.objects.update_or_create(
        invitation=invitation,
        question=question,
        defaults={"kind": question.kind, "answered_at": now, **cuts, **value},
    )
    tallies.count_answer(answer)
    return answer


def _mark_opened(invitation: Invitation, now: datetime) -> None:
    if invitation.opened_at is None:
        invitation.opened_at = now
        tallies.count_invitation(invitation, answered=1)


@transaction.atomic
def record_rating(invitation: Invitation, score: object, *, now: datetime | None = None) -> Answer:
    """Record the score clicked in the email; the rest of the survey may follow on the page."""
    now = now or timezone.now()
    invitation = _locked_open(invitation, now)
    question = headline_question(invitation.survey)
    if question is None:
        raise InvalidAnswer({})
    answer = _save_answer(
        invitation,
        question,
        now,
        _judged_bands(invitation, now),
        score=_clean_score(question, score),
    )
    if invitation.opened_at is None:
        _mark_opened(invitation, now)
        invitation.save(update_fields=["opened_at"])
    record_event(
        "survey.rated",
        case=invitation.case,
        customer=invitation.customer,
        by_customer=True,
        at=now,
        after={"invitation": invitation.pk, "kind": question.kind, "score": answer.score},
    )
    _open_recovery_if_unhappy(invitation, now)
    return answer


def _cleaned_answers(questions: list[Question], data: Mapping[str, str]) -> dict[Question, dict]:
    errors, cleaned = {}, {}
    for question in questions:
        raw = (data.get(f"q{question.pk}") or "").strip()
        if not raw:
            if question.is_required:
                errors[question.pk] = _("Please answer this question.")
            continue
        try:
            cleaned[question] = _clean_value(question, raw)
        except InvalidAnswer as invalid:
            errors.update(invalid.errors)
    if errors:
        raise InvalidAnswer(errors)
    return cleaned


def _clean_value(question: Question, raw: str) -> dict:
    if question.kind == QuestionKind.TEXT:
        return {"text": raw[:MAX_TEXT]}
    if question.kind == QuestionKind.CHOICE:
        choice = question.choices.filter(pk=raw).first() if raw.isdigit() else None
        if choice is None:
            raise InvalidAnswer({question.pk: _("Choose one of the answers.")})
        return {"choice": choice}
    return {"score": _clean_score(question, raw)}


@transaction.atomic
def submit_answers(
    invitation: Invitation, data: Mapping[str, str], *, now: datetime | None = None
) -> list[Answer]:
    """Record the whole survey (`q<question id>` → value) and close the link for good."""
    now = now or timezone.now()
    invitation = _locked_open(invitation, now)
    questions = list(invitation.survey.questions.prefetch_related("choices"))
    cleaned = _cleaned_answers(questions, data)
    bands = _judged_bands(invitation, now)
    answers = [
        _save_answer(invitation, question, now, bands, **value)
        for question, value in cleaned.items()
    ]
    _mark_opened(invitation, now)
    invitation.completed_at = now
    invitation.save(update_fields=["opened_at", "completed_at"])
    record_event(
        "survey.completed",
        case=invitation.case,
        customer=invitation.customer,
        by_customer=True,
        at=now,
        after={
            "invitation": invitation.pk,
            "scores": {a.kind: a.score for a in answers if a.score is not None},
        },
    )
    _open_recovery_if_unhappy(invitation, now)
    return answers


# --- closing the loop -----------------------------------------------------------------------


def unhappy_reason(answers: list[Answer]) -> RecoveryReason | None:
    """Why these answers call for a recovery, or None when they do not: the first unhappy
    answer in the order the survey asks its questions."""
    for answer in answers:
        question = answer.question
        if question.kind in UNHAPPY_REASONS and question.scale.is_unhappy(answer.score):
            return UNHAPPY_REASONS[question.kind]
    return None


def recovery_team(invitation: Invitation) -> Team | None:
    """Who follows up: the team of the case's queue, else (a survey without a case) the team of
    the default queue, so that no unhappy customer is left without an owner."""
    if invitation.team_id:
        return invitation.team
    queue = Queue.objects.filter(is_default=True).select_related("team__lead").first()
    return queue.team if queue is not None else None


def _open_recovery_if_unhappy(invitation: Invitation, now: datetime) -> RecoveryTask | None:
    if RecoveryTask.objects.filter(invitation=invitation).exists():
        return None
    answers = invitation.answers.select_related("question").order_by("question__position", "pk")
    reason = unhappy_reason(list(answers))
    if reason is None:
        return None
    team = recovery_team(invitation)
    task = RecoveryTask.objects.create(
        invitation=invitation,
        customer=invitation.customer,
        case=invitation.case,
        reason=reason,
        owner=team.lead if team is not None else None,
        team=team,
        created_at=now,
        due_at=now + timedelta(hours=settings.RECOVERY_DUE_HOURS),
    )
    record_event(
        "survey.recovery_opened",
        case=invitation.case,
        customer=invitation.customer,
        at=now,
        after={"task": task.pk, "reason": reason, "owner": task.owner_id},
    )
    return task


@dataclass(frozen=True)
class Outcome:
    state: RecoveryState
    note: str = ""


NEXT_STATES = {
    RecoveryState.OPEN: {
        RecoveryState.CONTACTED,
        RecoveryState.RECOVERED,
        RecoveryState.NOT_RECOVERED,
    },
    RecoveryState.CONTACTED: {RecoveryState.RECOVERED, RecoveryState.NOT_RECOVERED},
}


@transaction.atomic
def record_recovery_outcome(
    task: RecoveryTask, outcome: Outcome, *, actor: User, now: datetime | None = None
) -> RecoveryTask:
    """Move a recovery task on: the customer was contacted, then recovered or not."""
    now = now or timezone.now()
    task = RecoveryTask.objects.select_for_update().get(pk=task.pk)
    if outcome.state not in NEXT_STATES.get(RecoveryState(task.state), set()):
        raise CannotRecordOutcome(f"a follow-up that is {task.state} cannot become {outcome.state}")
    before = {"state": task.state}
    task.state = outcome.state
    if outcome.note:
        task.note = f"{task.note}\n{outcome.note}".strip()
    if outcome.state == RecoveryState.CONTACTED or task.contacted_at is None:
        task.contacted_at = now
    if task.is_closed:
        task.closed_at = now
    task.save()
    record_event(
        "survey.recovery_updated",
        case=task.case,
        customer=task.customer,
        actor=actor,
        at=now,
        before=before,
        after={"task": task.pk, "state": task.state, "note": outcome.note},
    )
    return task
