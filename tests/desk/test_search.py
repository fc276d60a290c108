"""The search box, on the database's own full-text index (FTS5 or PostgreSQL)."""

import pytest
from django.urls import reverse

from loyaldesk.customers.selectors import search_customers
from loyaldesk.customers.services import create_customer, merge_customers, update_customer
from loyaldesk.desk import search
from loyaldesk.desk.models import Case
from loyaldesk.desk.selectors import CaseFilter, CaseView, filtered_cases
from loyaldesk.desk.services import add_internal_note, change_case_details, open_case


def found(user, text: str) -> set[str]:
    cases = filtered_cases(user, CaseFilter(view=CaseView.ALL, search=text))
    return set(cases.values_list("subject", flat=True))


@pytest.fixture
def helene(db, queue):
    customer = create_customer(
        first_name="Hélène",
        last_name="Dupré",
        preferred_language="fr",
        emails=["helene.dupre@exemple.fr"],
    )
    return open_case(
        customer=customer,
        subject="Lave-linge en panne",
        text="Bonjour, mon lave-linge affiche l'erreur E21 depuis la livraison.",
        channel="email",
    )


def test_finds_words_in_subjects_messages_names_and_addresses(manager, helene, case):
    assert found(manager, "panne") == {helene.subject}
    assert found(manager, "livraison") == {helene.subject}
    assert found(manager, "E21") == {helene.subject}
    assert found(manager, "Dupré") == {helene.subject}
    assert found(manager, "helene.dupre@exemple.fr") == {helene.subject}
    assert found(manager, "HELENE.DUPRE@") == {helene.subject}
    assert found(manager, "aspirapolvere") == {case.subject}
    assert found(manager, "Chiara Rossi") == {case.subject}


def test_ignores_accents_and_case_and_reads_words_as_prefixes(manager, helene):
    assert found(manager, "helene dupre") == {helene.subject}
    assert found(manager, "LIVRAIS") == {helene.subject}
    assert found(manager, "lave linge") == {helene.subject}


def test_every_word_must_match(manager, helene, case):
    assert found(manager, "lave-linge aspirapolvere") == set()
    assert found(manager, "nothing-like-this") == set()


def test_numbers_find_the_case(manager, helene, case):
    assert found(manager, f"#{case.number}") == {case.subject}
    assert case.subject in found(manager, str(case.number))
    assert found(manager, "#99999999999999999999") == set()


def test_notes_and_later_messages_and_changes_are_searchable(manager, helene):
    add_internal_note(helene, agent=manager, text="Pièce commandée chez le fournisseur")
    assert found(manager, "fournisseur") == {helene.subject}
    change_case_details(helene, actor=manager, subject="Lave-linge : joint de porte")
    assert found(manager, "joint porte") == {"Lave-linge : joint de porte"}
    assert found(manager, "panne") == set()
    update_customer(helene.customer, last_name="Martin")
    assert found(manager, "Martin") == {"Lave-linge : joint de porte"}
    assert found(manager, "Dupré") == set()


def test_search_only_finds_cases_the_agent_may_see(agent, front_team, case, repairs_case):
    assert found(agent, "Riparazione") == set()
    assert found(agent, "aspirapolvere") == {case.subject}


def test_punctuation_and_operators_are_plain_text(manager, helene):
    for text in ['"', "panne*", "panne OR x", "NEAR(a b)", "-panne", "a:b", "(", "' OR 1=1 --"]:
        found(manager, text)  # no error from the index's query syntax
    assert found(manager, "panne*") == {helene.subject}
    assert found(manager, '"panne"') == {helene.subject}


def test_a_common_word_returns_the_newest_matches(manager, customer, queue, monkeypatch):
    for number in range(5):
        open_case(customer=customer, subject=f"Ticket {number}", text="garanzia", channel="email")
    monkeypatch.setattr(search, "MATCHES_PER_SOURCE", 2)
    assert found(manager, "garanzia") == {"Ticket 3", "Ticket 4"}


def test_the_list_says_when_it_shows_the_newest_matches_only(
    client, manager, customer, queue, monkeypatch
):
    for number in range(3):
        open_case(customer=customer, subject=f"Ticket {number}", text="garanzia", channel="email")
    client.force_login(manager)
    notice = "these are the cases of its newest matches"
    monkeypatch.setattr(search, "MATCHES_PER_SOURCE", 3)
    capped = client.get(reverse("desk:case-list"), {"view": "all", "q": "garanzia"})
    assert notice in capped.content.decode()
    monkeypatch.setattr(search, "MATCHES_PER_SOURCE", 4)
    whole = client.get(reverse("desk:case-list"), {"view": "all", "q": "garanzia"})
    assert notice not in whole.content.decode()
    assert len(whole.context["page"]) == 3


def test_words_as_prefixes_wait_until_whole_words_find_too_few_cases(
    manager, customer, queue, monkeypatch
):
    """Each prefix lookup reads every row it matches: whole words that already find the
    limit, in any of subjects, messages and names, are the answer."""
    for number in range(3):
        open_case(customer=customer, subject=f"Ticket {number}", text="garanzia", channel="email")
    open_case(customer=customer, subject="Garanziale", text="altro", channel="email")
    monkeypatch.setattr(search, "MATCHES_PER_SOURCE", 3)
    assert found(manager, "garanzia") == {"Ticket 0", "Ticket 1", "Ticket 2"}
    monkeypatch.setattr(search, "MATCHES_PER_SOURCE", 4)
    assert found(manager, "garanzia") == {"Ticket 0", "Ticket 1", "Ticket 2", "Garanziale"}


def test_merged_customers_are_not_found(customer, helene):
    merge_customers(customer, helene.customer)
    assert set(search_customers("Dupré")) == set()
    assert set(search_customers("helene.dupre@")) == {customer}
    assert Case.objects.get(pk=helene.pk).customer == customer
