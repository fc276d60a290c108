"""Periodic service-level jobs."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from loyaldesk.service_levels.services import record_due_breaches


@db_periodic_task(crontab(minute="*"))
def record_breaches() -> int:
    """Every minute: record the breaches of targets that came due."""
    return record_due_breaches()
