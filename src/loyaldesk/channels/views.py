"""The channels' desk pages: putting a fax into a case."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from loyaldesk.channels.fax import add_fax_document
from loyaldesk.channels.forms import FaxForm
from loyaldesk.desk.attachments import AttachmentRefused
from loyaldesk.desk.permissions import can_work, ensure, visible_cases
from loyaldesk.desk.services import CaseIsClosed


@login_required
@permission_required("desk.view_case", raise_exception=True)
@require_POST
def add_fax_view(request: HttpRequest, number: int) -> HttpResponse:
    """Put a fax document into the case, from the case page's Fax card."""
    case = get_object_or_404(visible_cases(request.user).select_related("customer"), number=number)
    ensure(can_work(request.user, case))
    form = FaxForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(
            request, " ".join(error for errors in form.errors.values() for error in errors)
        )
    else:
        try:
            add_fax_document(
                case,
                form.cleaned_data["document"],
                agent=request.user,
                note=form.cleaned_data["note"],
                at=timezone.now(),
            )
        except (AttachmentRefused, CaseIsClosed) as refusal:
            messages.error(request, str(refusal))
        else:
            messages.success(request, _("Fax added to the case."))
    return HttpResponseRedirect(reverse("desk:case-detail", args=[case.number]), status=303)
