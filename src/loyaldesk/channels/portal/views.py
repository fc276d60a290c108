"""The portal's pages: thin views that validate, call a service and render.

Signed-in pages speak the customer's preferred language; anonymous pages the browser's (or
the one chosen with the language switch; the contact form also takes ?lang=).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from django.conf import settings
from django.contrib import messages
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from loyaldesk.channels.portal import conf, selectors, services, session
from loyaldesk.channels.portal.embedding import csrf_by_origin, frameable_by_contact_origins
from loyaldesk.channels.portal.forms import ContactForm, NewCaseForm, ReplyForm, SignInForm
from loyaldesk.channels.portal.limits import client_ip
from loyaldesk.channels.portal.submissions import new_submission_key
from loyaldesk.customers.models import Customer
from loyaldesk.desk.attachments import (
    MAX_ATTACHMENTS_PER_MESSAGE,
    AttachmentRefused,
    file_response,
    max_attachment_bytes,
)
from loyaldesk.desk.services import CaseIsClosed, NoDefaultQueue

MAX_TOKEN_LENGTH = 100


def _page(request: HttpRequest, template: str, status: int = 200, **context) -> HttpResponse:
    response = render(
        request,
        template,
        {
            "company_name": settings.COMPANY_NAME,
            "max_file_bytes": max_attachment_bytes(),
            "max_files": MAX_ATTACHMENTS_PER_MESSAGE,
            **context,
        },
        status=status,
    )
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


def _staff_signed_in(request: HttpRequest) -> HttpResponse:
    return _page(request, "portal/staff_signed_in.html", status=403)


def _unavailable(request: HttpRequest) -> HttpResponse:
    return _page(request, "portal/unavailable.html", status=503)


def customer_view(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Pages of a signed-in customer, in their language; others are sent to sign in."""

    @never_cache
    @wraps(view)
    def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        customer = session.signed_in_customer(request)
        if customer is None:
            if request.user.is_authenticated:
                return _staff_signed_in(request)
            return redirect("portal:sign-in")
        language = customer.preferred_language
        with translation.override(language):
            response = view(request, customer, *args, **kwargs)
        response["Content-Language"] = language
        return response

    return wrapped


# Signing in ----------------------------------------------------------------------------


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def sign_in_view(request: HttpRequest) -> HttpResponse:
    """Ask for the email address a sign-in link goes to."""
    if session.signed_in_customer(request) is not None:
        return redirect("portal:cases")
    form = SignInForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.request_sign_in_link(form.cleaned_data["email"], client_ip=client_ip(request))
        except services.RateLimited:
            return _page(request, "portal/sign_in.html", status=429, form=form, limited=True)
        return redirect("portal:link-sent")
    return _page(request, "portal/sign_in.html", status=400 if form.errors else 200, form=form)


@never_cache
def link_sent_view(request: HttpRequest) -> HttpResponse:
    """The same answer for every address, known or not."""
    return _page(request, "portal/link_sent.html", minutes=conf.link_minutes())


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def link_view(request: HttpRequest, token: str) -> HttpResponse:
    """The link from the email. Opening it asks for a click (mail scanners open links too and
    would spend it); the click signs the customer in."""
    if request.user.is_authenticated:
        return _staff_signed_in(request)
    if len(token) > MAX_TOKEN_LENGTH:
        return _page(request, "portal/link_unusable.html", status=410)
    if request.method != "POST":
        if selectors.usable_link(token, timezone.now()) is None:
            return _page(request, "portal/link_unusable.html", status=410)
        return _page(request, "portal/link_confirm.html")
    try:
        customer = services.use_sign_in_link(token)
    except services.LinkNotUsable:
        return _page(request, "portal/link_unusable.html", status=410)
    session.sign_in(request, customer)
    return redirect("portal:cases")


@require_POST
def sign_out_view(request: HttpRequest) -> HttpResponse:
    session.sign_out(request)
    messages.info(request, _("You are signed out."))
    return redirect("portal:sign-in")


# The signed-in customer's pages -------------------------------------------------------


@customer_view
def cases_view(request: HttpRequest, customer: Customer) -> HttpResponse:
    """The customer's cases."""
    cases = list(selectors.customer_cases(customer)[: selectors.CASES_SHOWN])
    rows = [(case, selectors.customer_status(case)) for case in cases]
    return _page(request, "portal/cases.html", customer=customer, rows=rows)


def _new_case_form(request: HttpRequest, customer: Customer) -> NewCaseForm:
    return NewCaseForm(
        request.POST if request.method == "POST" else None,
        request.FILES if request.method == "POST" else None,
        customer=customer,
        products=selectors.owned_products(customer),
    )


