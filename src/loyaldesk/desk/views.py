from django.contrib.auth.decorators import login_required, permission_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from loyaldesk.desk.forms import CaseFilterForm
from loyaldesk.desk.selectors import (
    case_history,
    case_list,
    case_thread,
    customer_other_cases,
    visible_cases,
    visible_queues,
)

CASES_PER_PAGE = 50


@login_required
@permission_required("desk.view_case", raise_exception=True)
def case_list_view(request: HttpRequest) -> HttpResponse:
    """The queue view: the cases the user can work, filtered."""
    form = CaseFilterForm(request.GET or None, queues=visible_queues(request.user))
    page = Paginator(case_list(request.user, form.to_filter()), CASES_PER_PAGE).get_page(
        request.GET.get("page")
    )
    partial = bool(request.headers.get("HX-Request"))
    template = "desk/_case_table.html" if partial else "desk/case_list.html"
    return render(request, template, {"form": form, "page": page})


@login_required
@permission_required("desk.view_case", raise_exception=True)
def case_detail_view(request: HttpRequest, number: int) -> HttpResponse:
    """One case: its thread, its history, and the customer's other cases."""
    case = get_object_or_404(
        visible_cases(request.user).select_related("customer", "queue", "assignee"), number=number
    )
    return render(
        request,
        "desk/case_detail.html",
        {
            "case": case,
            "thread": case_thread(case),
            "history": case_history(case),
            "other_cases": customer_other_cases(case),
        },
    )
