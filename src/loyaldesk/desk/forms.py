from django import forms
from django.utils.translation import gettext_lazy as _

from loyaldesk.desk.models import CaseStatus
from loyaldesk.desk.selectors import ACTIVE_STATUSES, CaseFilter


class CaseFilterForm(forms.Form):
    """The filters above the case list."""

    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[(ACTIVE_STATUSES, _("All active")), ("", _("Any status")), *CaseStatus.choices],
        initial=ACTIVE_STATUSES,
    )
    queue = forms.TypedChoiceField(label=_("Queue"), required=False, coerce=int, empty_value=None)
    mine = forms.BooleanField(label=_("Assigned to me"), required=False)
    q = forms.CharField(label=_("Search"), required=False, max_length=200)

    def __init__(self, *args, queues=(), **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["queue"].choices = [("", _("All queues"))] + [(q.pk, q.name) for q in queues]

    def to_filter(self) -> CaseFilter:
        if not self.is_valid():
            return CaseFilter()
        data = self.cleaned_data
        status = data["status"] if "status" in self.data else ACTIVE_STATUSES
        return CaseFilter(status=status, queue=data["queue"], mine=data["mine"], search=data["q"])
