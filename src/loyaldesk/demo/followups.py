"""The demo's follow-ups waiting today: unhappy ratings just in for the lead's own team.

The history's recovery tasks are worked and closed as time goes by; the few still open at its
end belong to any team, often none to the lead's. So that whoever signs in as `lead` finds
customers to call back, a few customers of the lead's team who were invited recently and have
not answered yet rate their case badly in the last hours, through the surveys' own services,
as the demo's fresh cases come in through the desk's.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from random import Random

from django.db import transaction

from loyaldesk.accounts.models import User
from loyaldesk.surveys.models import Invitation, RecoveryState, RecoveryTask
from loyaldesk.surveys.services import record_rating

LEAD_FOLLOW_UPS = 3
WITHIN_HOURS = 30
UNHAPPY_RATINGS = (1, 2)


@transaction.atomic
def add_lead_follow_ups(seed: int, now: datetime) -> int:
    """Have unhappy ratings open tasks for `lead` until a few are waiting; how many it added."""
    rng = Random(seed + 19)
    lead = User.objects.get(username="lead")
    waiting = RecoveryTask.objects.filter(owner=lead, state=RecoveryState.OPEN).count()
    wanted = max(0, LEAD_FOLLOW_UPS - waiting)
    # The customers who were served worst answer first.
    ranked = sorted(_unanswered(lead, now), key=_served_worst_first)
    for invitation in ranked[:wanted]:
        since = max(invitation.created_at, now - timedelta(hours=WITHIN_HOURS))
        at = since + (now - timedelta(minutes=10) - since) * rng.random()
        at = at.replace(microsecond=0)
        record_rating(invitation, rng.choice(UNHAPPY_RATINGS), now=at)
    return min(wanted, len(ranked))


def _unanswered(lead: User, now: datetime) -> list[Invitation]:
    """Sent invitations about the lead's team's cases whose links still wait for an answer."""
    return list(
        Invitation.objects.filter(
            team__lead=lead,
            case__isnull=False,
            skipped="",
            opened_at__isnull=True,
            created_at__lt=now - timedelta(hours=1),
            expires_at__gt=now,
        ).select_related("case")
    )


def _served_worst_first(invitation: Invitation) -> tuple:
    case = invitation.case
    waited = (case.first_response_at or case.opened_at) - case.opened_at
    return (-case.reopen_count, -waited, invitation.pk)
