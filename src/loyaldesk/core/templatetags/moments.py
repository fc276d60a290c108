"""{% moment %}: a <time> element, written in Python because threads and histories show many."""

from datetime import datetime

from django import template
from django.utils import dateformat, formats, timezone
from django.utils.html import format_html
from django.utils.safestring import SafeString

register = template.Library()


@register.simple_tag
def moment(value: datetime | None, *id_parts: object) -> SafeString | str:
    """The instant for machines and the short local date and time for people, or nothing;
    id_parts, when given, make the element's id ("message", 12, "at": message-12-at)."""
    if value is None:
        return ""
    local = timezone.localtime(value)
    shown = dateformat.format(local, formats.get_format("SHORT_DATETIME_FORMAT"))
    if id_parts:
        element_id = "-".join(str(part) for part in id_parts)
        return format_html(
            '<time id="{}" datetime="{}">{}</time>', element_id, local.isoformat(), shown
        )
    return format_html('<time datetime="{}">{}</time>', local.isoformat(), shown)
