import pytest
from django.urls import reverse

from loyaldesk.desk.models import Case, SavedView
from loyaldesk.desk.services import assign_case, change_status, open_case
from tests.conftest import PASSWORD


def test_pages_need_login(client, case):
    for url in (reverse("desk:case-list"), reverse("desk:case-detail", args=[case.number])):
        response = client.get(url)
        assert response.status_code == 302
        assert response.url.startswith(reverse("login"))


def test_home_leads_to_case_list_after_login(client, lead, front_team, case):
    response = client.post(
        reverse("login"), {"username": "lead1", "password": PASSWORD}, follow=True
    )
    assert response.redirect_chain[-1][0] == reverse("desk:case-list")
    assert case.subject in response.content.decode()


def test_user_without_role_is_refused(client, django_user_model, case):
    nobody = django_user_model.objects.create_user("nobody", password=PASSWORD)
    client.force_login(nobody)
    assert client.get(reverse("desk:case-list")).status_code == 403


def test_filters_and_htmx_partial(client, manager, case, repairs_case):
    client.force_login(manager)
    url = reverse("desk:case-list")
    partial = client.get(url, {"q": "Riparazione"}, headers={"HX-Request": "true"})
    body = partial.content.decode()
    assert "<html" not in body
    assert repairs_case.subject in body
    assert case.subject not in body
    by_number = client.get(url, {"q": f"#{case.number}"}).content.decode()
    assert case.subject in by_number
    assert repairs_case.subject not in by_number
    by_queue = client.get(url, {"queue": repairs_case.queue_id}).content.decode()
    assert repairs_case.subject in by_queue
    assert case.subject not in by_queue
    by_channel = client.get(url, {"channel": "email"}).content.decode()
    assert case.subject in by_channel
    assert repairs_case.subject not in by_channel


def test_views_select_and_count(client, agent, front_team, case, customer):
    other = open_case(customer=customer, subject="Second question", text="?", channel="email")
    assign_case(other, agent, actor=agent)
    client.force_login(agent)
    url = reverse("desk:case-list")
    mine = client.get(url, {"view": "mine"})
    assert mine.context["counts"]["mine"] == 1
    assert mine.context["counts"]["unassigned"] == 1
    assert [c.pk for c in mine.context["page"]] == [other.pk]
    nav = mine.content.decode()
    assert "My open cases" in nav
    assert "Unassigned in my teams" in nav
    unassigned = client.get(url, {"view": "unassigned"})
    assert [c.pk for c in unassigned.context["page"]] == [case.pk]
    change_status(other, "resolved", actor=agent)
    resolved = client.get(url, {"view": "resolved"})
    assert [c.pk for c in resolved.context["page"]] == [other.pk]
    assert resolved.context["counts"]["open"] == 1


def test_pagination_walks_every_case_once_both_ways(client, manager, customer, queue, monkeypatch):
    from loyaldesk.desk import views

    monkeypatch.setattr(views, "CASES_PER_PAGE", 3)
    cases = [
        open_case(customer=customer, subject=f"Case {n}", text="x", channel="email")
        for n in range(7)
    ]
    client.force_login(manager)
    url = reverse("desk:case-list")
    seen, cursor, pages = [], None, []
    while True:
        params = {"sort": "number"} | ({"cursor": cursor} if cursor else {})
        page = client.get(url, params, headers={"HX-Request": "true"}).context["page"]
        pages.append(page)
        seen += [c.number for c in page]
        if not page.next_cursor:
            break
        cursor = page.next_cursor
    assert [len(page) for page in pages] == [3, 3, 1]
    assert seen == sorted(c.number for c in cases)
    assert pages[0].previous_cursor is None
    back = client.get(url, {"sort": "number", "cursor": pages[-1].previous_cursor}).context["page"]
    assert [c.number for c in back] == [c.number for c in pages[-2]]
    assert back.previous_cursor is not None


def test_a_forged_cursor_goes_back_to_the_first_page(client, manager, case):
    client.force_login(manager)
    response = client.get(reverse("desk:case-list"), {"cursor": "not-a-cursor", "view": "all"})
    assert response.status_code == 302
    assert "cursor" not in response.url


def test_saved_view_keeps_filters(client, manager, case, repairs_case):
    client.force_login(manager)
    response = client.post(
        reverse("desk:saved-view-create"), {"name": "Phone repairs", "channel": "phone"}
    )
    saved = SavedView.objects.get(owner=manager)
    assert saved.query == {"channel": "phone"}
    page = client.get(response.url).content.decode()
    assert repairs_case.subject in page
    assert case.subject not in page
    assert "Phone repairs" in page
    client.post(reverse("desk:saved-view-delete", args=[saved.pk]))
    assert not SavedView.objects.exists()


def test_saved_views_are_private(client, manager, lead, case):
    saved = SavedView.objects.create(owner=manager, name="Mine", query={})
    client.force_login(lead)
    assert client.get(reverse("desk:case-list"), {"saved": saved.pk}).status_code == 404
    assert client.post(reverse("desk:saved-view-delete", args=[saved.pk])).status_code == 404


def test_bulk_assign_and_status(client, lead, teammate, front_team, case, customer):
    other = open_case(customer=customer, subject="Another", text="x", channel="email")
    client.force_login(lead)
    response = client.post(
        reverse("desk:bulk-action"),
        {"case": [case.number, other.number], "action": "assign", "assignee": teammate.pk},
    )
    assert response.status_code == 303
    assert set(Case.objects.values_list("assignee", flat=True)) == {teammate.pk}
    client.post(
        reverse("desk:bulk-action"),
        {"case": [case.number, other.number], "action": "priority", "priority": "urgent"},
    )
    assert set(Case.objects.values_list("priority", flat=True)) == {"urgent"}


def test_bulk_refuses_cases_outside_the_team_and_reports_them(
    client, agent, front_team, case, repairs_case
):
    client.force_login(agent)
    response = client.post(
        reverse("desk:bulk-action"),
        {"case": [case.number, repairs_case.number], "action": "status", "status": "resolved"},
        follow=True,
    )
    case.refresh_from_db()
    repairs_case.refresh_from_db()
    assert case.status == "resolved"
    assert repairs_case.status == "new"
    assert str(repairs_case.number) in response.content.decode()


@pytest.mark.parametrize("bad", [{"case": ["x"], "action": "assign"}, {"action": "status"}])
def test_bulk_rejects_bad_input(client, manager, case, bad):
    client.force_login(manager)
    response = client.post(reverse("desk:bulk-action"), bad, follow=True)
    assert response.status_code == 200
    case.refresh_from_db()
    assert case.status == "new"
    assert case.assignee is None


def test_case_detail_shows_thread_and_history(client, manager, case):
    client.force_login(manager)
    page = client.get(reverse("desk:case-detail", args=[case.number])).content.decode()
    assert "Il mio aspirapolvere non si accende più." in page
    assert "Case opened (Email)" in page
    assert "case.opened" not in page


def test_pages_speak_the_chosen_language(client, manager, case):
    client.force_login(manager)
    client.post(reverse("set_language"), {"language": "fr", "next": "/cases/"})
    page = client.get(reverse("desk:case-list")).content.decode()
    assert 'lang="fr"' in page
    assert "Dossiers" in page
    client.post(reverse("set_language"), {"language": "it", "next": "/cases/"})
    assert "Pratiche" in client.get(reverse("desk:case-list")).content.decode()
