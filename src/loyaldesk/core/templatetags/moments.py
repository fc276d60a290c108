"""{% moment %} and |short_date: dates written in Python, because threads, histories and lists
show many and Django's date formatting costs 60 µs each."""

from datetime import date, datetime
from functools import lru_cache
from html import escape

from django import template
from django.utils import dateformat, formats, timezone
from django.utils.safestring import SafeString, mark_safe

register = template.Library()

# Django's format characters that strftime writes the same way in every locale.
NUMERIC = {"d": "%d", "m": "%m", "Y": "%Y", "y": "%y", "H": "%H", "i": "%M", "s": "%S"}


@lru_cache(maxsize=32)
def _strftime_pattern(django_format: str) -> str | None:
    """The strftime pattern writing django_format, or None when it has a character that
    depends on the language (month names, a.m./p.m.) and needs Django's formatting."""
    pattern = []
    for character in django_format:
        if character.isalpha():
            if character not in NUMERIC:
                return None
            pattern.append(NUMERIC[character])
        elif character == "\\":
            return None
        elif character == "%":
            pattern.append("%%")
        else:
            pattern.append(character)
    return "".join(pattern)


def _formatted(value: date | datetime, format_name: str) -> str:
    django_format = formats.get_format(format_name)
    pattern = _strftime_pattern(django_format)
    if pattern is None:
        return dateformat.format(value, django_format)
    return value.strftime(pattern)


@register.simple_tag
def moment(value: datetime | None, *id_parts: object) -> SafeString | str:
    """The instant for machines and the short local date and time for people, or nothing;
    id_parts, when given, make the element's id ("message", 12, "at": message-12-at)."""
    if value is None:
        return ""
    local = timezone.localtime(value)
    shown = escape(_formatted(local, "SHORT_DATETIME_FORMAT"))
    element_id = ""
    if id_parts:
        element_id = f' id="{escape("-".join(str(part) for part in id_parts))}"'
    return mark_safe(f'<time{element_id} datetime="{local.isoformat()}">{shown}</time>')


@register.filter
def short_date(value: date | datetime | None) -> str:
    """The short date in the page's language (local for an instant), or nothing."""
    if value is None or value == "":
        return ""
    if isinstance(value, datetime):
        value = timezone.localtime(value)
    return _formatted(value, "SHORT_DATE_FORMAT")
