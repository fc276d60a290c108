"""The survey pages of the desk: the manager dashboard, the answers behind each figure, and the
team leads' recovery tasks."""

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from loyaldesk.desk.permissions import ensure
from loyaldesk.surveys import reports, services
from loyaldesk.surveys.forms import AnswerListForm, RecoveryOutcomeForm, ReportFilterForm
from loyaldesk.surveys.models import QuestionKind, RecoveryState
from loyaldesk.surveys.selectors import (
    UNFINISHED,
    recovery_task_answers,
    visible_recovery_tasks,
)
from loyaldesk.surveys.statistics import known

ANSWERS_PER_PAGE = 50
TASKS_PER_PAGE = 50
reports_view = permission_required("surveys.view_survey_reports", raise_exception=True)
recovery_view = permission_required("surveys.view_recoverytask", raise_exception=True)
TREND_KINDS = (QuestionKind.NPS, QuestionKind.CSAT, QuestionKind.CES)


def _trend_data(answer_filter: reports.AnswerFilter) -> dict:
    data = {}
    for kind in TREND_KINDS:
        points = reports.trend(answer_filter, kind)
        data[kind] = {
            "labels": [point.start.date().isoformat() for point in points],
            "values": [known(point.estimate.value, 3) for point in points],
            "low": [known(point.estimate.low, 3) for point in points],
            "high": [known(point.estimate.high, 3) for point in points],
            "n": [point.estimate.n for point in points],
        }
    return data


@login_required
@reports_view
@require_GET
def dashboard_view(request: HttpRequest) -> HttpResponse:
    """NPS, CSAT, CES and the response and recovery rates, with trends, splits and verbatims."""
    form = ReportFilterForm(request.GET or None)
    answer_filter = form.answer_filter(timezone.localdate())
    trend = _trend_data(answer_filter)
    return render(
        request,
        "surveys/dashboard.html",
        {
            "form": form,
            "filter": answer_filter,
            "overview": reports.overview(answer_filter, timezone.now()),
            "trend": trend,
            "trend_rows": {kind: list(zip(*trend[kind].values(), strict=True)) for kind in trend},
            "split_by": form.split_by,
            "split": reports.breakdown(answer_filter, form.split_by),
            "bridges": reports.bridge(answer_filter),
            "verbatims": reports.verbatims(answer_filter.answers(), limit=8),
            "answers_url": reverse("surveys:answers"),
        },
    )


@login_required
@reports_view
@require_GET
def answer_list_view(request: HttpRequest) -> HttpResponse:
    """The answers behind a figure, newest first, with the comment of each response."""
    form = AnswerListForm(request.GET or None)
    answer_filter = form.answer_filter(timezone.localdate())
    data = form.cleaned_data if form.is_valid() else {}
    answers = reports.listed_answers(
        answer_filter,
        data.get("kind") or "",
        data.get("low"),
        data.get("high"),
        data.get("scored") or "",
    )
    page = Paginator(answers, ANSWERS_PER_PAGE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "surveys/answers.html",
        {
            "form": form,
            "page": page,
            "rows": reports.answer_rows(list(page)),
            "query": query.urlencode(),
            "dashboard_query": urlencode(answer_filter.query()),
        },
    )


@login_required
@recovery_view
@require_GET
def recovery_list_view(request: HttpRequest) -> HttpResponse:
    """The follow-ups of unhappy answers: what is due first, then what was done."""
    show = request.GET.get("show", "open")
    tasks = visible_recovery_tasks(request.user).select_related(
        "customer", "case", "owner", "invitation__survey"
    )
    if show == "mine":
        tasks = tasks.filter(owner=request.user, state__in=UNFINISHED)
    elif show == "done":
        tasks = tasks.exclude(state__in=UNFINISHED).order_by("-closed_at", "-id")
    else:
        show = "open"
        tasks = tasks.filter(state__in=UNFINISHED)
    page = Paginator(tasks, TASKS_PER_PAGE).get_page(request.GET.get("page"))
    answers = recovery_task_answers(list(page))
    language = translation.get_language()
    return render(
        request,
        "surveys/recovery.html",
        {
            "page": page,
            "show": show,
            "rows": [
                (task, [(a.question.prompt(language), a) for a in answers[task.invitation_id]])
                for task in page
            ],
            "outcome_form": RecoveryOutcomeForm(),
            "now": timezone.now(),
            "can_change": request.user.has_perm("surveys.change_recoverytask"),
        },
    )


@login_required
@permission_required("surveys.change_recoverytask", raise_exception=True)
@require_POST
def recovery_update_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Record that the customer was contacted, recovered or not."""
    task = get_object_or_404(visible_recovery_tasks(request.user), pk=pk)
    form = RecoveryOutcomeForm(request.POST)
    ensure(form.is_valid())
    outcome = services.Outcome(RecoveryState(form.cleaned_data["state"]), form.cleaned_data["note"])
    try:
        services.record_recovery_outcome(task, outcome, actor=request.user)
    except services.CannotRecordOutcome:
        messages.error(request, _("This follow-up is closed already."))
    else:
        messages.success(request, _("Follow-up recorded."))
    return redirect(f"{reverse('surveys:recovery')}?show={request.POST.get('show', 'open')}")
