"""The history of a case or a customer in words: the sentences users read, never event kinds."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils.translation import override

from loyaldesk.accounts.models import User
from loyaldesk.customers.services import (
    add_identity,
    create_customer,
    merge_customers,
    remove_identity,
    update_customer,
)
from loyaldesk.desk.events import record_event
from loyaldesk.desk.history import history_lines
from loyaldesk.desk.models import AfterReply, Macro, MacroText
from loyaldesk.desk.services import (
    add_customer_message,
    add_internal_note,
    assign_case,
    change_case_details,
    change_status,
    link_cases,
    merge_cases,
    open_case,
    reply_with_macro,
    split_message,
    unlink_cases,
)
from tests.conftest import T0

LATER = T0 + timedelta(hours=1)


@pytest.fixture
def duplicate(customer, queue):
    """The same complaint, sent again from the web form."""
    return open_case(
        customer=customer, subject="Aspirapolvere", text="Non funziona ancora!", channel="web_form"
    )


def said(owner, kind: str) -> str:
    """What the history says for the last event of this kind of a case or customer."""
    return history_lines([owner.events.filter(kind=kind).order_by("id").last()])[0].text


def changes(text: str) -> set[str]:
    """The parts of a "Changed ..." sentence; their order is the database's (jsonb sorts keys)."""
    assert text.startswith("Changed ")
    return set(text.removeprefix("Changed ").split("; "))


def history_section(page: str) -> str:
    return page.split('<ol class="plain history">', 1)[1].split("</ol>", 1)[0]


def case_page(client, case) -> str:
    response = client.get(reverse("desk:case-detail", args=[case.number]))
    assert response.status_code == 200
    return response.content.decode()


# Sentences of case events


def test_an_opened_case_says_by_which_channel(case):
    assert said(case, "case.opened") == "Case opened (Email)"
    assert said(case, "message.added") == "Message from the customer (Email)"


def test_a_case_opened_by_phone_names_the_phone(repairs_case):
    assert said(repairs_case, "case.opened") == "Case opened (Phone)"


def test_assigning_names_the_assignee_and_unassigning_the_one_before(case, lead, agent):
    assign_case(case, agent, actor=lead, at=LATER)
    assert said(case, "case.assigned") == "Assigned to Paul"
    assign_case(case, None, actor=lead, at=LATER)
    assert said(case, "case.assigned") == "Unassigned (was Paul)"


def test_an_assignee_who_has_left_is_a_former_colleague(case, lead, teammate):
    assign_case(case, teammate, actor=lead, at=LATER)
    case.refresh_from_db()
    teammate.delete()
    assert said(case, "case.assigned") == "Assigned to a former colleague"


def test_a_status_change_names_both_statuses(case, agent):
    change_status(case, "open", actor=agent, at=LATER)
    assert said(case, "case.status_changed") == "Status: New → Open"
    change_status(case, "pending_customer", actor=agent, at=LATER)
    assert said(case, "case.status_changed") == "Status: Open → Pending customer"


def test_a_status_change_names_the_statuses_in_french(case, agent):
    change_status(case, "open", actor=agent, at=LATER)
    with override("fr"):
        assert "Nouveau → Ouvert" in said(case, "case.status_changed")


def test_reopening_a_resolved_case_says_so(case, agent):
    change_status(case, "resolved", actor=agent, at=LATER)
    change_status(case, "open", actor=agent, at=LATER)
    assert said(case, "case.reopened") == "Reopened: Resolved → Open"


def test_changed_details_name_the_field_and_both_values(case, agent):
    change_case_details(case, actor=agent, at=LATER, priority="high")
    assert said(case, "case.updated") == "Changed priority: Normal → High"


def test_several_changed_details_are_listed_in_one_sentence(case, agent):
    change_case_details(case, actor=agent, at=LATER, priority="urgent", category="how_to")
    assert changes(said(case, "case.updated")) == {
        "priority: Normal → Urgent",
        "category: — → How-to question",
    }


def test_a_queue_change_names_the_queues(case, agent, repairs_queue):
    change_case_details(case, actor=agent, at=LATER, queue=repairs_queue)
    assert said(case, "case.updated") == "Changed queue: General → Repairs"


def test_a_free_text_category_is_shown_as_written(case, agent):
    change_case_details(case, actor=agent, at=LATER, category="Lavatrice rumorosa")
    assert said(case, "case.updated") == "Changed category: — → Lavatrice rumorosa"


