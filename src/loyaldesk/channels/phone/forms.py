from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from loyaldesk.channels.phone.models import OUTCOMES, CallDirection, CallOutcome
from loyaldesk.customers.identities import InvalidAddress, normalise_phone

MAX_NOTES = 10_000
MAX_MINUTES = 600
# A clock a little ahead of the server's is no reason to refuse a call logged as it ends.
FUTURE_SLACK = timedelta(minutes=5)


class LogCallForm(forms.Form):
    """A call an agent made or took, as they log it on the case."""

    direction = forms.ChoiceField(
        label=_("Direction"),
        choices=[
            (CallDirection.INBOUND, _("The customer called")),
            (CallDirection.OUTBOUND, _("We called the customer")),
        ],
        initial=CallDirection.INBOUND,
    )
    outcome = forms.ChoiceField(
        label=_("Outcome"),
        choices=[choice for choice in CallOutcome.choices if choice[0] != CallOutcome.IN_PROGRESS],
        initial=CallOutcome.ANSWERED,
    )
    started_at = forms.DateTimeField(
        label=_("Started"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )
    minutes = forms.DecimalField(
        label=_("Duration in minutes"),
        required=False,
        min_value=Decimal(0),
        max_value=Decimal(MAX_MINUTES),
        decimal_places=1,
        widget=forms.NumberInput(attrs={"step": "0.5", "inputmode": "decimal"}),
    )
    number = forms.CharField(
        label=_("Phone number"),
        required=False,
        max_length=40,
        help_text=_("Empty: the customer's number."),
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "off"}),
    )
    notes = forms.CharField(
        label=_("Notes"),
        required=False,
        max_length=MAX_NOTES,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(
        self, *args, region: str = "", opened_at: datetime | None = None, **kwargs
    ) -> None:
        kwargs.setdefault("auto_id", "call_%s")  # the case page has other forms' fields
        super().__init__(*args, **kwargs)
        self.region = region
        self.opened_at = opened_at
        if not self.is_bound:
            now = timezone.localtime().replace(second=0, microsecond=0)
            self.initial.setdefault("started_at", now)

    def clean_started_at(self):
        started = self.cleaned_data["started_at"]
        if started > timezone.now() + FUTURE_SLACK:
            raise forms.ValidationError(_("A call cannot start in the future."))
        if self.opened_at and started < self.opened_at.replace(second=0, microsecond=0):
            raise forms.ValidationError(
                _("The case was opened after this: log the call on the case it belongs to.")
            )
        return started

    def clean_number(self) -> str:
        number = self.cleaned_data["number"].strip()
        if not number:
            return ""
        try:
            return normalise_phone(number, self.region)
        except InvalidAddress:
            raise forms.ValidationError(_("This is not a phone number.")) from None

    def clean(self) -> dict:
        cleaned = super().clean()
        direction, outcome = cleaned.get("direction"), cleaned.get("outcome")
        if direction and outcome and outcome not in OUTCOMES[CallDirection(direction)]:
            allowed = ", ".join(str(CallOutcome(value).label) for value in OUTCOMES[direction])
            self.add_error(
                "outcome",
                _("This outcome is not possible for this direction; choose one of: %(allowed)s")
                % {"allowed": allowed},
            )
        if outcome == CallOutcome.ANSWERED and cleaned.get("minutes") is None:
            self.add_error("minutes", _("Give the length of the conversation."))
        return cleaned

    @property
    def talk_seconds(self) -> int | None:
        """The duration the agent gave, in seconds."""
        minutes = self.cleaned_data.get("minutes")
        return None if minutes is None else int(minutes * 60)
