"""Portal jobs run by the Huey worker."""

from datetime import datetime

from huey.contrib.djhuey import db_task

from loyaldesk.channels.portal.services import send_sign_in_link


@db_task()
def send_sign_in_link_task(address: str, asked_at: str) -> None:
    """Look the address up and email its customer a sign-in link (nothing for an unknown
    address): done here rather than in the request, so a known address takes no longer to
    answer than an unknown one."""
    send_sign_in_link(address, at=datetime.fromisoformat(asked_at))
