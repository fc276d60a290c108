"""Reading cases, always through what the user is allowed to see."""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import timedelta
from enum import StrEnum

from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone

from loyaldesk.accounts.models import User
from loyaldesk.core.pagination import Ordering
from loyaldesk.desk.lifecycle import ACTIVE, Status
from loyaldesk.desk.models import Case, CaseLink, Event, Macro, Mention, Message, Queue
from loyaldesk.desk.permissions import sees_every_queue, team_ids, visible_cases, visible_queues
from loyaldesk.desk.search import SearchMatches, is_small_number, search_matches
from loyaldesk.service_levels.models import Alert

RECENTLY_RESOLVED_DAYS = 7
ACTIVE_STATUSES = [str(status) for status in ACTIVE]
PENDING_STATUSES = [str(Status.PENDING_CUSTOMER), str(Status.PENDING_INTERNAL)]
SORTS = {
    "-updated_at": Ordering("updated_at"),
    "updated_at": Ordering("updated_at", descending=False),
    "-opened_at": Ordering("opened_at"),
    "opened_at": Ordering("opened_at", descending=False),
    "-number": Ordering("number"),
    "number": Ordering("number", descending=False),
    "sla_due_at": Ordering("sla_due_at", descending=False),
}
DUE_SORT = "sla_due_at"
DEFAULT_SORT = "-updated_at"
NOBODY = "none"
ME = "me"


class CaseView(StrEnum):
    """The built-in views every agent starts from."""

    MINE = "mine"
    UNASSIGNED = "unassigned"
    OPEN = "open"
    PENDING = "pending"
    RESOLVED = "resolved"
    MENTIONS = "mentions"
    ALERTS = "alerts"
    ALL = "all"


def _view_condition(view: CaseView, user: User) -> Q:
    if view is CaseView.MINE:
        return Q(assignee=user, status__in=ACTIVE_STATUSES)
    if view is CaseView.UNASSIGNED:
        unassigned = Q(assignee__isnull=True, status__in=ACTIVE_STATUSES)
        return (
            unassigned if sees_every_queue(user) else unassigned & Q(queue__team__in=team_ids(user))
        )
    if view is CaseView.MENTIONS:
        unread = Mention.objects.filter(user=user, read_at__isnull=True)
        return Q(pk__in=unread.values("message__case_id"))
    if view is CaseView.ALERTS:
        alerts = Alert.objects.filter(user=user, read_at__isnull=True)
        return Q(pk__in=alerts.values("case_id"))
    if view is CaseView.OPEN:
        return Q(status__in=ACTIVE_STATUSES)
    if view is CaseView.PENDING:
        return Q(status__in=PENDING_STATUSES)
    if view is CaseView.RESOLVED:
        since = timezone.now() - timedelta(days=RECENTLY_RESOLVED_DAYS)
        # The lifecycle clears resolved_at on reopening, so the date alone says resolved or
        # closed since. A range closed on both ends is what makes SQLite's planner pick the
        # resolved_at index over walking the whole list in updated_at order (no statistics).
        return Q(resolved_at__range=(since, timezone.now()))
    return Q()


@dataclass(frozen=True)
class CaseFilter:
    """What the case list is narrowed to, on top of its view."""

    view: CaseView = CaseView.OPEN
    status: str = ""
    priority: str = ""
    queue: int | None = None
    assignee: str = ""
    channel: str = ""
    language: str = ""
    category: str = ""
    customer: int | None = None
    service_level: str = ""
    search: str = ""
    sort: str = DEFAULT_SORT

    def as_query(self) -> dict[str, str]:
        """The filter as URL parameters, without the defaults."""
        default = CaseFilter()
        names = {"search": "q"}
        return {
            names.get(field.name, field.name): str(getattr(self, field.name))
            for field in fields(self)
            if getattr(self, field.name) != getattr(default, field.name)
        }


def _assignee_condition(assignee: str, user: User) -> Q:
    if assignee == ME:
        return Q(assignee=user)
    if assignee == NOBODY:
        return Q(assignee__isnull=True)
    return Q(assignee_id=int(assignee)) if is_small_number(assignee) else Q()


class ServiceLevelFilter(StrEnum):
    BREACHED = "breached"
    OVERDUE = "overdue"
    RUNNING = "running"
    AT_RISK = "at_risk"


def _service_level_condition(value: str) -> Q:
    if value == ServiceLevelFilter.BREACHED:
        return Q(sla_breached=True)
    if value == ServiceLevelFilter.AT_RISK:
        return Q(sla_at_risk=True)
    if value == ServiceLevelFilter.OVERDUE:
        return Q(sla_due_at__lte=timezone.now())
    if value == ServiceLevelFilter.RUNNING:
        return Q(sla_due_at__isnull=False)
    return Q()


def filtered_cases(
    user: User, case_filter: CaseFilter, search: SearchMatches | None = None
) -> QuerySet[Case]:
    """The user's visible cases in a view, narrowed by the filter; `search`, the matches of
    its search text when they were looked up already."""
    cases = visible_cases(user).filter(_view_condition(case_filter.view, user))
    exact = {
        "status": case_filter.status,
        "priority": case_filter.priority,
        "queue_id": case_filter.queue,
        "origin_channel": case_filter.channel,
        "language": case_filter.language,
        "category": case_filter.category,
        "customer_id": case_filter.customer,
    }
    cases = cases.filter(**{name: value for name, value in exact.items() if value})
    if case_filter.assignee:
        cases = cases.filter(_assignee_condition(case_filter.assignee, user))
    if case_filter.service_level:
        cases = cases.filter(_service_level_condition(case_filter.service_level))
    if case_filter.sort == DUE_SORT:
        # Only cases with a target running have a due time to sort by.
        cases = cases.filter(sla_due_at__isnull=False)
    if case_filter.search.strip():
        cases = cases.filter((search or search_matches(case_filter.search)).condition)
    return cases


