from decimal import Decimal

from django import forms
from django.core.validators import RegexValidator
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from loyaldesk.customers.models import OwnedProduct
from loyaldesk.repairs.models import CustomerReply, RepairStage
from loyaldesk.repairs.selectors import RepairFilter

MAX_FAULT_LENGTH = 5_000
SHOW_CHOICES = [("open", _("Open")), ("closed", _("Finished")), ("all", _("All"))]


class UnitChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: OwnedProduct) -> str:
        if obj.serial_number:
            return f"{obj.product.name} · {obj.serial_number}"
        return obj.product.name


class OpenRepairForm(forms.Form):
    """Receive one of the case customer's units for repair."""

    unit = UnitChoiceField(label=_("Unit"), queryset=OwnedProduct.objects.none())
    fault = forms.CharField(
        label=_("Fault reported"),
        max_length=MAX_FAULT_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    may_erase_data = forms.BooleanField(
        label=_("The repair may erase the customer's data"),
        required=False,
        help_text=_("The customer is warned now, and the work waits for their acknowledgement."),
    )

    def __init__(self, *args, units: QuerySet[OwnedProduct], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units


class PageForm(forms.Form):
    """A form of the repair page, several of which share a field name: ids of its own."""

    ids = "id_%s"

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("auto_id", self.ids)
        super().__init__(*args, **kwargs)


class StageForm(forms.Form):
    stage = forms.ChoiceField(choices=RepairStage.choices)


class AcknowledgementForm(PageForm):
    ids = "acknowledgement_%s"
    via = forms.ChoiceField(label=_("How the customer said so"), choices=CustomerReply.choices)


class EstimateForm(forms.Form):
    amount = forms.DecimalField(
        label=_("Amount"), min_value=Decimal("0"), max_digits=10, decimal_places=2
    )
    currency = forms.CharField(
        label=_("Currency"),
        initial="EUR",
        min_length=3,
        max_length=3,
        validators=[RegexValidator(r"^[A-Za-z]{3}$", _("Three letters, such as EUR."))],
    )


class EstimateAnswerForm(PageForm):
    ids = "answer_%s"

    answer = forms.ChoiceField(
        label=_("Answer"), choices=[("approved", _("Approved")), ("declined", _("Declined"))]
    )
    via = forms.ChoiceField(label=_("How the customer said so"), choices=CustomerReply.choices)


class LoanerForm(forms.Form):
    loaner = forms.CharField(label=_("Loaner lent"), max_length=200)


class RepairFilterForm(forms.Form):
    """The repair list's filters; the repeat filter only for those who may see repeats."""

    show = forms.ChoiceField(label=_("Show"), required=False, choices=SHOW_CHOICES)
    stage = forms.ChoiceField(
        label=_("Stage"), required=False, choices=[("", _("Any")), *RepairStage.choices]
    )
    overdue = forms.BooleanField(label=_("Over their target"), required=False)
    repeat = forms.BooleanField(label=_("Repeat repairs"), required=False)

    def __init__(self, *args, sees_repeats: bool, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if not sees_repeats:
            del self.fields["repeat"]

    def to_filter(self) -> RepairFilter:
        """The filter chosen; anything invalid falls back to the open repairs."""
        if not self.is_valid():
            return RepairFilter()
        data = self.cleaned_data
        return RepairFilter(
            show=data["show"] or "open",
            stage=data["stage"],
            overdue=data["overdue"],
            repeat=data.get("repeat", False),
        )
