from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from loyaldesk.customers import services
from loyaldesk.customers.forms import CustomerForm, IdentityForm, MergeForm
from loyaldesk.customers.models import Customer, Identity
from loyaldesk.customers.selectors import customer_profile

customer_view = permission_required("customers.view_customer", raise_exception=True)
customer_change = permission_required("customers.change_customer", raise_exception=True)
customer_merge = permission_required("customers.merge_customer", raise_exception=True)


def _back_to(customer: Customer) -> HttpResponseRedirect:
    url = reverse("customers:customer-detail", args=[customer.pk])
    return HttpResponseRedirect(url, status=303)


def _render_customer(
    request: HttpRequest, customer: Customer, status: int = 200, **forms
) -> HttpResponse:
    context = {
        "profile": customer_profile(customer, request.user),
        "identity_form": forms.get("identity_form") or IdentityForm(),
        "merge_form": forms.get("merge_form") or MergeForm(survivor=customer),
    }
    return render(request, "customers/customer_detail.html", context, status=status)


def _current(pk: int) -> Customer:
    return get_object_or_404(Customer, pk=pk, merged_into__isnull=True)


@login_required
@customer_view
def customer_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    """The whole customer: contact points, organisation, products, purchases, every case."""
    customer = get_object_or_404(Customer, pk=pk)
    if customer.merged_into_id:
        messages.info(request, _("This record was merged; here is the record it was merged into."))
        return redirect("customers:customer-detail", pk=customer.merged_into_id)
    return _render_customer(request, customer)


@login_required
@customer_change
def customer_edit_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Change the customer's name, language, segment, place and consents."""
    customer = _current(pk)
    form = CustomerForm(request.POST or None, instance=Customer.objects.get(pk=pk))
    if request.method == "POST" and form.is_valid():
        changes = {name: form.cleaned_data[name] for name in form.Meta.fields}
        services.update_customer(customer, actor=request.user, **changes)
        messages.success(request, _("Customer saved."))
        return _back_to(customer)
    status = 400 if request.method == "POST" else 200
    context = {"customer": customer, "form": form}
    return render(request, "customers/customer_edit.html", context, status=status)


@require_POST
@login_required
@customer_change
def identity_add_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Add an email address, phone or fax number to the customer."""
    customer = _current(pk)
    form = IdentityForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.add_identity(customer, data["channel"], data["address"], actor=request.user)
        except services.AddressTaken:
            form.add_error("address", _("This address belongs to another customer."))
        else:
            messages.success(request, _("Contact point added."))
            return _back_to(customer)
    return _render_customer(request, customer, status=400, identity_form=form)


@require_http_methods(["GET", "POST"])
@login_required
@customer_change
def identity_remove_view(request: HttpRequest, pk: int, identity_pk: int) -> HttpResponse:
    """Remove one of the customer's contact points, once asked whether to."""
    customer = _current(pk)
    identity = get_object_or_404(Identity, pk=identity_pk, customer=customer)
    if request.method == "GET":
        context = {"customer": customer, "identity": identity}
        return render(request, "customers/identity_remove_confirm.html", context)
    services.remove_identity(identity, actor=request.user)
    messages.success(request, _("Contact point removed."))
    return _back_to(customer)


@require_POST
@login_required
@customer_merge
def customer_merge_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Fold a duplicate record into this customer after the agent confirms which one."""
    customer = _current(pk)
    form = MergeForm(request.POST, survivor=customer)
    if not form.is_valid():
        return _render_customer(request, customer, status=400, merge_form=form)
    duplicate = form.cleaned_data["duplicate"]
    if request.POST.get("confirm") != "yes":
        context = {
            "customer": customer,
            "duplicate": duplicate,
            "duplicate_cases": duplicate.cases.count(),
            "duplicate_identities": list(duplicate.identities.all()),
        }
        return render(request, "customers/customer_merge_confirm.html", context)
    try:
        services.merge_customers(customer, duplicate, actor=request.user)
    except services.CannotMerge:
        messages.error(request, _("One of these records was already merged into another."))
    else:
        messages.success(
            request, _("%(duplicate)s was merged into this record.") % {"duplicate": duplicate}
        )
    return _back_to(customer)
