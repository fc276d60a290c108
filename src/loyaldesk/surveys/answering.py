"""What the answer page shows: each question with its options, the customer's answers so far,
and any error, in the customer's language."""

from __future__ import annotations

from dataclasses import dataclass

from loyaldesk.surveys.models import Invitation, QuestionKind


@dataclass(frozen=True)
class Option:
    value: str
    label: str
    checked: bool


@dataclass(frozen=True)
class QuestionField:
    """One question as the page renders it."""

    name: str
    kind: str
    prompt: str
    required: bool
    options: list[Option]
    text: str
    error: str
    low_label: str
    high_label: str

    @property
    def is_text(self) -> bool:
        return self.kind == QuestionKind.TEXT

    @property
    def is_scale(self) -> bool:
        return self.kind not in (QuestionKind.TEXT, QuestionKind.CHOICE)


def question_fields(
    invitation: Invitation,
    data: dict[str, str] | None = None,
    errors: dict[int, str] | None = None,
    chosen: dict[int, str] | None = None,
) -> list[QuestionField]:
    """The survey's questions, filled with `data` (a posted form) or with the saved answers
    and the `chosen` ones (question id → value, the score clicked in the email)."""
    language = invitation.language
    if data is None:
        data = {}
        for answer in invitation.answers.all():
            value = answer.score if answer.score is not None else answer.choice_id
            data[f"q{answer.question_id}"] = answer.text if value is None else str(value)
        data.update({f"q{pk}": value for pk, value in (chosen or {}).items()})
    errors = errors or {}
    fields = []
    for question in invitation.survey.questions.prefetch_related("choices"):
        name = f"q{question.pk}"
        current = data.get(name, "")
        scale = question.scale
        if scale is not None:
            choices = [(str(score), scale.label(score)) for score in scale.scores]
        else:
            choices = [
                (str(choice.pk), choice.label(language)) for choice in question.choices.all()
            ]
        fields.append(
            QuestionField(
                name=name,
                kind=question.kind,
                prompt=question.prompt(language),
                required=question.is_required,
                options=[Option(value, label, value == current) for value, label in choices],
                text=current if question.kind == QuestionKind.TEXT else "",
                error=str(errors.get(question.pk, "")),
                low_label=scale.label(scale.low) if scale else "",
                high_label=scale.label(scale.high) if scale else "",
            )
        )
    return fields
