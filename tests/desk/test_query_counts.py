"""The case list and the case page cost the same number of queries however much they show."""

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from loyaldesk.desk.services import (
    add_customer_message,
    add_internal_note,
    open_case,
    reply_to_customer,
)


def queries_for(client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_case_page_queries_do_not_grow_with_the_thread(client, agent, front_team, case):
    client.force_login(agent)
    url = reverse("desk:case-detail", args=[case.number])
    queries_for(client, url)
    short = queries_for(client, url)
    for turn in range(15):
        reply_to_customer(case, agent=agent, text=f"Answer {turn}")
        add_customer_message(case, text=f"Question {turn}", channel="email")
        add_internal_note(case, agent=agent, text=f"Note {turn}")
    assert case.messages.count() == 46
    assert queries_for(client, url) == short


def test_case_list_queries_do_not_grow_with_the_page(client, agent, front_team, customer, case):
    client.force_login(agent)
    url = reverse("desk:case-list") + "?view=all"
    queries_for(client, url)
    one = queries_for(client, url)
    for number in range(30):
        open_case(customer=customer, subject=f"Case {number}", text="?", channel="email")
    assert queries_for(client, url) == one
