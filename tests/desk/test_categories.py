"""Case categories: labels for the standard ones, free text kept, offered as a select."""

from django.urls import reverse
from django.utils.translation import override

from loyaldesk.desk.categories import STANDARD_CATEGORIES, category_label
from loyaldesk.desk.services import change_case_details, open_case
from tests.selects import select_options, selected_values


def details_form(page: str) -> str:
    return page.split('id="details-form"', 1)[1].split("</form>", 1)[0]


def case_page(client, case) -> str:
    return client.get(reverse("desk:case-detail", args=[case.number])).content.decode()


def test_a_standard_category_is_shown_by_its_label():
    assert category_label("how_to") == "How-to question"
    assert category_label("return_refund") == "Return or refund"


def test_a_free_text_category_is_kept_as_written():
    assert category_label("Lavatrice rumorosa") == "Lavatrice rumorosa"
    assert category_label("") == ""


def test_a_standard_category_label_follows_the_language():
    with override("fr"):
        assert category_label("warranty") == "Garantie"


def test_the_case_page_shows_the_category_label(client, lead, front_team, case):
    change_case_details(case, actor=lead, category="how_to")
    client.force_login(lead)
    page = case_page(client, case)
    assert "<dd>How-to question</dd>" in page
    assert "<dd>how_to</dd>" not in page


def test_the_details_form_offers_every_standard_category(client, lead, front_team, case):
    client.force_login(lead)
    options = select_options(details_form(case_page(client, case)), name="category")
    offered = {value: label for value, label, _ in options}
    assert offered == {"": "—", **{slug: str(label) for slug, label in STANDARD_CATEGORIES.items()}}
    assert selected_values(options) == [""]


def test_the_details_form_selects_the_current_standard_category(client, lead, front_team, case):
    change_case_details(case, actor=lead, category="billing")
    client.force_login(lead)
    options = select_options(details_form(case_page(client, case)), name="category")
    assert selected_values(options) == ["billing"]


def test_the_details_form_keeps_a_free_text_category(client, lead, front_team, case):
    change_case_details(case, actor=lead, category="Lavatrice rumorosa")
    client.force_login(lead)
    options = select_options(details_form(case_page(client, case)), name="category")
    assert ("Lavatrice rumorosa", "Lavatrice rumorosa", True) in options
    assert "how_to" in [value for value, _, _ in options]


def test_saving_details_with_a_free_text_category_keeps_it(client, lead, front_team, case):
    change_case_details(case, actor=lead, category="Lavatrice rumorosa")
    client.force_login(lead)
    response = client.post(
        reverse("desk:case-details", args=[case.number]),
        {
            "subject": case.subject,
            "priority": "high",
            "category": "Lavatrice rumorosa",
            "queue": case.queue_id,
        },
    )
    assert response.status_code == 303
    case.refresh_from_db()
    assert (case.priority, case.category) == ("high", "Lavatrice rumorosa")


def test_the_case_list_filters_by_a_standard_category(client, manager, customer, queue):
    how_to = open_case(
        customer=customer, subject="Come si svuota?", text="?", channel="email", category="how_to"
    )
    billing = open_case(
        customer=customer, subject="Fattura doppia", text="!", channel="email", category="billing"
    )
    client.force_login(manager)
    response = client.get(reverse("desk:case-list"), {"category": "how_to"})
    assert [case.pk for case in response.context["page"]] == [how_to.pk]
    page = response.content.decode()
    assert how_to.subject in page
    assert billing.subject not in page
    options = select_options(page, name="category", id="id_category")
    assert ("how_to", "How-to question", True) in options


def test_the_case_list_keeps_a_free_text_category_filter(client, manager, customer, queue):
    noisy = open_case(
        customer=customer, subject="Rumore", text="!", channel="email", category="Rumorosa"
    )
    client.force_login(manager)
    response = client.get(reverse("desk:case-list"), {"category": "Rumorosa"})
    assert [case.pk for case in response.context["page"]] == [noisy.pk]
    options = select_options(response.content.decode(), name="category", id="id_category")
    assert ("Rumorosa", "Rumorosa", True) in options
