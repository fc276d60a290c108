"""The service a survey answer judges, as it stood when the customer answered: the case the
survey was about, or for a survey without a case (relationship NPS) the customer's last case
resolved in the year before; and its band in each split of the bridge to loyalty."""

from __future__ import annotations

from bisect import bisect_right
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.apps import apps as installed_apps
from django.apps.registry import Apps
from django.db import transaction
from django.db.models import Count, Q, QuerySet
from django.utils.translation import gettext_lazy as _

RESOLUTION_BANDS = (
    (timedelta(hours=4), _("within 4 hours")),
    (timedelta(days=1), _("4 to 24 hours")),
    (timedelta(days=3), _("1 to 3 days")),
    (timedelta(days=7), _("3 to 7 days")),
    (None, _("more than 7 days")),
)
CONTACT_BANDS = (
    (1, _("1 message")),
    (2, _("2 messages")),
    (3, _("3 messages")),
    (None, _("4 or more")),
)
# The answer's columns that hold its bands, in the order of Service.bands().
BAND_FIELDS = ("resolution_band", "first_contact", "reopened", "contact_band")
# How far back a survey without a case (relationship NPS) looks for the service it judges.
SERVICE_MEMORY = timedelta(days=365)
OUTBOUND, INBOUND = "outbound", "inbound"
BATCH = 5000


@dataclass(frozen=True)
class Service:
    """How one case was served, as the bridge splits it."""

    resolution_time: timedelta
    reopens: int
    replies: int
    customer_messages: int

    def bands(self) -> tuple[int, int, int, int]:
        """Its band in each split: resolution time, first contact, reopened, messages."""
        first_contact = self.reopens == 0 and self.replies <= 1 and self.customer_messages <= 1
        return (
            _band_of(self.resolution_time, RESOLUTION_BANDS),
            int(first_contact),
            int(self.reopens > 0),
            _band_of(self.customer_messages, CONTACT_BANDS),
        )


def _band_of(value, bands) -> int:
    for index, (limit, _label) in enumerate(bands):
        if limit is None or value <= limit:
            return index
    return len(bands) - 1


def _services(cases: QuerySet, message_model) -> dict[int, tuple[int, datetime, Service]]:
    """Each resolved case's customer, resolution time and service, in two queries."""
    counts = {
        case: (replies, inbound)
        for case, replies, inbound in message_model.objects.filter(case__in=cases.values("pk"))
        .order_by()
        .values_list("case")
        .annotate(
            replies=Count("pk", filter=Q(kind=OUTBOUND)),
            inbound=Count("pk", filter=Q(kind=INBOUND)),
        )
    }
    services = {}
    for pk, customer, opened, resolved, reopens in cases.filter(
        resolved_at__isnull=False
    ).values_list("pk", "customer_id", "opened_at", "resolved_at", "reopen_count"):
        replies, inbound = counts.get(pk, (0, 0))
        services[pk] = (customer, resolved, Service(resolved - opened, reopens, replies, inbound))
    return services


def judged_service(case_id: int | None, customer_id: int, at: datetime) -> Service | None:
    """The service an answer given at `at` judges, or None (an unresolved case, or no case
    resolved in the SERVICE_MEMORY before)."""
    from loyaldesk.desk.models import Case, Message

    if case_id is None:
        case_id = (
            Case.objects.filter(
                customer_id=customer_id, resolved_at__lte=at, resolved_at__gte=at - SERVICE_MEMORY
            )
            .order_by("-resolved_at")
            .values_list("pk", flat=True)
            .first()
        )
        if case_id is None:
            return None
    found = _services(Case.objects.filter(pk=case_id), Message)
    return found[case_id][2] if case_id in found else None


def band_values(service: Service | None) -> dict[str, int | None]:
    """An answer's band columns for the service it judges."""
    bands = service.bands() if service is not None else (None,) * len(BAND_FIELDS)
    return dict(zip(BAND_FIELDS, bands, strict=True))


@transaction.atomic
def fill_bands(registry: Apps = installed_apps) -> int:
    """Give the answers stored before bands were kept the bands of the service they judge, as
    it stands now; the number of answers given bands."""
    answer_model = registry.get_model("surveys", "Answer")
    case_model = registry.get_model("desk", "Case")
    message_model = registry.get_model("desk", "Message")
    served = case_model.objects.filter(resolved_at__isnull=False)
    answers = answer_model.objects.filter(resolution_band__isnull=True).filter(
        Q(case__in=served.values("pk")) | Q(customer__in=served.values("customer_id"))
    )
    rows = list(answers.values_list("pk", "case_id", "customer_id", "answered_at"))
    own = _services(served.filter(pk__in=answers.values("case_id")), message_model)
    caseless = answers.filter(case__isnull=True).values("customer_id")
    earlier = _services(served.filter(customer__in=caseless), message_model)
    by_customer: dict[int, list[tuple[datetime, Service]]] = defaultdict(list)
    for customer, resolved, service in earlier.values():
        by_customer[customer].append((resolved, service))
    for cases in by_customer.values():
        cases.sort(key=lambda case: case[0])
    changed = []
    for pk, case_id, customer, answered_at in rows:
        service = None
        if case_id is not None:
            service = own[case_id][2] if case_id in own else None
        else:
            cases = by_customer.get(customer, [])
            index = bisect_right([resolved for resolved, _ in cases], answered_at) - 1
            if index >= 0 and cases[index][0] >= answered_at - SERVICE_MEMORY:
                service = cases[index][1]
        if service is not None:
            changed.append(answer_model(pk=pk, **band_values(service)))
    answer_model.objects.bulk_update(changed, list(BAND_FIELDS), batch_size=BATCH)
    return len(changed)
