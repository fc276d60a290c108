"""Repeat contacts: a customer back on the same topic is linked to the case that did not
settle it, and first-contact resolution counts what stayed settled."""

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from loyaldesk.desk.lifecycle import Status
from loyaldesk.desk.models import Event
from loyaldesk.desk.services import (
    add_customer_message,
    change_case_details,
    change_status,
    open_case,
)
from loyaldesk.service_levels.first_contact import first_contact_resolution
from tests.conftest import T0

DAY = timedelta(days=1)


def contact(customer, queue, at, category="defect", subject="La lavatrice perde acqua"):
    return open_case(
        customer=customer,
        subject=subject,
        text="Perde ancora acqua dal fondo.",
        channel="email",
        queue=queue,
        category=category,
        at=at,
    )


def resolve(case, agent, at):
    case.refresh_from_db()
    if case.status == Status.NEW:
        change_status(case, Status.OPEN, actor=agent, at=at)
    return change_status(case, Status.RESOLVED, actor=agent, at=at)


def test_a_new_case_on_the_same_topic_soon_after_resolution_repeats_it(
    customer, queue, agent, settings
):
    settings.REPEAT_CONTACT_DAYS = 7
    first = resolve(contact(customer, queue, T0), agent, T0 + DAY)
    again = contact(customer, queue, T0 + 6 * DAY)
    assert again.repeat_of == first
    assert Event.objects.get(case=again, kind="case.repeat_of").after == {"repeat_of": first.number}
    assert Event.objects.get(case=first, kind="case.repeated").after == {"by": again.number}


def test_no_repeat_after_the_window_on_another_topic_or_for_another_customer(
    customer, queue, agent, settings, django_user_model
):
    settings.REPEAT_CONTACT_DAYS = 7
    resolve(contact(customer, queue, T0), agent, T0 + DAY)
    assert contact(customer, queue, T0 + 9 * DAY).repeat_of is None  # 8 days after
    assert contact(customer, queue, T0 + 2 * DAY, category="billing").repeat_of is None
    assert contact(customer, queue, T0 + 2 * DAY, category="").repeat_of is None


def test_a_second_case_while_the_first_is_still_open_is_a_repeat(customer, queue):
    first = contact(customer, queue, T0)
    assert contact(customer, queue, T0 + 30 * DAY).repeat_of == first


def test_categorising_a_case_later_links_it(customer, queue, agent):
    first = contact(customer, queue, T0)
    later = contact(customer, queue, T0 + DAY, category="")
    later = change_case_details(later, actor=agent, at=T0 + DAY, category="defect")
    later.refresh_from_db()
    assert later.repeat_of == first


def test_the_case_page_links_both_ways(client, customer, queue, agent, front_team):
    first = contact(customer, queue, T0)
    again = contact(customer, queue, T0 + DAY)
    client.force_login(agent)
    page = client.get(reverse("desk:case-detail", args=[first.number])).content.decode()
    assert reverse("desk:case-detail", args=[again.number]) in page
    assert "Repeat contacts" in page
    history = client.get(reverse("desk:case-history", args=[again.number])).content.decode()
    assert f"came back about the topic of {first.reference}" in history


def test_first_contact_resolution_counts_settled_cases_without_reopen_or_repeat(
    customer, queue, agent, settings
):
    settings.REPEAT_CONTACT_DAYS = 7
    other = contact(customer, queue, T0, category="billing")
    resolve(contact(customer, queue, T0, category="how_to"), agent, T0 + DAY)
    resolve(contact(customer, queue, T0, category="defect"), agent, T0 + DAY)
    contact(customer, queue, T0 + 3 * DAY, category="defect")
    reopened = resolve(other, agent, T0 + DAY)
    add_customer_message(reopened, text="Non è risolto.", channel="email", at=T0 + 2 * DAY)
    resolve(reopened, agent, T0 + 2 * DAY)
    resolve(contact(customer, queue, T0 + 20 * DAY, category="account"), agent, T0 + 21 * DAY)

    now = T0 + 25 * DAY
    [total] = first_contact_resolution(T0, now, now, within_days=7)
    assert total.settled == 3  # clean, repeated and reopened; `late` is too recent to judge
    assert total.first_contact == 1
    assert total.too_recent == 1
    assert total.repeat_contacts == 1
    assert round(total.rate, 3) == 0.333
    by_queue = first_contact_resolution(T0, now, now, within_days=7, group_by="queue")
    assert [(row.group, row.settled, row.first_contact) for row in by_queue] == [(queue.name, 3, 1)]


def test_cases_resolved_now_are_too_recent(customer, queue, agent):
    now = timezone.now()
    resolve(contact(customer, queue, now - DAY), agent, now - DAY)
    [total] = first_contact_resolution(now - 2 * DAY, now, now, within_days=7)
    assert (total.settled, total.too_recent, total.rate) == (0, 1, None)


def test_the_service_level_report_shows_first_contact_resolution(
    client, customer, queue, agent, lead, settings
):
    settings.REPEAT_CONTACT_DAYS = 7
    now = timezone.now()
    resolve(contact(customer, queue, now - 20 * DAY), agent, now - 19 * DAY)
    contact(customer, queue, now - 15 * DAY)
    client.force_login(lead)
    page = client.get(reverse("service_levels:report"), {"by": "channel"}).content.decode()
    section = page.split('id="first-contact"')[1]
    assert (
        '<th scope="row">Email</th><td>1</td><td>0</td><td>0 %</td><td>1</td><td>0</td>' in section
    )