def test_changed_details_use_french_labels_where_translated(case, agent):
    change_case_details(case, actor=agent, at=LATER, priority="high", category="warranty")
    with override("fr"):
        text = said(case, "case.updated")
    assert "priorité: Normale → Haute" in text
    assert "catégorie: — → Garantie" in text


def test_links_name_the_other_case_both_ways(case, duplicate, agent):
    link_cases(case, duplicate, actor=agent)
    assert said(case, "case.linked") == f"Linked to #{duplicate.number}"
    assert said(duplicate, "case.linked") == f"Linked to #{case.number}"
    unlink_cases(case, duplicate, actor=agent)
    assert said(case, "case.unlinked") == f"Link to #{duplicate.number} removed"


def test_a_merge_is_told_on_both_cases(case, duplicate, agent):
    merge_cases(duplicate, case, actor=agent)
    assert said(duplicate, "case.merged_into") == f"Merged into #{case.number}"
    assert (
        said(case, "case.merged") == f"#{duplicate.number} merged into this case, 1 message moved"
    )


def test_a_merge_of_several_messages_counts_them_in_the_plural(case, duplicate, agent):
    add_customer_message(duplicate, text="Ancora niente.", channel="email")
    merge_cases(duplicate, case, actor=agent)
    assert said(case, "case.merged").endswith(", 2 messages moved")


def test_a_split_is_told_on_the_old_and_the_new_case(case, agent):
    second = add_customer_message(case, text="Also, my invoice is wrong.", channel="email")
    new_case = split_message(second, actor=agent, subject="Invoice")
    assert said(new_case, "case.opened") == f"Case opened from a message of #{case.number}"
    assert said(case, "case.split") == f"A message was moved to a new case, #{new_case.number}"


def test_a_macro_reply_tells_the_reply_the_changes_and_the_macro(front_team, case, agent):
    macro = Macro.objects.create(
        name="Warranty repair", then=AfterReply.RESOLVED, priority="high", category="warranty"
    )
    MacroText.objects.create(macro=macro, language="it", text="La riparazione è in garanzia.")
    reply_with_macro(case, agent=agent, macro=macro, at=LATER)
    assert said(case, "case.macro_applied") == "Macro “Warranty repair” used"
    assert said(case, "message.added") == "Reply to the customer (Email)"
    assert changes(said(case, "case.updated")) == {
        "priority: Normal → High",
        "category: — → Warranty",
    }
    assert said(case, "case.status_changed").endswith("→ Resolved")


def test_a_note_and_its_mentions_are_told(case, agent, lead, teammate):
    add_internal_note(case, agent=agent, text="@agent3 e @lead1, guardate.", at=LATER)
    assert said(case, "message.added") == "Internal note"
    mentioned = said(case, "case.mentioned")
    assert mentioned.startswith("Mentioned ")
    assert sorted(mentioned.removeprefix("Mentioned ").split(", ")) == ["Ada", "Lucie"]


def test_an_unknown_kind_is_shown_as_it_is(case):
    record_event("case.escalated", case=case, after={"level": 2})
    assert said(case, "case.escalated") == "case.escalated"


# Sentences of customer events


def test_a_new_customer_record_and_its_contact_points_are_told(customer):
    assert said(customer, "customer.created") == "Customer record created"
    added = [
        line.text for line in history_lines(customer.events.filter(kind="customer.identity_added"))
    ]
    assert sorted(added) == [
        "Contact point added: +390212345678",
        "Contact point added: chiara.rossi@example.it",
    ]


def test_a_removed_contact_point_is_named(customer):
    remove_identity(customer.identities.get(channel="email"))
    assert said(customer, "customer.identity_removed") == (
        "Contact point removed: chiara.rossi@example.it"
    )


def test_changed_customer_details_name_fields_choices_and_yes_no(customer):
    update_customer(customer, city="Milano", segment="premium", consent_marketing=True)
    assert changes(said(customer, "customer.updated")) == {
        "city: — → Milano",
        "segment: Consumer → Premium",
        "consents to marketing: no → yes",
    }


def test_a_customer_merge_is_told_on_both_records(customer):
    twin = create_customer(first_name="Chiara", last_name="Rossi", emails=["c.rossi@lavoro.it"])
    merge_customers(customer, twin)
    assert said(customer, "customer.merged") == (f"Customer record #{twin.pk} merged into this one")
    assert said(twin, "customer.merged_into") == f"Merged into customer record #{customer.pk}"


