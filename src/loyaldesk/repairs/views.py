"""The repair pages of the desk: the list, a repair, receiving a unit, and each action on it."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from loyaldesk.desk.permissions import ensure, visible_cases
from loyaldesk.repairs import services
from loyaldesk.repairs.forms import (
    AcknowledgementForm,
    EstimateAnswerForm,
    EstimateForm,
    LoanerForm,
    OpenRepairForm,
    RepairFilterForm,
    StageForm,
)
from loyaldesk.repairs.models import RepairOrder
from loyaldesk.repairs.selectors import (
    can_open_repair,
    can_work_repair,
    next_stages,
    repair_list,
    repair_turnaround,
    repairable_units,
    stage_entries,
    unit_repairs,
    visible_repairs,
)

REPAIRS_PER_PAGE = 50
repairs_view = permission_required("repairs.view_repairorder", raise_exception=True)
repairs_work = permission_required("repairs.change_repairorder", raise_exception=True)


@login_required
@repairs_view
@require_GET
def repair_list_view(request: HttpRequest) -> HttpResponse:
    """The repairs of the user's cases: open ones first, by stage, over target, repeats."""
    sees_repeats = request.user.has_perm("repairs.view_repeat_repairs")
    form = RepairFilterForm(request.GET or {"show": "open"}, sees_repeats=sees_repeats)
    now = timezone.now()
    chosen = form.to_filter()
    repairs = repair_list(request.user, chosen, now)
    page = Paginator(repairs, REPAIRS_PER_PAGE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "repairs/repair_list.html",
        {"form": form, "chosen": chosen, "page": page, "query": query.urlencode(), "now": now},
    )


def _visible_repair(request: HttpRequest, number: int) -> RepairOrder:
    return get_object_or_404(
        visible_repairs(request.user).select_related(
            "case__customer", "case__queue", "owned_product__product", "repeat_of"
        ),
        number=number,
    )


def _workable_repair(request: HttpRequest, number: int) -> RepairOrder:
    repair = _visible_repair(request, number)
    ensure(can_work_repair(request.user, repair))
    return repair


def _render_repair(
    request: HttpRequest, repair: RepairOrder, status: int = 200, **forms
) -> HttpResponse:
    now = timezone.now()
    entries = stage_entries(repair)
    context = {
        "repair": repair,
        "case": repair.case,
        "unit": repair.owned_product,
        "warranty": repair.owned_product.warranty(timezone.localdate(now)),
        "entries": entries,
        "turnaround": repair_turnaround(repair, entries, now),
        "next_stages": next_stages(repair) if repair.is_open else [],
        "unit_repairs": unit_repairs(repair),
        "can_work": can_work_repair(request.user, repair),
        "now": now,
        "acknowledgement_form": AcknowledgementForm(),
        "estimate_form": EstimateForm(),
        "estimate_answer_form": EstimateAnswerForm(),
        "loaner_form": LoanerForm(),
        **forms,
    }
    return render(request, "repairs/repair_detail.html", context, status=status)


def _back_to(repair: RepairOrder) -> HttpResponseRedirect:
    return HttpResponseRedirect(reverse("repairs:detail", args=[repair.number]), status=303)


@login_required
@repairs_view
@require_GET
def repair_detail_view(request: HttpRequest, number: int) -> HttpResponse:
    """One repair: its stages and their times, warranty, estimate, data loss and loaner."""
    return _render_repair(request, _visible_repair(request, number))


@require_http_methods(["GET", "POST"])
@login_required
@permission_required("repairs.add_repairorder", raise_exception=True)
def repair_open_view(request: HttpRequest, number: int) -> HttpResponse:
    """Receive one of the case customer's units for repair: the form, then the repair."""
    case = get_object_or_404(visible_cases(request.user).select_related("customer"), number=number)
    ensure(can_open_repair(request.user, case))
    form = OpenRepairForm(request.POST or None, units=repairable_units(case))
    if request.method == "POST" and form.is_valid():
        try:
            repair = services.open_repair(
                case,
                form.cleaned_data["unit"],
                fault=form.cleaned_data["fault"],
                may_erase_data=form.cleaned_data["may_erase_data"],
                actor=request.user,
            )
        except services.RepairError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("Repair %(reference)s opened.") % {"reference": repair})
            return _back_to(repair)
    status = 400 if form.errors else 200
    return render(request, "repairs/repair_open.html", {"case": case, "form": form}, status=status)


