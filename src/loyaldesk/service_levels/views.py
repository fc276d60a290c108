"""The service-level pages of the desk: attainment reports for team leads and managers."""

from django.conf import settings
from django.contrib.auth.decorators import login_required, permission_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from loyaldesk.service_levels import reports
from loyaldesk.service_levels.first_contact import first_contact_resolution
from loyaldesk.service_levels.forms import AttainmentFilterForm


@login_required
@permission_required("service_levels.view_service_level_reports", raise_exception=True)
@require_GET
def report_view(request: HttpRequest) -> HttpResponse:
    """Attainment and first-response and resolution times per group over a period."""
    form = AttainmentFilterForm(request.GET or None, today=timezone.localdate())
    measure_filter = form.measure_filter()
    report, first_contact = None, None
    if measure_filter is not None:
        report = reports.attainment_report(measure_filter, form.group_by)
        first_contact = first_contact_resolution(
            measure_filter.since,
            measure_filter.until,
            timezone.now(),
            settings.REPEAT_CONTACT_DAYS,
            form.group_by,
            queue=measure_filter.queue,
            channel=measure_filter.channel,
        )
    return render(
        request,
        "service_levels/report.html",
        {
            "form": form,
            "filter": measure_filter,
            "report": report,
            "first_contact": first_contact,
            "repeat_days": settings.REPEAT_CONTACT_DAYS,
        },
    )
