"""Showing a survey figure with its interval and its number of answers, greyed when too few."""

import math

from django import template
from django.utils.formats import number_format
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from loyaldesk.desk.models import Case
from loyaldesk.surveys.models import Invitation, RecoveryTask
from loyaldesk.surveys.scales import SCALES
from loyaldesk.surveys.statistics import Estimate

register = template.Library()


def _number(value: float, kind: str) -> str:
    if kind == "nps":
        return f"{value:+.0f}"
    if kind == "share":
        return f"{100 * value:.0f} %"
    return number_format(value, 2)


def _counted(n: int, of: str) -> str:
    if of == "invitations":
        return ngettext("%(n)d sent", "%(n)d sent", n) % {"n": n}
    if of == "follow-ups":
        return ngettext("%(n)d closed follow-up", "%(n)d closed follow-ups", n) % {"n": n}
    return ngettext("%(n)d answer", "%(n)d answers", n) % {"n": n}


@register.simple_tag
def figure(estimate: Estimate | None, kind: str, of: str = "answers") -> str:
    """'+32 (26 to 38) · 412 answers', or 'too few answers' in grey below the minimum; `of`
    names what was counted (answers, invitations, follow-ups)."""
    if estimate is None or estimate.n == 0:
        return format_html('<span class="figure none">{}</span>', _("no answers"))
    answers = _counted(estimate.n, of)
    if math.isnan(estimate.low):
        interval = ""
    else:
        interval = _("%(low)s to %(high)s") % {
            "low": _number(estimate.low, kind),
            "high": _number(estimate.high, kind),
        }
    return format_html(
        '<span class="figure{}" title="{}"><b>{}</b> <small>{}{}</small>{}</span>',
        " too-few" if estimate.too_few else "",
        _("95 % interval") if interval else "",
        _number(estimate.value, kind),
        f"({interval}) · " if interval else "",
        answers,
        format_html(' <em class="too-few-note">{}</em>', _("too few answers"))
        if estimate.too_few
        else "",
    )


@register.filter
def score_label(score: int | None, kind: str) -> str:
    """A score as the customer saw it: '4 · Satisfied'."""
    if score is None:
        return ""
    scale = SCALES.get(kind)
    label = scale.label(score) if scale else ""
    return f"{score} · {label}" if label and label != str(score) else str(score)


@register.inclusion_tag("surveys/_case_survey.html")
def case_survey(case: Case) -> dict:
    """What the customer said about this case in its survey, and the follow-up, if any."""
    invitation = Invitation.objects.filter(case=case, skipped="").select_related("survey").first()
    if invitation is None:
        return {"invitation": None}
    answers = list(invitation.answers.select_related("question", "choice"))
    task = RecoveryTask.objects.filter(invitation=invitation).select_related("owner").first()
    return {"invitation": invitation, "answers": answers, "task": task}
