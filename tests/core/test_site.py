"""What every page and process of the site shares: the icon, the admin's name, the logs."""

import logging

from django.urls import reverse


def test_the_icon_is_named_on_desk_pages_and_answered_at_the_usual_address(client, agent):
    client.force_login(agent)
    page = client.get(reverse("desk:case-list")).content.decode()
    assert 'rel="icon"' in page
    answer = client.get("/favicon.ico")
    assert answer.status_code == 302
    assert answer["Location"].endswith("loyaldesk/favicon.svg")


def test_the_admin_is_called_by_the_products_name(client, admin_user):
    client.force_login(admin_user)
    page = client.get(reverse("admin:index")).content.decode()
    assert "loyaldesk administration" in page
    assert "Django administration" not in page


def test_the_worker_logs_each_line_once():
    """run_huey adds a handler of its own to the 'huey' logger unless it has one; lines also
    reaching the root handler would then be printed twice."""
    huey = logging.getLogger("huey")
    assert huey.handlers
    assert huey.propagate is False
