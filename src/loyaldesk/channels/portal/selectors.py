"""What a signed-in customer may read: their own cases, and of each only what was said
between them and the desk (never internal notes)."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Prefetch, QuerySet
from django.http import Http404
from django.utils.translation import gettext_lazy as _

from loyaldesk.channels.portal.models import SignInLink
from loyaldesk.channels.portal.tokens import token_hash
from loyaldesk.customers.models import Customer, OwnedProduct
from loyaldesk.desk.lifecycle import Status
from loyaldesk.desk.models import Attachment, Case, Message, MessageKind

CUSTOMER_KINDS = (MessageKind.INBOUND, MessageKind.OUTBOUND)
CASES_SHOWN = 100

# The desk's statuses in the customer's words: "pending internal" is the desk's business.
STATUS_FOR_CUSTOMER = {
    Status.NEW: _("Received"),
    Status.OPEN: _("In progress"),
    Status.PENDING_INTERNAL: _("In progress"),
    Status.PENDING_CUSTOMER: _("Waiting for your reply"),
    Status.RESOLVED: _("Resolved"),
    Status.CLOSED: _("Closed"),
}


def customer_status(case: Case) -> str:
    """The case's status as the customer reads it."""
    return str(STATUS_FOR_CUSTOMER[Status(case.status)])


def current_record(customer: Customer) -> Customer:
    """The record a customer lives on now: a merged duplicate leads to the one it joined."""
    while customer.merged_into_id:
        customer = customer.merged_into
    return customer


def record_ids(customer: Customer) -> list[int]:
    """The customer's record and the duplicates merged into it (their cases moved, but a case
    opened on a duplicate meanwhile still belongs to the same person)."""
    return [customer.pk, *customer.merged_records.values_list("pk", flat=True)]


def customer_cases(customer: Customer) -> QuerySet[Case]:
    """The customer's cases, newest activity first; merged duplicates live in their target."""
    return Case.objects.filter(
        customer_id__in=record_ids(customer), merged_into__isnull=True
    ).order_by("-updated_at", "-pk")


def customer_case(customer: Customer, number: int) -> Case:
    """One of the customer's cases by number; another customer's case does not exist (404)."""
    case = Case.objects.filter(number=number, customer_id__in=record_ids(customer)).first()
    if case is None:
        raise Http404
    return case


@dataclass(frozen=True)
class Thread:
    case: Case
    messages: list[Message]


def public_thread(case: Case) -> Thread:
    """The messages to and from the customer with their files; internal notes left out."""
    files = Attachment.objects.order_by("pk")
    messages = (
        case.messages.filter(kind__in=CUSTOMER_KINDS)
        .select_related("author_customer")
        .prefetch_related(Prefetch("attachments", queryset=files))
        .order_by("created_at", "pk")
    )
    return Thread(case=case, messages=list(messages))


def customer_attachment(customer: Customer, number: int, pk: int) -> Attachment:
    """A file of a message the customer can read on one of their cases, else 404; a blocked
    file (of a type not allowed) is nobody's to download."""
    case = customer_case(customer, number)
    attachment = Attachment.objects.filter(
        pk=pk, message__case=case, message__kind__in=CUSTOMER_KINDS, blocked=""
    ).first()
    if attachment is None:
        raise Http404
    return attachment


def owned_products(customer: Customer) -> QuerySet[OwnedProduct]:
    """The units the customer owns, newest purchase first, for the new-case form."""
    return (
        OwnedProduct.objects.filter(customer_id__in=record_ids(customer))
        .select_related("product")
        .order_by("-purchased_on", "-pk")
    )


def usable_link(token: str, now) -> SignInLink | None:
    """The sign-in link a token opens, when it is unused and not expired."""
    link = SignInLink.objects.filter(token_hash=token_hash(token)).first()
    return link if link is not None and link.is_usable(now) else None
