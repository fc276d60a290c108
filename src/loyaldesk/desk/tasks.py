"""Periodic desk jobs run by the Huey worker."""

from datetime import timedelta

from django.conf import settings
from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from loyaldesk.desk.attachments import forget_stale_uploads
from loyaldesk.desk.presence import forget_old_presence
from loyaldesk.desk.services import close_resolved_cases


@db_periodic_task(crontab(minute="*/15"))
def close_resolved_cases_task() -> int:
    """Close cases that stayed resolved, without a customer reply, past the configured delay."""
    return close_resolved_cases(older_than=timedelta(days=settings.AUTO_CLOSE_RESOLVED_AFTER_DAYS))


@db_periodic_task(crontab(minute="17"))
def forget_stale_uploads_task() -> int:
    """Delete uploads that no reply or note claimed within a day."""
    return forget_stale_uploads()


@db_periodic_task(crontab(minute="23", hour="3"))
def forget_old_presence_task() -> int:
    """Drop presence rows nobody refreshed for a day."""
    return forget_old_presence()
