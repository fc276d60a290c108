from datetime import date, timedelta

from django import forms
from django.utils.translation import gettext_lazy as _

from loyaldesk.core.periods import start_of_day, within_reach
from loyaldesk.core.widgets import PlainSelect
from loyaldesk.customers.models import ChannelChoice
from loyaldesk.desk.models import Queue
from loyaldesk.service_levels.models import Policy
from loyaldesk.service_levels.reports import GROUPINGS, MeasureFilter

ANY = [("", _("Any"))]
DEFAULT_DAYS = 30
MAX_DAYS = 3 * 366
GROUPING_LABELS = {
    "policy": _("Policy"),
    "queue": _("Queue"),
    "agent": _("Agent"),
    "channel": _("Channel"),
}


class AttainmentFilterForm(forms.Form):
    """The period, grouping and cuts of the attainment report, read from the page's address."""

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
    by = forms.ChoiceField(
        label=_("Group by"),
        required=False,
        choices=[(key, GROUPING_LABELS[key]) for key in GROUPINGS],
        widget=PlainSelect,
    )
    policy = forms.TypedChoiceField(
        label=_("Policy"), required=False, coerce=int, empty_value=None, widget=PlainSelect
    )
    queue = forms.TypedChoiceField(
        label=_("Queue"), required=False, coerce=int, empty_value=None, widget=PlainSelect
    )
    channel = forms.ChoiceField(
        label=_("Channel"), required=False, choices=ANY + ChannelChoice.choices, widget=PlainSelect
    )

    def __init__(self, *args, today: date, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.today = today
        self.fields["since"].initial, self.fields["until"].initial = self._period({})
        self.fields["policy"].choices = ANY + list(Policy.objects.values_list("pk", "name"))
        self.fields["queue"].choices = ANY + list(Queue.objects.values_list("pk", "name"))

    def clean(self) -> dict:
        cleaned = super().clean()
        since, until = self._period(cleaned)
        if since > until:
            raise forms.ValidationError(_("The period ends before it starts."))
        if (until - since).days > MAX_DAYS:
            raise forms.ValidationError(_("Pick a period of at most three years."))
        return cleaned

    def _period(self, data: dict) -> tuple[date, date]:
        """First and last day of the period: the last 30 days when no period is given."""
        until = data.get("until") or self.today
        return data.get("since") or until - timedelta(days=DEFAULT_DAYS - 1), until

    def measure_filter(self) -> MeasureFilter | None:
        """The filter the form describes; None when the address holds invalid values."""
        if self.is_bound and not self.is_valid():
            return None
        data = self.cleaned_data if self.is_bound else {}
        since, until = self._period(data)
        return MeasureFilter(
            since=start_of_day(since),
            until=start_of_day(until + timedelta(days=1)),
            policy=data.get("policy"),
            queue=data.get("queue"),
            channel=data.get("channel") or "",
        )

    @property
    def group_by(self) -> str:
        return (
            self.cleaned_data.get("by") if self.is_bound and self.is_valid() else ""
        ) or "policy"

    @property
    def group_label(self) -> str:
        return str(GROUPING_LABELS[self.group_by])
