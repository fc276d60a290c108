"""REST endpoints for customers and organisations."""

from __future__ import annotations

from datetime import datetime

from django.db.models import Q
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Field, Path, Query, Router, Schema
from ninja import Status as Answer

from loyaldesk.core.pagination import Ordering, keyset_page
from loyaldesk.core.schemas import MAX_ID, text
from loyaldesk.customers import services
from loyaldesk.customers.identities import InvalidAddress
from loyaldesk.customers.models import Customer, CustomerLanguage, Organisation, Segment
from loyaldesk.customers.selectors import current_customers, search_customers
from loyaldesk.desk.permissions import ensure

router = Router(tags=["customers"])
ObjectId = Path(..., ge=1, le=MAX_ID)
BY_ID = Ordering("id", descending=False)


class IdentityOut(Schema):
    channel: str
    address: str
    is_verified: bool


class CustomerOut(Schema):
    id: int
    first_name: str
    last_name: str
    preferred_language: CustomerLanguage
    segment: Segment
    city: str
    country: str
    consent_service_email: bool
    consent_surveys: bool
    consent_marketing: bool
    customer_since: datetime
    merged_into: int | None = Field(None, alias="merged_into_id")
    identities: list[IdentityOut]

    @staticmethod
    def resolve_identities(customer: Customer) -> list:
        return list(customer.identities.all())


class CustomerPage(Schema):
    items: list[CustomerOut]
    next_cursor: str | None


class CustomerIn(Schema):
    first_name: text(max_length=100) = ""
    last_name: text(max_length=100) = ""
    preferred_language: CustomerLanguage = CustomerLanguage.ENGLISH
    segment: Segment = Segment.CONSUMER
    city: text(max_length=100) = ""
    country: text(max_length=2) = ""
    emails: list[text(3, 254)] = Field(default_factory=list, max_length=10)
    phones: list[text(3, 40)] = Field(default_factory=list, max_length=10)


class CustomerPatch(Schema):
    first_name: text(max_length=100) | None = None
    last_name: text(max_length=100) | None = None
    preferred_language: CustomerLanguage | None = None
    segment: Segment | None = None
    city: text(max_length=100) | None = None
    country: text(max_length=2) | None = None
    consent_service_email: bool | None = None
    consent_surveys: bool | None = None
    consent_marketing: bool | None = None


class CustomerQuery(Schema):
    q: text(max_length=200) = ""
    cursor: text(max_length=400) | None = None
    limit: int = Field(50, ge=1, le=200)


class OrganisationOut(Schema):
    id: int
    name: str
    domain: str
    segment: Segment


class OrganisationIn(Schema):
    name: text(1, 200)
    domain: text(max_length=200) = ""
    segment: Segment = Segment.BUSINESS


class OrganisationPatch(Schema):
    name: text(1, 200) | None = None
    domain: text(max_length=200) | None = None
    segment: Segment | None = None


class MergeIn(Schema):
    duplicate_id: int = Field(..., ge=1, le=MAX_ID)


class ErrorOut(Schema):
    detail: str


@router.get("/customers", response=CustomerPage)
def list_customers(request: HttpRequest, query: Query[CustomerQuery]):
    """Customers, optionally matching a name or an address, a page at a time."""
    ensure(request.user.has_perm("customers.view_customer"))
    customers = search_customers(query.q) if query.q.strip() else current_customers()
    customers = customers.prefetch_related("identities")
    page = keyset_page(customers, BY_ID, query.limit, query.cursor)
    return {"items": page.items, "next_cursor": page.next_cursor}


@router.post("/customers", response={201: CustomerOut, 409: ErrorOut, 422: ErrorOut})
def create_customer(request: HttpRequest, payload: CustomerIn):
    """Create a customer with their email addresses and phone numbers."""
    ensure(request.user.has_perm("customers.add_customer"))
    details = payload.dict(exclude={"emails", "phones"})
    try:
        customer = services.create_customer(
            **details, emails=payload.emails, phones=payload.phones, actor=request.user
        )
    except services.AddressTaken as error:
        return Answer(409, {"detail": str(error)})
    except InvalidAddress as error:
        return Answer(422, {"detail": str(error)})
    return Answer(201, customer)


@router.get("/customers/{customer_id}", response=CustomerOut)
def read_customer(request: HttpRequest, customer_id: int = ObjectId):
    """One customer, with their contact points."""
    ensure(request.user.has_perm("customers.view_customer"))
    return get_object_or_404(Customer, pk=customer_id)


@router.patch("/customers/{customer_id}", response=CustomerOut)
def update_customer(request: HttpRequest, payload: CustomerPatch, customer_id: int = ObjectId):
    """Change a customer's details."""
    ensure(request.user.has_perm("customers.change_customer"))
    customer = get_object_or_404(Customer, pk=customer_id)
    changes = payload.dict(exclude_unset=True, exclude_none=True)
    return services.update_customer(customer, actor=request.user, **changes)


@router.post("/customers/{customer_id}/merge", response={200: CustomerOut, 409: ErrorOut})
def merge_customers(request: HttpRequest, payload: MergeIn, customer_id: int = ObjectId):
    """Fold a duplicate record into this customer; the duplicate is kept, marked as merged."""
    ensure(request.user.has_perm("customers.merge_customer"))
    survivor = get_object_or_404(Customer, pk=customer_id)
    duplicate = get_object_or_404(Customer, pk=payload.duplicate_id)
    try:
        return services.merge_customers(survivor, duplicate, actor=request.user)
    except services.CannotMerge as error:
        return Answer(409, {"detail": str(error)})


@router.get("/organisations", response=list[OrganisationOut], tags=["organisations"])
def list_organisations(request: HttpRequest, q: str = Query("", max_length=200)):
    """Organisations, optionally matching a name or email domain (at most 200)."""
    ensure(request.user.has_perm("customers.view_organisation"))
    organisations = Organisation.objects.all()
    if term := q.strip().replace("\x00", ""):
        organisations = organisations.filter(Q(name__icontains=term) | Q(domain__icontains=term))
    return list(organisations[:200])


@router.post("/organisations", response={201: OrganisationOut}, tags=["organisations"])
def create_organisation(request: HttpRequest, payload: OrganisationIn):
    """Create an organisation."""
    ensure(request.user.has_perm("customers.add_organisation"))
    return Answer(201, services.save_organisation(Organisation(), **payload.dict()))


@router.get("/organisations/{organisation_id}", response=OrganisationOut, tags=["organisations"])
def read_organisation(request: HttpRequest, organisation_id: int = ObjectId):
    """One organisation."""
    ensure(request.user.has_perm("customers.view_organisation"))
    return get_object_or_404(Organisation, pk=organisation_id)


@router.patch("/organisations/{organisation_id}", response=OrganisationOut, tags=["organisations"])
def update_organisation(
    request: HttpRequest, payload: OrganisationPatch, organisation_id: int = ObjectId
):
    """Change an organisation."""
    ensure(request.user.has_perm("customers.change_organisation"))
    organisation = get_object_or_404(Organisation, pk=organisation_id)
    return services.save_organisation(
        organisation, **payload.dict(exclude_unset=True, exclude_none=True)
    )