@customer_view
@require_http_methods(["GET", "HEAD", "POST"])
def new_case_view(request: HttpRequest, customer: Customer) -> HttpResponse:
    """Open a case: category, product, subject, description and files."""
    form = _new_case_form(request, customer)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            case = services.open_portal_case(
                customer,
                services.NewCase(
                    category=data["category"],
                    subject=data["subject"],
                    description=data["description"],
                    owned_product=data["owned_product"],
                ),
                files=data["files"],
                key=data["key"],
            )
        except NoDefaultQueue:
            return _unavailable(request)
        except AttachmentRefused as refused:
            form.add_error("files", str(refused))
        else:
            messages.success(request, _("Your request was received."))
            return redirect("portal:case", number=case.number)
    return _page(
        request,
        "portal/case_new.html",
        status=400 if form.errors else 200,
        customer=customer,
        form=form,
        key=new_submission_key("case"),
    )


def _case_page(
    request: HttpRequest, customer: Customer, number: int, form: ReplyForm, status: int = 200
) -> HttpResponse:
    case = selectors.customer_case(customer, number)
    if case.merged_into_id:
        return redirect("portal:case", number=case.merged_into.number)
    return _page(
        request,
        "portal/case.html",
        status=status,
        customer=customer,
        thread=selectors.public_thread(case),
        status_label=selectors.customer_status(case),
        form=form,
        key=new_submission_key("reply"),
    )


@customer_view
def case_view(request: HttpRequest, customer: Customer, number: int) -> HttpResponse:
    """One case: what the customer and the desk wrote, and a reply box."""
    return _case_page(request, customer, number, ReplyForm())


@customer_view
@require_POST
def reply_view(request: HttpRequest, customer: Customer, number: int) -> HttpResponse:
    case = selectors.customer_case(customer, number)
    form = ReplyForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.reply_on_portal(
                customer,
                case,
                form.cleaned_data["text"],
                files=form.cleaned_data["files"],
                key=form.cleaned_data["key"],
            )
        except CaseIsClosed:
            messages.error(request, _("This case is closed. Please open a new one."))
            return redirect("portal:case", number=case.number)
        except AttachmentRefused as refused:
            form.add_error("files", str(refused))
        else:
            messages.success(request, _("Your reply was sent."))
            return redirect("portal:case", number=case.number)
    return _case_page(request, customer, number, form, status=400)


@customer_view
def attachment_view(request: HttpRequest, customer: Customer, number: int, pk: int) -> FileResponse:
    """A file of one of the customer's cases, always as a download."""
    return file_response(selectors.customer_attachment(customer, number, pk))


# The public contact form -------------------------------------------------------------


def _contact_language(request: HttpRequest) -> str:
    """?lang= when it names one of the desk's languages, else the browser's."""
    asked = request.GET.get("lang", "")
    if asked in dict(settings.LANGUAGES):
        return asked
    return translation.get_language() or settings.LANGUAGE_CODE


def _contact_page(request: HttpRequest, template: str, status: int = 200, **context):
    language = _contact_language(request)
    with translation.override(language):
        response = _page(
            request,
            template,
            status=status,
            language=language,
            embedded=request.GET.get("embedded") == "1",
            key=new_submission_key("contact"),
            **context,
        )
    response["Content-Language"] = language
    return response


def _contact_refused(request: HttpRequest) -> HttpResponse:
    return _contact_page(request, "portal/contact_refused.html", status=403)


@never_cache
@frameable_by_contact_origins
@csrf_by_origin(_contact_refused)
@require_http_methods(["GET", "HEAD", "POST"])
def contact_view(request: HttpRequest) -> HttpResponse:
    """The public contact form: anyone may write in; a case opens for their address."""
    form = ContactForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            case = services.receive_contact_form(
                services.ContactRequest(
                    name=data["name"],
                    email=data["email"],
                    subject=data["subject"],
                    message=data["message"],
                    language=_contact_language(request),
                ),
                files=data["files"],
                key=data["key"],
                client_ip=client_ip(request),
                trap=data["website"],
            )
        except services.RateLimited:
            return _contact_page(
                request, "portal/contact.html", status=429, form=form, limited=True
            )
        except NoDefaultQueue:
            return _contact_page(request, "portal/unavailable.html", status=503)
        except AttachmentRefused as refused:
            form.add_error("files", str(refused))
        else:
            return _contact_page(request, "portal/contact_thanks.html", case=case)
    status = 400 if form.errors else 200
    return _contact_page(request, "portal/contact.html", status=status, form=form)


def portal_home(request: HttpRequest) -> HttpResponse:
    """/portal/: the customer's cases, or the sign-in page."""
    return redirect(reverse("portal:cases"))
