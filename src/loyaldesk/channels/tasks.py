"""Outbox jobs run by the Huey worker."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from loyaldesk.channels.imap import fetch_all_mailboxes
from loyaldesk.channels.services import attempt_delivery, due_deliveries


@db_task()
def deliver_email_task(delivery_id: int) -> str:
    """Send one queued message now."""
    return attempt_delivery(delivery_id).state


@db_periodic_task(crontab(minute="*"))
def retry_deliveries_task() -> int:
    """Send again the messages whose retry time has come."""
    due = due_deliveries()
    for delivery_id in due:
        attempt_delivery(delivery_id)
    return len(due)


@db_periodic_task(crontab(minute="*"))
def fetch_mailboxes_task() -> int:
    """Every minute: fetch the IMAP mailboxes; returns how many messages came in."""
    return sum(report.fetched for report in fetch_all_mailboxes())
