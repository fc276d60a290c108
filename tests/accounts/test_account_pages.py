from django.test import Client
from django.urls import reverse

from tests.conftest import PASSWORD

NEW_PASSWORD = "another-long-pass-phrase-42"


def test_agent_changes_their_password(client, agent):
    client.force_login(agent)
    url = reverse("password_change")
    assert client.get(url).status_code == 200
    wrong = client.post(
        url,
        {"old_password": "not-it", "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert wrong.status_code == 200
    assert "incorrectly" in wrong.content.decode()
    done = client.post(
        url,
        {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert done.status_code == 302
    agent.refresh_from_db()
    assert agent.check_password(NEW_PASSWORD)


def test_password_change_needs_login_and_csrf(client, agent):
    url = reverse("password_change")
    assert client.get(url).status_code == 302
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(agent)
    data = {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}
    assert strict.post(url, data).status_code == 403


def test_navigation_follows_the_role(client, agent, manager):
    client.force_login(agent)
    page = client.get(reverse("password_change")).content.decode()
    assert reverse("desk:case-list") in page
    assert reverse("admin:index") not in page
    client.force_login(manager)
    page = client.get(reverse("password_change")).content.decode()
    assert reverse("admin:index") in page