def _done(request: HttpRequest, repair: RepairOrder, action, success: str) -> HttpResponse:
    """Run a service on the repair; its refusal is shown on the repair page."""
    try:
        action()
    except services.RepairError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, success)
    return _back_to(repair)


@require_POST
@login_required
@repairs_work
def repair_stage_view(request: HttpRequest, number: int) -> HttpResponse:
    """Move the repair to one of its next stages."""
    repair = _workable_repair(request, number)
    form = StageForm(request.POST)
    if not form.is_valid():
        return _render_repair(request, repair, status=400)
    stage = form.cleaned_data["stage"]
    return _done(
        request,
        repair,
        lambda: services.move_to_stage(repair, stage, actor=request.user),
        _("Stage changed; the customer is told."),
    )


@require_POST
@login_required
@repairs_work
def repair_warn_view(request: HttpRequest, number: int) -> HttpResponse:
    """Warn the customer that the repair may erase their data."""
    repair = _workable_repair(request, number)
    return _done(
        request,
        repair,
        lambda: services.warn_of_data_loss(repair, actor=request.user),
        _("Data-loss warning sent to the customer."),
    )


@require_POST
@login_required
@repairs_work
def repair_acknowledge_view(request: HttpRequest, number: int) -> HttpResponse:
    """Record the customer's acknowledgement of the data-loss warning."""
    repair = _workable_repair(request, number)
    form = AcknowledgementForm(request.POST)
    if not form.is_valid():
        return _render_repair(request, repair, status=400, acknowledgement_form=form)
    return _done(
        request,
        repair,
        lambda: services.acknowledge_data_loss(
            repair, via=form.cleaned_data["via"], actor=request.user
        ),
        _("Acknowledgement recorded."),
    )


@require_POST
@login_required
@repairs_work
def repair_estimate_view(request: HttpRequest, number: int) -> HttpResponse:
    """Send the customer an estimate of the repair's cost."""
    repair = _workable_repair(request, number)
    form = EstimateForm(request.POST)
    if not form.is_valid():
        return _render_repair(request, repair, status=400, estimate_form=form)
    return _done(
        request,
        repair,
        lambda: services.send_estimate(
            repair,
            amount=form.cleaned_data["amount"],
            currency=form.cleaned_data["currency"],
            actor=request.user,
        ),
        _("Estimate sent to the customer."),
    )


@require_POST
@login_required
@repairs_work
def repair_estimate_answer_view(request: HttpRequest, number: int) -> HttpResponse:
    """Record the customer's approval or refusal of the estimate."""
    repair = _workable_repair(request, number)
    form = EstimateAnswerForm(request.POST)
    if not form.is_valid():
        return _render_repair(request, repair, status=400, estimate_answer_form=form)
    return _done(
        request,
        repair,
        lambda: services.answer_estimate(
            repair,
            approved=form.cleaned_data["answer"] == "approved",
            via=form.cleaned_data["via"],
            actor=request.user,
        ),
        _("The customer's answer is recorded."),
    )


@require_POST
@login_required
@repairs_work
def repair_loaner_view(request: HttpRequest, number: int) -> HttpResponse:
    """Lend the customer a loaner, or record that they gave it back."""
    repair = _workable_repair(request, number)
    if "returned" in request.POST:
        return _done(
            request,
            repair,
            lambda: services.return_loaner(repair, actor=request.user),
            _("Loaner returned."),
        )
    form = LoanerForm(request.POST)
    if not form.is_valid():
        return _render_repair(request, repair, status=400, loaner_form=form)
    return _done(
        request,
        repair,
        lambda: services.lend_loaner(
            repair, loaner=form.cleaned_data["loaner"], actor=request.user
        ),
        _("Loaner lent."),
    )
