"""The service-level pages of the desk: attainment reports for team leads and managers."""

from django.contrib.auth.decorators import login_required, permission_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from loyaldesk.service_levels import reports
from loyaldesk.service_levels.forms import AttainmentFilterForm


@login_required
@permission_required("service_levels.view_service_level_reports", raise_exception=True)
@require_GET
def report_view(request: HttpRequest) -> HttpResponse:
    """Attainment and first-response and resolution times per group over a period."""
    form = AttainmentFilterForm(request.GET or None, today=timezone.localdate())
    measure_filter = form.measure_filter()
    report = None
    if measure_filter is not None:
        report = reports.attainment_report(measure_filter, form.group_by)
    return render(
        request,
        "service_levels/report.html",
        {"form": form, "filter": measure_filter, "report": report},
    )
