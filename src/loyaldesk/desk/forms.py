from collections.abc import Iterable

from django import forms
from django.utils.translation import gettext_lazy as _

from loyaldesk.accounts.models import User
from loyaldesk.core.widgets import ChoiceList, PlainSelect
from loyaldesk.customers.models import ChannelChoice, CustomerLanguage
from loyaldesk.desk.attachments import (
    MAX_ATTACHMENTS_PER_MESSAGE,
    AttachmentRefused,
    check_upload,
)
from loyaldesk.desk.categories import category_choices
from loyaldesk.desk.lifecycle import ALLOWED, Status
from loyaldesk.desk.models import Case, CaseStatus, Macro, Priority, Queue
from loyaldesk.desk.selectors import (
    DEFAULT_SORT,
    ME,
    NOBODY,
    SORTS,
    CaseFilter,
    CaseView,
    ServiceLevelFilter,
)

MAX_MESSAGE_LENGTH = 50_000
MAX_BULK_CASES = 200
ANY = [("", _("Any"))]
SORT_LABELS = {
    "-updated_at": _("Last activity, newest first"),
    "updated_at": _("Last activity, oldest first"),
    "-opened_at": _("Opened, newest first"),
    "opened_at": _("Opened, oldest first"),
    "-number": _("Number, highest first"),
    "sla_due_at": _("Due soonest first"),
    "number": _("Number, lowest first"),
}


