"""Forms of the channels' desk pages."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


class FaxForm(forms.Form):
    """A fax the customer sent, scanned or saved by an agent."""

    document = forms.FileField(label=_("Fax document (PDF or TIFF)"))
    note = forms.CharField(
        label=_("Note"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("What the fax is about; shown as the message's text."),
    )
