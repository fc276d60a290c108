"""Reading cases, always through what the user is allowed to see."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q, QuerySet

from loyaldesk.accounts.models import User
from loyaldesk.desk.lifecycle import ACTIVE
from loyaldesk.desk.models import Case, Event, Message, Queue

ACTIVE_STATUSES = "active"


def visible_queues(user: User) -> QuerySet[Queue]:
    """Queues whose cases the user may see: all for leads and up, their teams' otherwise."""
    queues = Queue.objects.filter(is_active=True)
    if user.has_perm("desk.view_all_queues"):
        return queues
    return queues.filter(team__members=user).distinct()


def visible_cases(user: User) -> QuerySet[Case]:
    """Cases the user may see: in their visible queues, or assigned to them."""
    if not user.has_perm("desk.view_case"):
        return Case.objects.none()
    if user.has_perm("desk.view_all_queues"):
        return Case.objects.all()
    return Case.objects.filter(Q(queue__in=visible_queues(user).values("pk")) | Q(assignee=user))


@dataclass(frozen=True)
class CaseFilter:
    """What the case list is narrowed to."""

    status: str = ACTIVE_STATUSES
    queue: int | None = None
    mine: bool = False
    search: str = ""


def case_list(user: User, case_filter: CaseFilter) -> QuerySet[Case]:
    """The user's visible cases, filtered, most recently active first."""
    cases = visible_cases(user).select_related("customer", "queue", "assignee")
    if case_filter.status == ACTIVE_STATUSES:
        cases = cases.filter(status__in=[str(status) for status in ACTIVE])
    elif case_filter.status:
        cases = cases.filter(status=case_filter.status)
    if case_filter.queue:
        cases = cases.filter(queue_id=case_filter.queue)
    if case_filter.mine:
        cases = cases.filter(assignee=user)
    term = case_filter.search.strip().lstrip("#")
    if term.isdigit():
        cases = cases.filter(number=int(term))
    elif term:
        cases = cases.filter(
            Q(subject__icontains=term)
            | Q(customer__last_name__icontains=term)
            | Q(customer__identities__address__icontains=term)
        ).distinct()
    return cases.order_by("-updated_at", "-id")


def case_thread(case: Case) -> QuerySet[Message]:
    """A case's messages in order, with their authors and attachments."""
    return case.messages.select_related("author_user", "author_customer").prefetch_related(
        "attachments"
    )


def case_history(case: Case) -> QuerySet[Event]:
    """A case's events in order."""
    return case.events.select_related("actor").order_by("at", "id")


def customer_other_cases(case: Case, limit: int = 10) -> QuerySet[Case]:
    """The customer's other cases, newest first: the history an agent reads beside the thread."""
    return case.customer.cases.exclude(pk=case.pk).order_by("-opened_at")[:limit]
