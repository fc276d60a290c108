"""PlainSelect renders what Django's Select renders; {% moment %} writes <time> elements."""

from datetime import UTC, datetime

import pytest
from django import forms
from django.template import Context, Template
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy, override

from loyaldesk.core.widgets import PlainSelect
from tests.selects import selects

CHOICES = [("", "Any"), ("new", "New"), (3, "Three"), ("4", "Four")]
AT = datetime(2026, 3, 2, 9, 5, tzinfo=UTC)


def rendered(widget_class, value, choices=CHOICES, attrs=None):
    """The select's attributes and its (value, label, selected) options, as a browser reads them."""
    [(attributes, options)] = selects(
        widget_class(choices=choices).render("field", value, attrs=attrs)
    )
    return attributes, options


@pytest.mark.parametrize("value", [None, "", "new", 3, "3", "4", 4, "missing"])
def test_plain_select_renders_the_options_of_djangos_select(value):
    assert rendered(PlainSelect, value) == rendered(forms.Select, value)


def test_plain_select_keeps_the_attributes_of_djangos_select():
    attrs = {"id": "id_field", "required": True, "class": "narrow"}
    plain, _ = rendered(PlainSelect, "new", attrs=attrs)
    django, _ = rendered(forms.Select, "new", attrs=attrs)
    assert plain == django
    assert plain["name"] == "field"


@pytest.mark.parametrize(("value", "chosen"), [(3, "3"), ("3", "3"), ("new", "new")])
def test_plain_select_marks_the_chosen_value_whether_int_or_str(value, chosen):
    _, options = rendered(PlainSelect, value)
    assert [option for option, _, selected in options if selected] == [chosen]


def test_plain_select_without_a_value_selects_the_empty_choice():
    _, options = rendered(PlainSelect, None)
    assert [option for option, _, selected in options if selected] == [""]


def test_plain_select_escapes_labels_and_values():
    html = PlainSelect(choices=[('a"b', '<b>&"')]).render("field", None)
    assert "<b>" not in html
    assert "&lt;b&gt;&amp;&quot;" in html
    [(_, options)] = selects(html)
    assert options == [('a"b', '<b>&"', False)]


def test_plain_select_translates_lazy_labels():
    widget = PlainSelect(choices=[("new", gettext_lazy("New"))])
    with override("fr"):
        [(_, options)] = selects(widget.render("field", "new"))
    assert options == [("new", "Nouveau", True)]


def test_plain_select_as_a_form_fields_widget_shows_the_bound_value():
    class Form(forms.Form):
        status = forms.ChoiceField(choices=CHOICES, required=False, widget=PlainSelect)

    [(attributes, options)] = selects(str(Form({"status": "new"})["status"]))
    assert attributes["id"] == "id_status"
    assert [value for value, _, selected in options if selected] == ["new"]


def moment(source: str, **context) -> str:
    return Template("{% load moments %}" + source).render(Context(context))


def short(value) -> str:
    """How the pages showed instants before the tag: the date filter's short format."""
    return Template('{{ value|date:"SHORT_DATETIME_FORMAT" }}').render(Context({"value": value}))


def test_moment_is_a_time_element_with_the_local_instant():
    with timezone.override("Europe/Rome"):
        html = moment("{% moment value %}", value=AT)
        expected = f'<time datetime="2026-03-02T10:05:00+01:00">{short(AT)}</time>'
    assert html == expected


def test_moment_shows_the_short_local_date_and_time_in_iso_order_in_english():
    with timezone.override("Europe/Rome"):
        html = moment("{% moment value %}", value=AT)
    assert html.endswith(">2026-03-02 10:05</time>")


@pytest.fixture
def djangos_own_formats(settings):
    """Django's formats (American English), whose cache its settings fixture does not reset."""
    settings.FORMAT_MODULE_PATH = None
    formats.reset_format_cache()
    yield
    formats.reset_format_cache()


def test_moment_writes_a_format_with_words_as_djangos_date_filter_does(djangos_own_formats):
    with override("en"), timezone.override("Europe/Rome"):
        html = moment("{% moment value %}", value=AT)
        assert html.endswith(f">{short(AT)}</time>")
    assert html.endswith(">03/02/2026 10:05 a.m.</time>")


def test_moment_with_id_parts_joins_them_into_the_elements_id():
    html = moment('{% moment value "message" pk "at" %}', value=AT, pk=5)
    assert html.startswith('<time id="message-5-at" datetime="2026-03-02T09:05:00+00:00">')


def test_moment_of_nothing_renders_nothing():
    assert moment("[{% moment value %}]", value=None) == "[]"
    assert moment('[{% moment value "message" 5 "at" %}]', value=None) == "[]"


def test_moment_follows_the_language_of_the_page():
    with override("fr"), timezone.override("Europe/Rome"):
        html = moment("{% moment value %}", value=AT)
        assert html.endswith(f">{short(AT)}</time>")
        assert "02/03/2026" in html


def test_moment_escapes_the_id_parts():
    html = moment('{% moment value "a<b" %}', value=AT)
    assert html.startswith('<time id="a&lt;b" ')


def test_short_date_is_the_local_day_in_the_pages_language():
    late = datetime(2026, 3, 2, 23, 30, tzinfo=UTC)
    with timezone.override("Europe/Rome"):
        assert moment("{{ value|short_date }}", value=late) == "2026-03-03"
        with override("fr"):
            assert moment("{{ value|short_date }}", value=late.date()) == "02/03/2026"
        with override("it"):
            assert moment("{{ value|short_date }}", value=late.date()) == "02/03/2026"
    assert moment("[{{ value|short_date }}]", value=None) == "[]"
