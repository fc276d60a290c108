from django import forms
from django.contrib import admin
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from loyaldesk.customers.models import ChannelChoice, CustomerLanguage, Segment
from loyaldesk.desk.admin import RecordAdmin
from loyaldesk.desk.categories import category_choices
from loyaldesk.desk.models import Priority
from loyaldesk.service_levels.models import (
    Closure,
    Escalation,
    EscalationRule,
    Expectation,
    OpeningRange,
    Policy,
    PolicyVersion,
    ServiceCalendar,
    ServiceMeasure,
)
from loyaldesk.service_levels.services import publish_policy


class OpeningRangeInline(admin.TabularInline):
    model = OpeningRange
    extra = 0


class ClosureInline(admin.TabularInline):
    model = Closure
    extra = 0


class EscalationRuleInline(admin.TabularInline):
    model = EscalationRule
    extra = 0
    fields = ("target", "percent", "action", "assign_to", "priority", "is_active")
    raw_id_fields = ("assign_to",)


@admin.register(ServiceCalendar)
class ServiceCalendarAdmin(admin.ModelAdmin):
    list_display = ("name", "time_zone", "holiday_country", "holiday_subdivision")
    inlines = [OpeningRangeInline, ClosureInline]


def picked(label, choices) -> forms.MultipleChoiceField:
    return forms.MultipleChoiceField(
        label=capfirst(label),
        required=False,
        choices=choices,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("None ticked: any."),
    )


class PolicyForm(forms.ModelForm):
    """Conditions ticked from the desk's own values rather than typed as JSON."""

    segments = picked(_("customer segments"), Segment.choices)
    priorities = picked(_("priorities"), Priority.choices)
    channels = picked(_("channels"), ChannelChoice.choices)
    categories = picked(_("categories"), ())
    languages = picked(_("languages of the case"), CustomerLanguage.choices)

    class Meta:
        model = Policy
        fields = (
            "name",
            "position",
            "is_active",
            "calendar",
            "segments",
            "organisations",
            "priorities",
            "channels",
            "categories",
            "languages",
            "queues",
            "first_response_minutes",
            "next_response_minutes",
            "resolution_minutes",
        )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["categories"].choices = category_choices()


@admin.register(Policy)
class PolicyAdmin(admin.ModelAdmin):
    form = PolicyForm
    list_display = (
        "name",
        "position",
        "is_active",
        "calendar",
        "first_response_minutes",
        "next_response_minutes",
        "resolution_minutes",
    )
    list_editable = ("position", "is_active")
    filter_horizontal = ("organisations", "queues")
    inlines = [EscalationRuleInline]

    def save_related(self, request, form, formsets, change) -> None:
        super().save_related(request, form, formsets, change)
        # Cases opened from now on are measured against what was just saved; cases measured
        # before keep the version they were measured against.
        publish_policy(form.instance)


@admin.register(PolicyVersion)
class PolicyVersionAdmin(RecordAdmin):
    list_display = ("policy", "number", "created_at")
    readonly_fields = ("policy", "number", "definition", "created_at")


@admin.register(Expectation)
class ExpectationAdmin(admin.ModelAdmin):
    list_display = (
        "__str__",
        "first_response_minutes",
        "next_response_minutes",
        "resolution_minutes",
        "note",
    )
    raw_id_fields = ("customer",)


@admin.register(ServiceMeasure)
class ServiceMeasureAdmin(RecordAdmin):
    list_display = ("case", "target", "cycle", "outcome", "at", "business_seconds")
    list_filter = ("target", "outcome")


@admin.register(Escalation)
class EscalationAdmin(RecordAdmin):
    list_display = ("case", "kind", "target", "wait", "rule", "fired_at")
    list_filter = ("kind", "target")
