"""Periodic service-level jobs."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from loyaldesk.service_levels.escalation import forecast_breaches, run_escalations
from loyaldesk.service_levels.services import record_due_breaches


@db_periodic_task(crontab(minute="*"))
def watch_service_levels() -> dict[str, int]:
    """Every minute: record breaches that came due, then escalate, then forecast."""
    return {
        "breaches": record_due_breaches(),
        "escalations": run_escalations(),
        "at_risk": forecast_breaches(),
    }
