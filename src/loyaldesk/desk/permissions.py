"""Who may see and work which case: the one place every view and API endpoint asks.

Agents work the cases of their teams' queues (and cases assigned to them); team leads the same,
and they may assign them to anyone in those teams; managers and admins work every queue.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet

from loyaldesk.accounts.models import Team, User
from loyaldesk.desk.models import Case, Queue

TEAM_IDS_CACHE = "_loyaldesk_team_ids"


def sees_every_queue(user: User) -> bool:
    """Managers and admins see and work the cases of every queue."""
    return user.has_perm("desk.view_all_queues")


def team_ids(user: User) -> frozenset[int]:
    """The teams a user belongs to or leads, looked up once per user object."""
    cached = getattr(user, TEAM_IDS_CACHE, None)
    if cached is None:
        cached = frozenset(
            Team.objects.filter(Q(members=user) | Q(lead=user)).values_list("pk", flat=True)
        )
        setattr(user, TEAM_IDS_CACHE, cached)
    return cached


def visible_queues(user: User) -> QuerySet[Queue]:
    """Active queues whose cases the user may see."""
    queues = Queue.objects.filter(is_active=True)
    if not user.has_perm("desk.view_case"):
        return queues.none()
    if sees_every_queue(user):
        return queues
    return queues.filter(team__in=team_ids(user))


def visible_cases(user: User) -> QuerySet[Case]:
    """Cases the user may see: in their teams' queues, or assigned to them."""
    if not user.has_perm("desk.view_case"):
        return Case.objects.none()
    if sees_every_queue(user):
        return Case.objects.all()
    return Case.objects.filter(Q(queue__team__in=team_ids(user)) | Q(assignee=user))


def can_see(user: User, case: Case) -> bool:
    """Whether the user may read this case."""
    if not user.has_perm("desk.view_case"):
        return False
    if sees_every_queue(user) or case.assignee_id == user.pk:
        return True
    return case.queue.team_id in team_ids(user)


def can_work(user: User, case: Case) -> bool:
    """Whether the user may reply, note, change and move this case."""
    return user.has_perm("desk.change_case") and can_see(user, case)


def leads_queue_of(user: User, case: Case) -> bool:
    """Team leads assign within their teams, managers and admins everywhere."""
    if not user.has_perm("desk.assign_case"):
        return False
    return sees_every_queue(user) or case.queue.team_id in team_ids(user)


def can_assign(user: User, case: Case, assignee: User | None) -> bool:
    """Anyone who works a case may take it or give it back; leads may give it to their team."""
    if not can_work(user, case):
        return False
    if assignee is not None and not can_work(assignee, case):
        return False
    if leads_queue_of(user, case):
        return True
    return assignee == user or (assignee is None and case.assignee_id == user.pk)


def assignable_users(user: User, case: Case) -> QuerySet[User]:
    """The people this user may give the case to."""
    if not leads_queue_of(user, case):
        return User.objects.filter(pk=user.pk)
    # Subqueries, not joins: no DISTINCT over the rows of every user, group and permission.
    everywhere = Q(is_superuser=True) | Q(
        pk__in=User.objects.filter(groups__permissions__codename="view_all_queues").values("pk")
    )
    if case.queue.team_id:
        team = case.queue.team_id
        members = User.objects.filter(Q(teams=team) | Q(led_teams=team)).values("pk")
        everywhere |= Q(pk__in=members)
    active = User.objects.filter(is_active=True)
    return active.filter(everywhere).order_by("first_name", "last_name", "username")


def ensure(allowed: bool) -> None:
    """Refuse the request unless the check passed."""
    if not allowed:
        raise PermissionDenied
