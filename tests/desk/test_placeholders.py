"""Placeholders in canned replies: whitelisted names only, by plain substitution."""

import time

import pytest

from loyaldesk.desk.placeholders import PLACEHOLDERS, Rendered, render, unknown_placeholders

VALUES = {
    "customer.first_name": "Chiara",
    "customer.last_name": "Rossi",
    "customer.full_name": "Chiara Rossi",
    "case.number": "42",
    "case.reference": "LD-42",
    "case.subject": "Aspirapolvere rotto",
    "agent.first_name": "Paul",
    "agent.full_name": "Paul Martin",
}


def test_every_whitelisted_placeholder_is_replaced():
    template = " | ".join("{{ " + name + " }}" for name in PLACEHOLDERS)
    assert render(template, VALUES) == Rendered(
        "Chiara | Rossi | Chiara Rossi | 42 | LD-42 | Aspirapolvere rotto | Paul | Paul Martin"
    )


@pytest.mark.parametrize(
    "written",
    ["{{customer.first_name}}", "{{ customer.first_name }}", "{{   customer.first_name}}"],
)
def test_spaces_inside_the_braces_do_not_matter(written):
    assert render(f"Buongiorno {written},", VALUES).text == "Buongiorno Chiara,"


def test_unknown_placeholders_stay_visible_and_are_reported_once():
    rendered = render(
        "Ciao {{ customer.frist_name }}, {{ customer.first_name }} {{ customer.frist_name }} {{}}",
        VALUES,
    )
    assert rendered.text == "Ciao {{ customer.frist_name }}, Chiara {{ customer.frist_name }} {{}}"
    assert rendered.unknown == ("{{ customer.frist_name }}", "{{}}")
    assert unknown_placeholders("{{ case.subject }} {{ Case.Subject }}") == ("{{ Case.Subject }}",)


@pytest.mark.parametrize(
    "template",
    [
        "{{ customer.first_name|upper }}",
        "{{ customer.first_name.__class__ }}",
        "{{ customer }}",
        "{{ request.user.password }}",
        "{{ settings.SECRET_KEY }}",
        "{{ customer.first_name }\n}",
    ],
)
def test_filters_attribute_lookups_and_other_names_are_not_evaluated(template):
    rendered = render(template, {**VALUES, "customer": "x", "settings.SECRET_KEY": "s3cret"})
    assert rendered.text == template
    assert "s3cret" not in rendered.text


def test_template_tags_are_plain_text():
    template = "{% load static %}{% include 'base.html' %}{# comment #} {{ case.number }}"
    rendered = render(template, VALUES)
    assert rendered.text == "{% load static %}{% include 'base.html' %}{# comment #} 42"
    assert rendered.unknown == ()


def test_values_are_inserted_as_written_and_never_rendered_again():
    hostile = {**VALUES, "customer.first_name": "{{ agent.full_name }} <script>x</script>"}
    rendered = render("Ciao {{ customer.first_name }}", hostile)
    assert rendered.text == "Ciao {{ agent.full_name }} <script>x</script>"
    assert rendered.unknown == ()


def test_a_whitelisted_name_without_a_value_stays_visible():
    assert render("{{ case.number }}", {}).text == "{{ case.number }}"


@pytest.mark.parametrize(
    "template",
    ["{{" + " " * 200_000, "{{" * 100_000, "{{ a" * 50_000 + "}}", "{{ x }}" * 50_000],
)
def test_long_odd_texts_are_rendered_in_linear_time(template):
    started = time.perf_counter()
    render(template, VALUES)
    assert time.perf_counter() - started < 1.0