def colleagues(user: User) -> QuerySet[User]:
    """The staff whose cases this user may filter by and assign to in bulk."""
    staff = User.objects.filter(is_active=True, groups__isnull=False)
    if not sees_every_queue(user):
        teams = team_ids(user)
        staff = staff.filter(Q(teams__in=teams) | Q(led_teams__in=teams) | Q(pk=user.pk))
    return staff.distinct().order_by("first_name", "last_name", "username")


def user_choices(users: QuerySet[User]) -> list[tuple[int, str]]:
    """(id, name) of these people, for selects: no model instance for each of hundreds."""
    rows = users.values_list("pk", "first_name", "last_name", "username")
    return [(pk, f"{first} {last}".strip() or username) for pk, first, last, username in rows]


def case_list(
    user: User, case_filter: CaseFilter, search: SearchMatches | None = None
) -> QuerySet[Case]:
    """The rows of the case list, with what the table shows."""
    cases = filtered_cases(user, case_filter, search)
    return cases.select_related("customer", "queue", "assignee")


def case_table(
    user: User, case_filter: CaseFilter, search: SearchMatches | None = None
) -> QuerySet[Case]:
    """The rows of the case list page, with only the columns its table shows and sorts on:
    whole rows of cases, customers and users take twice as long to load."""
    sort_fields = {ordering.field for ordering in SORTS.values()}
    return case_list(user, case_filter, search).only(
        *sort_fields,
        "sla_breached",
        "sla_at_risk",
        "subject",
        "status",
        "priority",
        "customer__first_name",
        "customer__last_name",
        "queue__name",
        "assignee__username",
        "assignee__first_name",
        "assignee__last_name",
    )


def view_counts(user: User) -> dict[CaseView, int]:
    """How many cases each built-in view holds for this user."""
    cases = visible_cases(user)
    return {
        view: cases.filter(_view_condition(view, user)).count()
        for view in CaseView
        if view is not CaseView.ALL
    }


def case_thread(case: Case) -> QuerySet[Message]:
    """A case's messages in order, with their authors, delivery, attachment_list and
    mention_list (lists: a related manager per message would cost more than the query)."""
    return case.messages.select_related(
        "author_user", "author_customer", "delivery", "call"
    ).prefetch_related(
        Prefetch("attachments", to_attr="attachment_list"),
        Prefetch("mentions", Mention.objects.select_related("user"), to_attr="mention_list"),
    )


def case_history(case: Case) -> QuerySet[Event]:
    """A case's events in order, with those of the duplicates merged into it."""
    cases = Case.objects.filter(Q(pk=case.pk) | Q(merged_into=case)).values("pk")
    return Event.objects.filter(case__in=cases).select_related("actor", "case").order_by("at", "id")


def recent_case_history(case: Case, shown: int) -> tuple[list[Event], int]:
    """The last `shown` events of a case's history, oldest first, and how many there are."""
    recent = list(case_history(case).reverse()[:shown])[::-1]
    return recent, case_history(case).count()


def linked_cases(case: Case) -> QuerySet[Case]:
    """The cases marked as related to this one, and those merged into it."""
    # The linked ids first: with a join or a subquery in the OR, SQLite and PostgreSQL read
    # every case (0.4 to 0.9 s on a million); with a list each side uses its own index.
    links = list(CaseLink.objects.filter(from_case=case).values_list("to_case_id", flat=True))
    return Case.objects.filter(Q(pk__in=links) | Q(merged_into=case)).order_by("-opened_at")


def repeat_contacts_of(case: Case, user: User) -> dict:
    """The earlier case this one repeats and the later ones repeating it, those the user sees."""
    visible = visible_cases(user).only("number")
    return {
        "repeat_of": visible.filter(pk=case.repeat_of_id).first() if case.repeat_of_id else None,
        "repeat_contacts": list(visible.filter(repeat_of=case).order_by("opened_at")),
    }


def customer_other_cases(case: Case, user: User, limit: int = 10) -> QuerySet[Case]:
    """The customer's other cases this user may open, newest first: the history an agent
    reads beside the thread (the customer page lists them all)."""
    others = visible_cases(user).filter(customer_id=case.customer_id).exclude(pk=case.pk)
    return others.order_by("-opened_at")[:limit]


def macros_for_case(case: Case) -> QuerySet[Macro]:
    """The macros an agent who works this case may use on it."""
    return Macro.objects.usable_on(case.queue)


def usable_macros(user: User, queue: Queue | None = None) -> QuerySet[Macro]:
    """Active macros the user may use: on `queue`, or on any queue whose cases they work."""
    if not user.has_perm("desk.change_case"):
        return Macro.objects.none()
    if queue is not None:
        return Macro.objects.usable_on(queue).prefetch_related("texts")
    queues = visible_queues(user)
    where = Q(queue__isnull=True, team__isnull=True) | Q(queue__in=queues)
    where |= Q(team__in=queues.exclude(team__isnull=True).values("team"))
    return Macro.objects.offered().filter(where).prefetch_related("texts")
