"""Webhook jobs run by the Huey worker."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from loyaldesk.webhooks.services import attempt_delivery, due_deliveries


@db_task()
def deliver_webhook_task(delivery_id: int) -> str:
    """Send one queued webhook delivery now."""
    return attempt_delivery(delivery_id).state


@db_periodic_task(crontab(minute="*"))
def retry_webhooks_task() -> int:
    """Send again the webhook deliveries whose retry time has come."""
    due = due_deliveries()
    for delivery_id in due:
        attempt_delivery(delivery_id)
    return len(due)
