"""Duplicates merged, related cases linked, a second matter split off into its own case."""

import pytest
from django.urls import reverse

from loyaldesk.desk.lifecycle import Status
from loyaldesk.desk.models import Case, Event
from loyaldesk.desk.selectors import case_history, linked_cases
from loyaldesk.desk.services import (
    CannotMergeCases,
    CannotSplit,
    add_customer_message,
    link_cases,
    merge_cases,
    open_case,
    reply_to_customer,
    split_message,
    unlink_cases,
)


@pytest.fixture
def duplicate(customer, queue):
    """The same complaint, sent again from the web form."""
    return open_case(
        customer=customer, subject="Aspirapolvere", text="Non funziona ancora!", channel="web_form"
    )


def test_merge_moves_every_message_and_closes_the_duplicate(case, duplicate, agent):
    reply_to_customer(duplicate, agent=agent, text="Ci scusi, verifichiamo.")
    duplicate_events = list(duplicate.events.values_list("pk", flat=True))
    merge_cases(duplicate, case, actor=agent)

    assert case.messages.count() == 3
    assert not duplicate.messages.exists()
    duplicate.refresh_from_db()
    assert duplicate.status == Status.CLOSED
    assert duplicate.merged_into == case
    # Every event stays on the case it was written for; the target's history reads both.
    assert set(duplicate_events) <= set(duplicate.events.values_list("pk", flat=True))
    history = list(case_history(case).values_list("pk", flat=True))
    assert set(duplicate_events) <= set(history)
    assert case.events.get(kind="case.merged").after == {
        "duplicate": duplicate.number,
        "messages": 2,
    }
    assert duplicate.events.filter(kind="case.merged_into").exists()
    assert list(linked_cases(case)) == [duplicate]


def test_merge_refuses_itself_closed_or_merged_cases(case, duplicate, agent, customer):
    with pytest.raises(CannotMergeCases):
        merge_cases(case, case, actor=agent)
    merge_cases(duplicate, case, actor=agent)
    third = open_case(customer=customer, subject="Terza", text="...", channel="email")
    with pytest.raises(CannotMergeCases):
        merge_cases(third, duplicate, actor=agent)
    with pytest.raises(CannotMergeCases):
        merge_cases(duplicate, third, actor=agent)
    assert third.messages.count() == 1


def test_links_go_both_ways_and_come_off(case, duplicate, agent):
    link_cases(case, duplicate, actor=agent)
    link_cases(duplicate, case, actor=agent)
    assert list(linked_cases(case)) == [duplicate]
    assert list(linked_cases(duplicate)) == [case]
    assert Event.objects.filter(kind="case.linked").count() == 2
    unlink_cases(duplicate, case, actor=agent)
    assert not linked_cases(case).exists()
    assert Event.objects.filter(kind="case.unlinked").count() == 2


def test_split_makes_a_case_of_one_customer_message(case, agent):
    second = add_customer_message(case, text="Also, my invoice is wrong.", channel="email")
    new_case = split_message(second, actor=agent, subject="Invoice")
    second.refresh_from_db()
    assert second.case == new_case
    assert (new_case.subject, new_case.customer, new_case.queue) == (
        "Invoice",
        case.customer,
        case.queue,
    )
    assert new_case.events.get(kind="case.opened").after["split_from"] == case.number
    assert case.events.get(kind="case.split").after["new_case"] == new_case.number
    assert case.messages.count() == 1


def test_split_refuses_replies_notes_and_the_last_message(case, agent):
    with pytest.raises(CannotSplit):
        split_message(case.messages.get(), actor=agent)
    reply = reply_to_customer(case, agent=agent, text="Risposta")
    with pytest.raises(CannotSplit):
        split_message(reply, actor=agent)
    assert Case.objects.count() == 1


def test_merge_link_and_split_from_the_case_page(client, agent, front_team, case, duplicate):
    client.force_login(agent)
    page = client.get(reverse("desk:case-detail", args=[duplicate.number])).content.decode()
    assert 'id="merge-form"' in page
    assert (
        reverse("desk:message-split", args=[duplicate.number, duplicate.messages.get().pk]) in page
    )

    link = client.post(
        reverse("desk:case-link", args=[case.number]), {"other": f"#{duplicate.number}"}
    )
    assert link.status_code == 303
    assert list(linked_cases(case)) == [duplicate]

    unconfirmed = client.post(
        reverse("desk:case-merge", args=[duplicate.number]), {"into": case.number}
    )
    assert unconfirmed.status_code == 400
    merged = client.post(
        reverse("desk:case-merge", args=[duplicate.number]), {"into": case.number, "confirm": "on"}
    )
    assert merged.status_code == 303
    assert merged.url == reverse("desk:case-detail", args=[case.number])
    assert case.messages.count() == 2

    message = case.messages.get(text="Non funziona ancora!")
    split_url = reverse("desk:message-split", args=[case.number, message.pk])
    form = client.get(split_url)
    assert form.status_code == 200
    assert 'name="subject"' in form.content.decode()
    assert client.post(split_url, {"subject": " "}).status_code == 400
    assert case.messages.filter(pk=message.pk).exists()
    split = client.post(split_url, {"subject": "Ancora guasto"})
    assert split.status_code == 303
    message.refresh_from_db()
    assert message.case.subject == "Ancora guasto"
    assert split.url == reverse("desk:case-detail", args=[message.case.number])


def test_an_agent_cannot_merge_into_or_link_another_teams_case(
    client, agent, front_team, case, repairs_case
):
    client.force_login(agent)
    url = reverse("desk:case-merge", args=[case.number])
    merge = client.post(url, {"into": repairs_case.number, "confirm": "on"})
    assert merge.status_code == 400
    assert "no case with this number that you can work on" in merge.content.decode()
    url = reverse("desk:case-link", args=[case.number])
    assert client.post(url, {"other": repairs_case.number}).status_code == 400
    assert client.post(url, {"other": 999999}).status_code == 400
    assert case.messages.count() == 1
    assert not linked_cases(case).exists()


def test_api_merge_link_unlink_and_split(api_as, agent, front_team, case, duplicate, repairs_case):
    client = api_as(agent)
    linked = client.post(
        f"/api/cases/{case.number}/links",
        {"case": duplicate.number},
        content_type="application/json",
    )
    assert linked.status_code == 204
    assert list(linked_cases(case)) == [duplicate]
    assert client.delete(f"/api/cases/{case.number}/links/{duplicate.number}").status_code == 204
    assert not linked_cases(case).exists()
    foreign = client.post(
        f"/api/cases/{case.number}/links",
        {"case": repairs_case.number},
        content_type="application/json",
    )
    assert foreign.status_code == 404

    second = add_customer_message(case, text="E la fattura?", channel="email")
    split = client.post(
        f"/api/cases/{case.number}/messages/{second.pk}/split",
        {"subject": "Fattura"},
        content_type="application/json",
    )
    assert split.status_code == 201
    assert split.json()["subject"] == "Fattura"
    again = client.post(
        f"/api/cases/{case.number}/messages/{case.messages.get().pk}/split",
        {},
        content_type="application/json",
    )
    assert again.status_code == 409

    merged = client.post(
        f"/api/cases/{duplicate.number}/merge",
        {"into": case.number},
        content_type="application/json",
    )
    assert merged.status_code == 200
    assert merged.json()["number"] == case.number
    twice = client.post(
        f"/api/cases/{duplicate.number}/merge",
        {"into": case.number},
        content_type="application/json",
    )
    assert twice.status_code == 409