def test_the_customer_page_tells_the_history_in_words(client, agent, customer):
    add_identity(customer, "email", "chiara@casa.example.it")
    client.force_login(agent)
    response = client.get(reverse("customers:customer-detail", args=[customer.pk]))
    page = response.content.decode()
    assert "Customer record created" in page
    assert "Contact point added: chiara@casa.example.it" in page
    assert "customer.identity_added" not in page
    assert "customer.created" not in page


# The case page and the whole history


def test_the_case_page_tells_the_history_in_words(client, lead, agent, front_team, case):
    assign_case(case, agent, actor=lead, at=LATER)
    change_case_details(case, actor=lead, at=LATER, priority="high")
    client.force_login(lead)
    history = history_section(case_page(client, case))
    for sentence in (
        "Case opened (Email)",
        "Message from the customer (Email)",
        "Status: New → Open",
        "Assigned to Paul",
        "Changed priority: Normal → High",
    ):
        assert sentence in history
    page = case_page(client, case)
    for kind in ("case.opened", "message.added", "case.assigned", "case.status_changed"):
        assert kind not in page


def test_the_case_page_in_french_names_statuses_in_french(client, lead, agent, front_team, case):
    assign_case(case, agent, actor=lead, at=LATER)
    client.force_login(lead)
    client.post(reverse("set_language"), {"language": "fr", "next": "/cases/"})
    assert "Nouveau → Ouvert" in history_section(case_page(client, case))


def test_the_case_page_tells_events_of_a_merged_duplicate(
    client, lead, front_team, case, duplicate
):
    merge_cases(duplicate, case, actor=lead)
    client.force_login(lead)
    history = history_section(case_page(client, case))
    assert f"Merged into #{case.number} (#{duplicate.number})" in history
    assert f"#{duplicate.number} merged into this case, 1 message moved" in history


def _many_changes(case, actor, count: int) -> None:
    for step in range(count):
        change_case_details(
            case, actor=actor, at=T0 + timedelta(minutes=step + 1), subject=f"Subject {step}"
        )


def test_a_short_history_is_all_on_the_case_page_without_a_link(client, lead, front_team, case):
    _many_changes(case, lead, 28)
    client.force_login(lead)
    page = case_page(client, case)
    assert history_section(page).count("<li>") == 30
    assert reverse("desk:case-history", args=[case.number]) not in page


def test_the_case_page_shows_the_last_30_events_and_links_to_the_rest(
    client, lead, front_team, case
):
    _many_changes(case, lead, 35)
    client.force_login(lead)
    page = case_page(client, case)
    history = history_section(page)
    assert history.count("<li>") == 30
    assert "Subject 33 → Subject 34" in history
    assert "Case opened (Email)" not in history
    assert reverse("desk:case-history", args=[case.number]) in page
    assert "The whole history (37 events)" in page


def test_the_whole_history_page_lists_every_event_in_order(client, lead, front_team, case):
    _many_changes(case, lead, 35)
    client.force_login(lead)
    response = client.get(reverse("desk:case-history", args=[case.number]))
    assert response.status_code == 200
    history = history_section(response.content.decode())
    assert history.count("<li>") == 37
    assert history.index("Case opened (Email)") < history.index("Subject 33 → Subject 34")
    assert "case.updated" not in history


def test_the_whole_history_is_hidden_from_another_teams_agent(
    client, front_team, case, repairs_queue
):
    client.force_login(User.objects.get(username="agent2"))
    assert client.get(reverse("desk:case-history", args=[case.number])).status_code == 404


def test_the_whole_history_needs_login(client, case):
    response = client.get(reverse("desk:case-history", args=[case.number]))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_portal_sign_ins_are_told_in_the_customer_history(customer):
    address = {"address": "chiara.rossi@example.it"}
    record_event("customer.portal_link_sent", customer=customer, by_customer=True, after=address)
    record_event("customer.portal_signed_in", customer=customer, by_customer=True, after=address)
    assert said(customer, "customer.portal_link_sent") == (
        "Portal sign-in link sent to chiara.rossi@example.it"
    )
    assert said(customer, "customer.portal_signed_in") == (
        "Signed in to the portal with chiara.rossi@example.it"
    )
