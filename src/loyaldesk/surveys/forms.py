from datetime import date, timedelta

from django import forms
from django.utils.translation import gettext_lazy as _

from loyaldesk.accounts.models import Team, User
from loyaldesk.core.periods import start_of_day, within_reach
from loyaldesk.core.widgets import PlainSelect
from loyaldesk.customers.models import ChannelChoice, CustomerLanguage
from loyaldesk.desk.categories import category_choices
from loyaldesk.desk.models import Queue
from loyaldesk.surveys.models import QuestionKind, RecoveryState, Survey
from loyaldesk.surveys.reports import BREAKDOWNS, AnswerFilter

ANY = [("", _("Any"))]
RATING_KINDS = (
    QuestionKind.NPS,
    QuestionKind.CSAT,
    QuestionKind.CES,
    QuestionKind.EXPECTATION,
    QuestionKind.OVERALL,
)
DEFAULT_DAYS = 90
MAX_DAYS = 3 * 366
BREAKDOWN_LABELS = {
    "team": _("Team"),
    "agent": _("Agent"),
    "queue": _("Queue"),
    "channel": _("Channel"),
    "category": _("Category"),
    "language": _("Language"),
    "survey": _("Survey"),
}


class ReportFilterForm(forms.Form):
    """The period and cuts of the survey reports, read from the page's address."""

    since = forms.DateField(
        label=_("From"),
        required=False,
        validators=[within_reach],
        widget=forms.DateInput({"type": "date"}),
    )
    until = forms.DateField(
        label=_("To"),
        required=False,
        validators=[within_reach],
        widget=forms.DateInput({"type": "date"}),
    )
    survey = forms.TypedChoiceField(
        label=_("Survey"), required=False, coerce=int, empty_value=None, widget=PlainSelect
    )
    team = forms.TypedChoiceField(
        label=_("Team"), required=False, coerce=int, empty_value=None, widget=PlainSelect
    )
    queue = forms.TypedChoiceField(
        label=_("Queue"), required=False, coerce=int, empty_value=None, widget=PlainSelect
    )
    agent = forms.TypedChoiceField(
        label=_("Agent"), required=False, coerce=int, empty_value=None, widget=PlainSelect
    )
    channel = forms.ChoiceField(
        label=_("Channel"), required=False, choices=ANY + ChannelChoice.choices, widget=PlainSelect
    )
    category = forms.ChoiceField(label=_("Category"), required=False, widget=PlainSelect)
    language = forms.ChoiceField(
        label=_("Language"),
        required=False,
        choices=ANY + CustomerLanguage.choices,
        widget=PlainSelect,
    )
    by = forms.ChoiceField(
        label=_("Split by"),
        required=False,
        choices=[(key, BREAKDOWN_LABELS[key]) for key in BREAKDOWNS],
        widget=PlainSelect,
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["survey"].choices = ANY + list(Survey.objects.values_list("pk", "name"))
        self.fields["team"].choices = ANY + list(Team.objects.values_list("pk", "name"))
        self.fields["queue"].choices = ANY + list(Queue.objects.values_list("pk", "name"))
        agents = User.objects.filter(is_active=True, groups__name__in=["agent", "team_lead"])
        self.fields["agent"].choices = ANY + [
            (user.pk, str(user)) for user in agents.order_by("first_name", "username").distinct()
        ]
        self.fields["category"].choices = ANY + category_choices()

    def clean(self) -> dict:
        cleaned = super().clean()
        since, until = cleaned.get("since"), cleaned.get("until")
        if since and until and since > until:
            raise forms.ValidationError(_("The period ends before it starts."))
        if since and until and (until - since).days > MAX_DAYS:
            raise forms.ValidationError(_("Pick a period of at most three years."))
        return cleaned

    def answer_filter(self, today: date) -> AnswerFilter:
        """The filter the form describes; the last 90 days when no period is given."""
        data = self.cleaned_data if self.is_valid() else {}
        until = data.get("until") or today
        since = data.get("since") or until - timedelta(days=DEFAULT_DAYS - 1)
        return AnswerFilter(
            since=start_of_day(since),
            until=start_of_day(until + timedelta(days=1)),
            **{name: data.get(name) or AnswerFilter.__dataclass_fields__[name].default
               for name in AnswerFilter.CUTS},
        )  # fmt: skip

    @property
    def split_by(self) -> str:
        return (self.cleaned_data.get("by") if self.is_valid() else "") or "team"


class AnswerListForm(ReportFilterForm):
    """The report filter, plus which answers to list."""

    kind = forms.ChoiceField(
        label=_("Question"),
        required=False,
        choices=ANY + QuestionKind.choices,
        widget=PlainSelect,
    )
    low = forms.IntegerField(label=_("Score from"), required=False, min_value=0, max_value=10)
    high = forms.IntegerField(label=_("Score to"), required=False, min_value=0, max_value=10)
    scored = forms.ChoiceField(
        label=_("Comments scored on"),
        required=False,
        choices=ANY + [(kind.value, kind.label) for kind in RATING_KINDS],
        widget=PlainSelect,
    )


class RecoveryOutcomeForm(forms.Form):
    """What the team lead did about an unhappy answer."""

    state = forms.ChoiceField(
        label=_("Outcome"),
        choices=[
            (state.value, state.label)
            for state in (
                RecoveryState.CONTACTED,
                RecoveryState.RECOVERED,
                RecoveryState.NOT_RECOVERED,
            )
        ],
    )
    note = forms.CharField(
        label=_("Note"), required=False, max_length=2000, widget=forms.Textarea({"rows": 2})
    )
