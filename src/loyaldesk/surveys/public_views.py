"""The pages a customer reaches from a survey email: no login, the link's token is the key."""

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from loyaldesk.surveys import services
from loyaldesk.surveys.answering import question_fields
from loyaldesk.surveys.models import Invitation


def _invitation(token: str) -> Invitation:
    invitation = services.find_invitation(token)
    if invitation is None:
        raise Http404
    return invitation


def _page(
    request: HttpRequest, invitation: Invitation, template: str, status: int = 200, **context
) -> HttpResponse:
    with translation.override(invitation.language):
        response = render(
            request,
            template,
            {
                "invitation": invitation,
                "language": invitation.language,
                "company_name": settings.COMPANY_NAME,
                **context,
            },
            status=status,
        )
    response["Content-Language"] = invitation.language
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


def _closed(request: HttpRequest, invitation: Invitation) -> HttpResponse:
    template = (
        "surveys/answer_done.html" if invitation.completed_at else "surveys/answer_expired.html"
    )
    return _page(request, invitation, template, status=410 if not invitation.completed_at else 200)


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def rate_view(request: HttpRequest, token: str, score: int) -> HttpResponse:
    """The one-click rating from the email.

    GET shows the survey with the clicked score chosen, and the page's script records it at
    once with a POST: mail scanners that open every link of an email do not run scripts, so
    they cast no vote. Without a script, the score is recorded when the page is sent.
    """
    invitation = _invitation(token)
    if not invitation.is_open(timezone.now()):
        return _closed(request, invitation)
    question = services.headline_question(invitation.survey)
    if question is None or score not in question.scale.scores:
        return redirect("surveys-public:answer", token=token)
    if request.method == "POST":
        try:
            services.record_rating(invitation, score)
        except services.InvitationClosed:
            return HttpResponse(status=410)
        return HttpResponse(status=204)
    with translation.override(invitation.language):
        fields = question_fields(invitation, chosen={question.pk: str(score)})
    return _page(
        request,
        invitation,
        "surveys/answer.html",
        fields=fields,
        answer_url=reverse("surveys-public:answer", kwargs={"token": token}),
        record_url=request.path,
    )


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def answer_view(request: HttpRequest, token: str) -> HttpResponse:
    """The survey: every question, the clicked rating already chosen; sent once."""
    invitation = _invitation(token)
    if not invitation.is_open(timezone.now()):
        return _closed(request, invitation)
    data, errors = None, None
    if request.method == "POST":
        try:
            services.submit_answers(invitation, request.POST)
        except services.InvitationClosed:
            return _closed(request, Invitation.objects.get(pk=invitation.pk))
        except services.InvalidAnswer as invalid:
            data, errors = request.POST.dict(), invalid.errors
        else:
            return _page(request, invitation, "surveys/answer_thanks.html")
    with translation.override(invitation.language):
        fields = question_fields(invitation, data, errors)
    return _page(
        request,
        invitation,
        "surveys/answer.html",
        fields=fields,
        answer_url=request.path,
        has_errors=bool(errors),
        status=400 if errors else 200,
    )
