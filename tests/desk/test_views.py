import pytest
from django.urls import reverse

from loyaldesk.accounts.models import Team
from loyaldesk.desk.models import Queue
from loyaldesk.desk.services import open_case


@pytest.fixture
def repairs_case(customer):
    repairs = Queue.objects.create(name="Repairs", slug="repairs")
    return open_case(
        customer=customer, subject="Riparazione", text="...", channel="phone", queue=repairs
    )


def test_pages_need_login(client, case):
    for url in (reverse("desk:case-list"), reverse("desk:case-detail", args=[case.number])):
        response = client.get(url)
        assert response.status_code == 302
        assert response.url.startswith(reverse("login"))


def test_home_leads_to_case_list_after_login(client, lead, case):
    response = client.post(
        reverse("login"), {"username": "lead1", "password": "a-long-pass-phrase"}, follow=True
    )
    assert response.redirect_chain[-1][0] == reverse("desk:case-list")
    assert case.subject in response.content.decode()


def test_agent_sees_only_their_teams_queues(client, agent, case, repairs_case):
    team = Team.objects.create(name="Front line")
    team.members.add(agent)
    case.queue.team = team
    case.queue.save()
    client.force_login(agent)
    page = client.get(reverse("desk:case-list")).content.decode()
    assert case.subject in page
    assert repairs_case.subject not in page
    assert client.get(reverse("desk:case-detail", args=[repairs_case.number])).status_code == 404
    assert client.get(reverse("desk:case-detail", args=[case.number])).status_code == 200


def test_lead_sees_every_queue(client, lead, case, repairs_case):
    client.force_login(lead)
    page = client.get(reverse("desk:case-list")).content.decode()
    assert case.subject in page
    assert repairs_case.subject in page


def test_user_without_role_is_refused(client, django_user_model, case):
    nobody = django_user_model.objects.create_user("nobody", password="a-long-pass-phrase")
    client.force_login(nobody)
    assert client.get(reverse("desk:case-list")).status_code == 403


def test_filters_and_htmx_partial(client, lead, case, repairs_case):
    client.force_login(lead)
    url = reverse("desk:case-list")
    partial = client.get(url, {"q": "Riparazione"}, headers={"HX-Request": "true"})
    body = partial.content.decode()
    assert "<html" not in body
    assert repairs_case.subject in body
    assert case.subject not in body
    by_number = client.get(url, {"q": f"#{case.number}"}).content.decode()
    assert case.subject in by_number
    assert repairs_case.subject not in by_number
    closed_only = client.get(url, {"status": "closed"}).content.decode()
    assert case.subject not in closed_only


def test_case_detail_shows_thread_and_history(client, lead, case):
    client.force_login(lead)
    page = client.get(reverse("desk:case-detail", args=[case.number])).content.decode()
    assert "Il mio aspirapolvere non si accende più." in page
    assert "case.opened" in page


def test_pages_speak_the_chosen_language(client, lead, case):
    client.force_login(lead)
    client.post(reverse("set_language"), {"language": "fr", "next": "/cases/"})
    page = client.get(reverse("desk:case-list")).content.decode()
    assert 'lang="fr"' in page
    assert "Dossiers" in page
    client.post(reverse("set_language"), {"language": "it", "next": "/cases/"})
    assert "Pratiche" in client.get(reverse("desk:case-list")).content.decode()
