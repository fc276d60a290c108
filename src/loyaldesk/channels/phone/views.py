"""The phone pages of the desk (logging a call, the calls to return) and the telephony webhook."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from loyaldesk.channels.phone import services
from loyaldesk.channels.phone.conf import max_body_bytes, telephony_secret, tolerance_seconds
from loyaldesk.channels.phone.forms import LogCallForm
from loyaldesk.channels.phone.models import ReportState
from loyaldesk.channels.phone.selectors import calls_to_return
from loyaldesk.desk.models import Case
from loyaldesk.desk.permissions import can_work, ensure, visible_cases
from loyaldesk.desk.services import CaseIsClosed
from loyaldesk.webhooks.signing import verify

desk_view = permission_required("desk.view_case", raise_exception=True)
SIGNATURE_HEADER = "HTTP_X_LOYALDESK_SIGNATURE"


def _workable_case(request: HttpRequest, number: int) -> Case:
    """The case, if the user may see it (else 404) and work it (else 403)."""
    case = get_object_or_404(
        visible_cases(request.user).select_related("customer", "queue"), number=number
    )
    ensure(can_work(request.user, case))
    return case


@login_required
@desk_view
@require_http_methods(["GET", "POST"])
def log_call_view(request: HttpRequest, number: int) -> HttpResponse:
    """Log a call on a case: the form of the case page posts here; errors show on this page."""
    case = _workable_case(request, number)
    limits = {"region": case.customer.country, "opened_at": case.opened_at}
    if request.method == "GET":
        form = LogCallForm(**limits)
        return render(request, "phone/log_call.html", {"case": case, "form": form})
    form = LogCallForm(request.POST, **limits)
    if not form.is_valid():
        return render(request, "phone/log_call.html", {"case": case, "form": form}, status=400)
    try:
        services.log_call(
            case,
            agent=request.user,
            direction=form.cleaned_data["direction"],
            outcome=form.cleaned_data["outcome"],
            started_at=form.cleaned_data["started_at"],
            talk_seconds=form.talk_seconds,
            number=form.cleaned_data["number"],
            notes=form.cleaned_data["notes"],
        )
    except CaseIsClosed:
        messages.error(request, _("This case is closed: log the call on a new case."))
    else:
        messages.success(request, _("Call logged."))
    return HttpResponseRedirect(reverse("desk:case-detail", args=[case.number]), status=303)


@login_required
@desk_view
@require_GET
def call_backs_view(request: HttpRequest) -> HttpResponse:
    """Missed and abandoned calls nobody has returned yet, in the user's cases."""
    return render(request, "phone/call_backs.html", {"calls": calls_to_return(request.user)})


def _refusal(status: int, error: str) -> JsonResponse:
    return JsonResponse({"error": error}, status=status)


@csrf_exempt  # signed with the shared secret instead: the caller is a server, not a browser
@never_cache
@require_POST
def webhook_view(request: HttpRequest) -> JsonResponse:
    """The telephony system reports a call (docs/telephony.md)."""
    secret = telephony_secret()
    if not secret:
        return _refusal(503, "the telephony webhook is off: LOYALDESK_TELEPHONY_SECRET is not set")
    limit = max_body_bytes()
    declared = request.META.get("CONTENT_LENGTH") or "0"
    if not declared.isdigit() or int(declared) > limit:
        return _refusal(413, f"the body is larger than {limit} bytes")
    body = request.read(limit + 1)
    if len(body) > limit:
        return _refusal(413, f"the body is larger than {limit} bytes")
    header = request.META.get(SIGNATURE_HEADER, "")
    if not verify(secret, body, header, tolerance=tolerance_seconds()):
        return _refusal(401, "missing, wrong or expired signature (X-Loyaldesk-Signature)")
    report = services.apply_report(services.keep_report(body))
    if report.state == ReportState.REJECTED:
        return _refusal(400, report.reason)
    if report.state == ReportState.FAILED:
        return _refusal(500, "the report is kept but could not be applied; it may be sent again")
    call = report.call
    return JsonResponse(
        {
            "call_id": call.external_id,
            "outcome": call.outcome,
            "case": call.case.number if call.case_id else None,
            "report": report.pk,
        }
    )
