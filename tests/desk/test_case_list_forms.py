"""The case list's forms: filter errors shown rather than swallowed, and the bulk bar's messages."""

from django.urls import reverse

from loyaldesk.desk.models import Case
from loyaldesk.desk.services import change_status, open_case
from tests.selects import select_options

TOO_LONG = "aspirapolvere " * 15  # 210 characters; the search takes at most 200


def bulk(client, **data):
    return client.post(reverse("desk:bulk-action"), data, follow=True)


# Filters


def test_a_search_too_long_is_reported_not_silently_dropped(client, manager, case, repairs_case):
    client.force_login(manager)
    response = client.get(reverse("desk:case-list"), {"q": TOO_LONG})
    assert response.status_code == 200
    page = response.content.decode()
    assert "Not applied:" in page
    assert "Search:" in page
    assert "200" in page.split("Not applied:", 1)[1].split("</div>", 1)[0]


def test_other_filters_still_apply_beside_a_search_too_long(client, manager, case, repairs_case):
    client.force_login(manager)
    response = client.get(reverse("desk:case-list"), {"q": TOO_LONG, "channel": "phone"})
    assert [found.pk for found in response.context["page"]] == [repairs_case.pk]
    page = response.content.decode()
    assert "Not applied:" in page
    assert case.subject not in page


def test_the_error_comes_with_the_refreshed_table(client, manager, case):
    client.force_login(manager)
    response = client.get(
        reverse("desk:case-list"), {"q": TOO_LONG}, headers={"HX-Request": "true"}
    )
    body = response.content.decode()
    assert "<html" not in body
    assert "Not applied:" in body


def test_a_search_of_200_characters_is_applied(client, manager, case):
    client.force_login(manager)
    response = client.get(reverse("desk:case-list"), {"q": "x" * 200})
    assert "Not applied:" not in response.content.decode()
    assert list(response.context["page"]) == []


# The bulk bar


def test_applying_with_no_case_ticked_asks_to_tick_cases(client, manager, case):
    client.force_login(manager)
    response = bulk(client, action="status", status="open")
    assert "Tick the cases to change first." in response.content.decode()
    case.refresh_from_db()
    assert case.status == "new"


def test_the_bulk_status_choice_does_not_offer_new(client, manager, case):
    client.force_login(manager)
    page = client.get(reverse("desk:case-list")).content.decode()
    offered = [value for value, _, _ in select_options(page, id="bulk_status")]
    assert "new" not in offered
    assert {"open", "pending_customer", "resolved", "closed"} <= set(offered)


def test_a_bulk_move_back_to_new_is_refused(client, manager, case):
    change_status(case, "open", actor=manager)
    client.force_login(manager)
    page = bulk(client, case=case.number, action="status", status="new").content.decode()
    assert "Select a valid choice." in page
    assert "case changed" not in page
    case.refresh_from_db()
    assert case.status == "open"


def test_a_move_the_lifecycle_forbids_names_the_case(client, manager, case, customer):
    movable = open_case(customer=customer, subject="Movable", text="?", channel="email")
    client.force_login(manager)
    response = bulk(client, case=[case.number, movable.number], action="status", status="closed")
    page = response.content.decode()
    assert f"Not changed, their status cannot move there: #{case.number}, #{movable.number}" in (
        page
    )
    assert "you may not change these cases" not in page
    assert set(Case.objects.values_list("status", flat=True)) == {"new"}


def test_only_the_cases_that_cannot_move_are_reported(client, manager, case, customer):
    resolved = open_case(customer=customer, subject="Done", text="?", channel="email")
    change_status(resolved, "resolved", actor=manager)
    client.force_login(manager)
    response = bulk(client, case=[case.number, resolved.number], action="status", status="closed")
    page = response.content.decode()
    assert "1 case changed." in page
    assert f"Not changed, their status cannot move there: #{case.number}" in page
    resolved.refresh_from_db()
    assert resolved.status == "closed"


def test_another_teams_cases_are_reported_as_not_yours(
    client, agent, front_team, case, repairs_case
):
    client.force_login(agent)
    response = bulk(
        client, case=[case.number, repairs_case.number], action="status", status="resolved"
    )
    page = response.content.decode()
    assert f"Not changed, you may not change these cases: #{repairs_case.number}" in page
    assert "their status cannot move there" not in page
    assert "1 case changed." in page
    repairs_case.refresh_from_db()
    assert repairs_case.status == "new"
