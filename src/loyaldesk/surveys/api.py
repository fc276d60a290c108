"""REST endpoints for surveys: figures, answers, invitations for other channels, follow-ups."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils import timezone
from ninja import Field, Path, Query, Router, Schema
from ninja import Status as Reply

from loyaldesk.core.pagination import Ordering, keyset_page
from loyaldesk.core.periods import FIRST_DAY, LAST_DAY, start_of_day
from loyaldesk.core.schemas import MAX_ID, Id, text
from loyaldesk.customers.models import ChannelChoice, Customer, CustomerLanguage
from loyaldesk.desk.permissions import ensure, visible_cases
from loyaldesk.surveys import reports, services
from loyaldesk.surveys.forms import DEFAULT_DAYS, MAX_DAYS
from loyaldesk.surveys.models import Answer, QuestionKind, RecoveryState, Survey
from loyaldesk.surveys.selectors import visible_recovery_tasks
from loyaldesk.surveys.statistics import known

router = Router(tags=["surveys"])
NEWEST = Ordering("answered_at")
DUE_FIRST = Ordering("due_at", descending=False)
MAX_PAGE = 200


class FigureOut(Schema):
    """A figure with its 95 % interval; null when there are no answers to compute it from."""

    value: float | None
    low: float | None
    high: float | None
    n: int
    too_few: bool


def _figure(estimate) -> FigureOut:
    return FigureOut(
        value=known(estimate.value),
        low=known(estimate.low),
        high=known(estimate.high),
        n=estimate.n,
        too_few=estimate.too_few,
    )


class FiguresOut(Schema):
    since: date
    until: date
    nps: FigureOut
    csat: FigureOut
    ces: FigureOut
    expectation: FigureOut
    response_rate: FigureOut
    recovery_rate: FigureOut
    follow_ups_open: int


class ReportQuery(Schema):
    since: date | None = None
    until: date | None = None
    survey: Id | None = None
    team: Id | None = None
    queue: Id | None = None
    agent: Id | None = None
    channel: ChannelChoice | None = None
    category: text(max_length=60) = ""
    language: CustomerLanguage | None = None

    def to_filter(self) -> reports.AnswerFilter:
        for name in ("since", "until"):
            day = getattr(self, name)
            if day is not None and not FIRST_DAY <= day <= LAST_DAY:
                raise ValidationError({name: f"pick a date from {FIRST_DAY} to {LAST_DAY}"})
        until = self.until or timezone.localdate()
        since = self.since or until - timedelta(days=DEFAULT_DAYS - 1)
        if since > until or (until - since).days > MAX_DAYS:
            raise ValidationError({"until": "the period must end after it starts, within 3 years"})
        return reports.AnswerFilter(
            since=start_of_day(since),
            until=start_of_day(until + timedelta(days=1)),
            survey=self.survey,
            team=self.team,
            queue=self.queue,
            agent=self.agent,
            channel=self.channel or "",
            category=self.category,
            language=self.language or "",
        )


@router.get("/surveys/figures", response=FiguresOut)
def figures(request: HttpRequest, query: Query[ReportQuery]):
    """NPS, CSAT, CES, expectation, response and recovery rates of a period (90 days to today
    by default), with their intervals and numbers of answers."""
    ensure(request.user.has_perm("surveys.view_survey_reports"))
    answer_filter = query.to_filter()
    overview = reports.overview(answer_filter, timezone.now())
    by_kind = {item.kind: _figure(item.estimate) for item in overview.figures}
    return {
        "since": answer_filter.since.date(),
        "until": (answer_filter.until - timedelta(days=1)).date(),
        **by_kind,
        "response_rate": _figure(overview.response_rate),
        "recovery_rate": _figure(overview.recovery_rate),
        "follow_ups_open": overview.recovery_open,
    }


class AnswerOut(Schema):
    id: int
    invitation: int = Field(..., alias="invitation_id")
    survey: int = Field(..., alias="survey_id")
    kind: QuestionKind
    score: int | None
    choice: int | None = Field(None, alias="choice_id")
    text: str
    answered_at: datetime
    customer: int = Field(..., alias="customer_id")
    case_number: int | None
    agent: int | None = Field(None, alias="agent_id")
    team: int | None = Field(None, alias="team_id")
    queue: int | None = Field(None, alias="queue_id")
    channel: str
    category: str
    language: str

    @staticmethod
    def resolve_case_number(answer: Answer) -> int | None:
        return answer.case.number if answer.case_id else None


class AnswerPage(Schema):
    items: list[AnswerOut]
    next_cursor: str | None


class AnswerQuery(ReportQuery):
    kind: QuestionKind | None = None
    cursor: text(max_length=400) | None = None
    limit: int = Field(50, ge=1, le=MAX_PAGE)


@router.get("/surveys/answers", response=AnswerPage)
def list_answers(request: HttpRequest, query: Query[AnswerQuery]):
    """Answers of a period, newest first, a page at a time (follow `next_cursor`)."""
    ensure(request.user.has_perm("surveys.view_answer"))
    answers = query.to_filter().answers().select_related("case")
    if query.kind:
        answers = answers.filter(kind=query.kind)
    page = keyset_page(answers, NEWEST, query.limit, query.cursor)
    return {"items": page.items, "next_cursor": page.next_cursor}


class InvitationIn(Schema):
    customer_id: Id
    case_number: int | None = Field(None, ge=1, le=MAX_ID)
    send_email: bool = Field(
        True, description="False: no email; deliver the returned link on your own channel."
    )


class InvitationOut(Schema):
    id: int
    sent: bool
    not_sent_because: str
    link: str | None
    expires_at: datetime | None


@router.post("/surveys/{survey_id}/invitations", response={201: InvitationOut})
def create_invitation(
    request: HttpRequest, payload: InvitationIn, survey_id: int = Path(..., ge=1, le=MAX_ID)
):
    """Invite a customer to a survey, under the same consent and fatigue rules as the desk's
    own triggers; the link is returned once, here."""
    ensure(request.user.has_perm("surveys.add_invitation"))
    survey = get_object_or_404(Survey, pk=survey_id, is_active=True)
    customer = get_object_or_404(Customer, pk=payload.customer_id, merged_into__isnull=True)
    case = None
    if payload.case_number is not None:
        case = get_object_or_404(
            visible_cases(request.user), number=payload.case_number, customer=customer
        )
    linked = services.invite_with_link(survey, customer, case=case, by_email=payload.send_email)
    invitation = linked.invitation
    return Reply(
        201,
        {
            "id": invitation.pk,
            "sent": invitation.was_sent,
            "not_sent_because": invitation.skipped,
            "link": services.survey_link(linked.token) if linked.token else None,
            "expires_at": invitation.expires_at,
        },
    )


class FollowUpOut(Schema):
    id: int
    customer: int = Field(..., alias="customer_id")
    case_number: int | None
    reason: str
    state: RecoveryState
    owner: int | None = Field(None, alias="owner_id")
    note: str
    created_at: datetime
    due_at: datetime
    contacted_at: datetime | None
    closed_at: datetime | None

    @staticmethod
    def resolve_case_number(task) -> int | None:
        return task.case.number if task.case_id else None


class FollowUpPage(Schema):
    items: list[FollowUpOut]
    next_cursor: str | None


class FollowUpQuery(Schema):
    state: RecoveryState | None = None
    cursor: text(max_length=400) | None = None
    limit: int = Field(50, ge=1, le=MAX_PAGE)


@router.get("/surveys/follow-ups", response=FollowUpPage)
def list_follow_ups(request: HttpRequest, query: Query[FollowUpQuery]):
    """Follow-ups of unhappy answers the token's user may see, due first."""
    ensure(request.user.has_perm("surveys.view_recoverytask"))
    tasks = visible_recovery_tasks(request.user).select_related("case")
    if query.state:
        tasks = tasks.filter(state=query.state)
    page = keyset_page(tasks, DUE_FIRST, query.limit, query.cursor)
    return {"items": page.items, "next_cursor": page.next_cursor}


class OutcomeIn(Schema):
    state: RecoveryState
    note: text(max_length=2000) = ""


@router.post("/surveys/follow-ups/{task_id}", response=FollowUpOut)
def record_outcome(
    request: HttpRequest, payload: OutcomeIn, task_id: int = Path(..., ge=1, le=MAX_ID)
):
    """Record that the customer was contacted, recovered or not (409 once it is closed)."""
    ensure(request.user.has_perm("surveys.change_recoverytask"))
    task = get_object_or_404(visible_recovery_tasks(request.user), pk=task_id)
    outcome = services.Outcome(payload.state, payload.note)
    return services.record_recovery_outcome(task, outcome, actor=request.user)
