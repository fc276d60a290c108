"""Survey jobs run by the Huey worker."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from loyaldesk.surveys.services import invite_after_resolutions, run_due_relationship_rounds


@db_periodic_task(crontab(minute="*/5"))
def invite_after_resolutions_task() -> int:
    """Invite the customers whose cases were resolved long enough ago."""
    return invite_after_resolutions()


@db_periodic_task(crontab(minute="17"))
def relationship_rounds_task() -> int:
    """Draw the samples of scheduled surveys whose round is due."""
    return run_due_relationship_rounds()
