"""The surveys loyaldesk starts with: after a resolution, after a repair, and a yearly NPS."""

from __future__ import annotations

from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from loyaldesk.customers.models import CustomerLanguage
from loyaldesk.surveys.models import Question, QuestionKind, Survey, Trigger

WHY = _("What is the main reason for your score?")
ANYTHING_ELSE = _("Is there anything we could have done better?")

STANDARD_SURVEYS = (
    (
        _("After a resolution"),
        {"trigger": Trigger.CASE_RESOLVED, "delay_hours": 2},
        [
            (QuestionKind.CSAT, None, True),
            (QuestionKind.EXPECTATION, None, False),
            (QuestionKind.OVERALL, None, False),
            (QuestionKind.CES, None, False),
            (QuestionKind.TEXT, ANYTHING_ELSE, False),
        ],
    ),
    (
        _("After a repair"),
        {"trigger": Trigger.CASE_RESOLVED, "delay_hours": 24, "categories": ["repair"]},
        [
            (QuestionKind.CSAT, None, True),
            (QuestionKind.EXPECTATION, None, False),
            (QuestionKind.TEXT, ANYTHING_ELSE, False),
        ],
    ),
    (
        _("Relationship NPS"),
        {"trigger": Trigger.RELATIONSHIP, "every_days": 90, "sample_size": 200},
        [(QuestionKind.NPS, None, True), (QuestionKind.TEXT, WHY, False)],
    ),
)


def _prompts(text) -> dict[str, str]:
    if text is None:
        return {}
    prompts = {}
    for language in CustomerLanguage.values:
        with translation.override(language):
            prompts[f"prompt_{language}"] = str(text)
    return prompts


@transaction.atomic
def install_standard_surveys() -> list[Survey]:
    """Create the standard surveys that do not exist yet (by their English name)."""
    surveys = []
    for name, options, questions in STANDARD_SURVEYS:
        with translation.override("en"):
            english = str(name)
        survey, created = Survey.objects.get_or_create(name=english, defaults=options)
        if created:
            for position, (kind, prompt, required) in enumerate(questions):
                Question.objects.create(
                    survey=survey,
                    position=position,
                    kind=kind,
                    is_required=required,
                    **_prompts(prompt),
                )
        surveys.append(survey)
    return surveys
