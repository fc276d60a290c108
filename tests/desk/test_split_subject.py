"""The subject a split-off case gets from its message: past the salutation, cut at a word."""

import pytest
from django.urls import reverse

from loyaldesk.desk.models import Case
from loyaldesk.desk.services import add_customer_message, split_message, subject_from_text

LONG = (
    "The vacuum cleaner I bought in the spring stopped working after the last firmware "
    "update, and now it only beeps"
)
INVOICE = "Buongiorno,\n\nLa fattura di marzo è sbagliata.\nGrazie, Chiara"


def test_working_out_a_subject_needs_no_database(django_db_blocker):
    with django_db_blocker.block():
        assert subject_from_text("Printer jammed") == "Printer jammed"


def test_the_first_line_is_the_subject():
    assert subject_from_text("Printer jammed\nIt shows error 42.") == "Printer jammed"


def test_a_salutation_ending_with_a_comma_is_skipped():
    assert subject_from_text(INVOICE) == "La fattura di marzo è sbagliata."


def test_blank_lines_and_surrounding_spaces_are_skipped():
    assert subject_from_text("\n\n   Hello team,  \n\n  Printer jammed  \nThanks") == (
        "Printer jammed"
    )


def test_a_salutation_alone_is_kept_rather_than_nothing():
    assert subject_from_text("Buongiorno,") == "Buongiorno,"


def test_a_long_first_line_is_cut_at_a_word_boundary_with_an_ellipsis():
    subject = subject_from_text(LONG)
    assert subject == "The vacuum cleaner I bought in the spring stopped working after the last…"
    assert len(subject) <= 81
    assert LONG.startswith(subject.removesuffix("…") + " ")


def test_a_cut_after_a_comma_drops_the_comma():
    line = "a" * 70 + " bbbbbbb, ccccccccc dd"
    assert subject_from_text(line) == "a" * 70 + " bbbbbbb…"


def test_a_line_of_exactly_the_length_is_not_cut():
    line = "x" * 80
    assert subject_from_text(line) == line


def test_a_word_ending_exactly_at_the_length_is_kept_whole():
    line = "a" * 75 + " bbbb and more words"
    assert subject_from_text(line) == "a" * 75 + " bbbb…"


def test_split_without_a_subject_takes_it_from_the_message(case, agent):
    second = add_customer_message(case, text=INVOICE, channel="email")
    new_case = split_message(second, actor=agent)
    assert new_case.subject == "La fattura di marzo è sbagliata."


def test_split_without_a_subject_cuts_a_long_line(case, agent):
    second = add_customer_message(case, text=LONG, channel="email")
    new_case = split_message(second, actor=agent, subject="  ")
    assert new_case.subject.endswith("the last…")


def test_the_split_page_offers_the_subject_from_the_message(client, agent, front_team, case):
    second = add_customer_message(case, text=INVOICE, channel="email")
    client.force_login(agent)
    response = client.get(reverse("desk:message-split", args=[case.number, second.pk]))
    assert response.status_code == 200
    assert 'value="La fattura di marzo è sbagliata."' in response.content.decode()
    assert Case.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_splitting_from_the_page_works_outside_a_test_transaction(client, agent, front_team, case):
    """Requests run in autocommit, not inside the transaction the other tests wrap them in;
    PostgreSQL refuses the locks of a split made outside a transaction."""
    second = add_customer_message(case, text=INVOICE, channel="email")
    client.force_login(agent)
    response = client.post(
        reverse("desk:message-split", args=[case.number, second.pk]),
        {"subject": "La fattura di marzo è sbagliata."},
    )
    assert response.status_code == 303
    second.refresh_from_db()
    assert second.case.subject == "La fattura di marzo è sbagliata."