class CaseFilterForm(forms.Form):
    """The view, filters and sort of the case list."""

    view = forms.ChoiceField(
        required=False, choices=[(view.value, view.value) for view in CaseView]
    )
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=ANY + CaseStatus.choices, widget=PlainSelect
    )
    priority = forms.ChoiceField(
        label=_("Priority"), required=False, choices=ANY + Priority.choices, widget=PlainSelect
    )
    queue = forms.TypedChoiceField(
        label=_("Queue"), required=False, coerce=int, empty_value=None, widget=PlainSelect
    )
    assignee = forms.ChoiceField(label=_("Assignee"), required=False, widget=PlainSelect)
    channel = forms.ChoiceField(
        label=_("Channel"), required=False, choices=ANY + ChannelChoice.choices, widget=PlainSelect
    )
    language = forms.ChoiceField(
        label=_("Language"),
        required=False,
        choices=ANY + CustomerLanguage.choices,
        widget=PlainSelect,
    )
    category = forms.CharField(
        label=_("Category"), required=False, max_length=60, widget=PlainSelect
    )
    customer = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)
    service_level = forms.ChoiceField(
        label=_("Service level"),
        required=False,
        choices=[
            ("", _("Any")),
            (ServiceLevelFilter.RUNNING.value, _("Target running")),
            (ServiceLevelFilter.AT_RISK.value, _("Predicted to breach")),
            (ServiceLevelFilter.OVERDUE.value, _("Overdue")),
            (ServiceLevelFilter.BREACHED.value, _("Breached")),
        ],
        widget=PlainSelect,
    )
    q = forms.CharField(label=_("Search"), required=False, max_length=200)
    sort = forms.ChoiceField(
        label=_("Sort"),
        required=False,
        choices=[(key, SORT_LABELS[key]) for key in SORTS],
        widget=PlainSelect,
    )

    def __init__(self, *args, queues=(), assignees=(), **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["queue"].choices = ChoiceList(
            [("", _("All queues")), *((q.pk, q.name) for q in queues)]
        )
        self.fields["assignee"].choices = ChoiceList(
            [
                ("", _("Anyone")),
                (ME, _("Me")),
                (NOBODY, _("Nobody")),
                *((str(pk), name) for pk, name in assignees),
            ]
        )
        self.fields["category"].widget.choices = ChoiceList(
            [
                ("", _("Any")),
                *category_choices(self.data.get("category", "") if self.is_bound else ""),
            ]
        )

    def to_filter(self) -> CaseFilter:
        """The filter the form describes; a field with an error (shown beside it) is left out."""
        self.is_valid()
        data = self.cleaned_data
        return CaseFilter(
            view=CaseView(data.get("view") or CaseView.OPEN),
            status=data.get("status", ""),
            priority=data.get("priority", ""),
            queue=data.get("queue"),
            assignee=data.get("assignee", ""),
            channel=data.get("channel", ""),
            language=data.get("language", ""),
            category=data.get("category", "").strip(),
            customer=data.get("customer"),
            service_level=data.get("service_level", ""),
            search=data.get("q", ""),
            sort=data.get("sort") or DEFAULT_SORT,
        )


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class FilesField(forms.FileField):
    """Several files in one input, each within the attachment policy (size and type), at
    most ten."""

    widget = MultipleFileInput

    def clean(self, data, initial=None) -> list:
        files = data if isinstance(data, list | tuple) else [data] if data else []
        if len(files) > MAX_ATTACHMENTS_PER_MESSAGE:
            raise forms.ValidationError(
                _("At most %(count)d files per message.") % {"count": MAX_ATTACHMENTS_PER_MESSAGE}
            )
        cleaned = [super(FilesField, self).clean(file, initial) for file in files]
        for file in cleaned:
            try:
                check_upload(file)
            except AttachmentRefused as refused:
                raise forms.ValidationError(str(refused)) from refused
        return cleaned


class ReplyForm(forms.Form):
    """A reply to the customer, and the status the case takes after it."""

    THEN_CHOICES = [
        (Status.PENDING_CUSTOMER.value, _("Send, wait for the customer")),
        (Status.OPEN.value, _("Send, keep open")),
        (Status.RESOLVED.value, _("Send and resolve")),
    ]
    text = forms.CharField(
        label=_("Reply to the customer"), max_length=MAX_MESSAGE_LENGTH, widget=forms.Textarea
    )
    then = forms.ChoiceField(
        label=_("Then"),
        choices=THEN_CHOICES,
        initial=Status.PENDING_CUSTOMER,
        widget=PlainSelect,
    )
    files = FilesField(label=_("Attach files"), required=False)
    macro = forms.ModelChoiceField(
        queryset=Macro.objects.none(),
        required=False,
        widget=forms.HiddenInput,
        error_messages={
            "invalid_choice": _(
                "The macro is no longer offered on this case; send again to send the text alone."
            )
        },
    )

    def __init__(self, *args, macros=None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if macros is not None:
            self.fields["macro"].queryset = macros

    @property
    def chosen_macro(self) -> Macro | None:
        """The macro the reply goes with: inserted (unbound form) or posted and still offered."""
        if not self.is_bound:
            return self.initial.get("macro")
        self.is_valid()  # cleans once; a valid macro stays in cleaned_data even if the text is not
        return self.cleaned_data.get("macro")


class NoteForm(forms.Form):
    text = forms.CharField(
        label=_("Internal note"), max_length=MAX_MESSAGE_LENGTH, widget=forms.Textarea
    )
    files = FilesField(label=_("Attach files"), required=False)


class AssigneeField(forms.TypedChoiceField):
    """Whom to give cases to, among (id, name) choices; cleans to the user, or None (nobody)."""

    widget = PlainSelect

    def __init__(self, **kwargs) -> None:
        kwargs.setdefault("label", _("Assignee"))
        super().__init__(required=False, coerce=int, empty_value=None, **kwargs)

    def offer(self, people: Iterable[tuple[int, str]]) -> None:
        self.choices = ChoiceList([("", _("Nobody")), *people])

    def clean(self, value) -> User | None:
        pk = super().clean(value)
        return User.objects.get(pk=pk) if pk else None


class AssignForm(forms.Form):
    assignee = AssigneeField()

    def __init__(self, *args, assignees: Iterable[tuple[int, str]] = (), **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["assignee"].offer(assignees)


class StatusForm(forms.Form):
    status = forms.ChoiceField(label=_("Move to"), widget=PlainSelect)

    def __init__(self, *args, case: Case, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        allowed = ALLOWED[Status(case.status)]
        self.fields["status"].choices = [
            (value, label) for value, label in CaseStatus.choices if Status(value) in allowed
        ]


class CaseDetailsForm(forms.ModelForm):
    class Meta:
        model = Case
        fields = ["subject", "priority", "category", "queue"]
        widgets = {"priority": PlainSelect, "queue": PlainSelect}

    def __init__(self, *args, queues=None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["queue"].queryset = queues if queues is not None else Queue.objects.none()
        self.fields["queue"].empty_label = None
        self.fields["category"].widget = PlainSelect(
            choices=[("", "—"), *category_choices(self.instance.category)]
        )


class CaseNumbersField(forms.Field):
    """The case numbers ticked in the list."""

    widget = forms.MultipleHiddenInput
    default_error_messages = {
        "invalid": _("These are not case numbers."),
        "too_many": _("Select at most %(limit)s cases at a time."),
    }

    def to_python(self, value) -> list[int]:
        try:
            return sorted({int(number) for number in value or ()})
        except (TypeError, ValueError) as error:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid") from error

    def validate(self, value: list[int]) -> None:
        super().validate(value)
        if len(value) > MAX_BULK_CASES:
            raise forms.ValidationError(
                self.error_messages["too_many"], code="too_many", params={"limit": MAX_BULK_CASES}
            )


class BulkActionForm(forms.Form):
    """One change applied to many selected cases."""

    ASSIGN, STATUS, PRIORITY = "assign", "status", "priority"
    VALUE_FIELDS = {ASSIGN: "assignee", STATUS: "status", PRIORITY: "priority"}
    case = CaseNumbersField(error_messages={"required": _("Tick the cases to change first.")})
    action = forms.ChoiceField(
        label=_("Action"),
        choices=[(ASSIGN, _("Assign to")), (STATUS, _("Move to")), (PRIORITY, _("Priority"))],
        widget=PlainSelect,
    )
    assignee = AssigneeField()
    # No case can be moved back to New.
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[
            ("", "—"),
            *((value, label) for value, label in CaseStatus.choices if value != Status.NEW),
        ],
        widget=PlainSelect,
    )
    priority = forms.ChoiceField(
        label=_("Priority"),
        required=False,
        choices=[("", "—"), *Priority.choices],
        widget=PlainSelect,
    )

    def __init__(self, *args, assignees: Iterable[tuple[int, str]] = (), **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["assignee"].offer(assignees)

    def clean(self):
        data = super().clean()
        action = data.get("action")
        if action == self.STATUS and not data.get("status"):
            self.add_error("status", _("Choose the status to move the cases to."))
        if action == self.PRIORITY and not data.get("priority"):
            self.add_error("priority", _("Choose the priority."))
        return data


class SavedViewForm(forms.Form):
    name = forms.CharField(label=_("Save this view as"), max_length=80)


class CaseNumberField(forms.IntegerField):
    """A case number as agents type it: '1042' or '#1042'."""

    def to_python(self, value):
        if isinstance(value, str):
            value = value.strip().lstrip("#")
        return super().to_python(value)


class MergeCaseForm(forms.Form):
    into = CaseNumberField(label=_("Merge into case number"), min_value=1, max_value=2**63 - 1)
    confirm = forms.BooleanField(
        label=_("Its messages go to that case, and this case is closed."), required=True
    )


class LinkCaseForm(forms.Form):
    other = CaseNumberField(label=_("Link to case number"), min_value=1, max_value=2**63 - 1)


class SplitForm(forms.Form):
    subject = forms.CharField(label=_("Subject of the new case"), max_length=255)
