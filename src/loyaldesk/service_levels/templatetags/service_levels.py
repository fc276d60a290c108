"""{% due %}: how long until a target is due, or how long it is overdue."""

from datetime import datetime
from html import escape

from django import template
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe
from django.utils.timesince import timesince, timeuntil
from django.utils.translation import gettext as _

register = template.Library()


@register.simple_tag
def due(due_at: datetime | None, now: datetime | None = None) -> SafeString | str:
    """'Due in 3 hours' or 'Overdue by 20 minutes', with the instant for machines."""
    if due_at is None:
        return ""
    now = now or timezone.now()
    if due_at <= now:
        text, kind = _("Overdue by %s") % timesince(due_at, now, depth=1), "overdue"
    else:
        text, kind = _("Due in %s") % timeuntil(due_at, now, depth=1), "due"
    instant = timezone.localtime(due_at).isoformat()
    return mark_safe(f'<time class="sla {kind}" datetime="{instant}">{escape(text)}</time>')


@register.filter
def duration(seconds: int | None) -> str:
    """Seconds as hours and minutes: '2 h 05 min', '40 min'."""
    if seconds is None:
        return ""
    minutes = max(int(seconds), 0) // 60
    hours, minutes = divmod(minutes, 60)
    return f"{hours} h {minutes:02d} min" if hours else f"{minutes} min"
