from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from loyaldesk.desk.admin import RecordAdmin
from loyaldesk.desk.categories import category_choices
from loyaldesk.surveys.models import Answer, Choice, Invitation, Question, RecoveryTask, Survey


class QuestionInline(admin.StackedInline):
    model = Question
    extra = 0
    fields = (("position", "kind", "is_required"), "prompt_en", "prompt_fr", "prompt_it")


class SurveyForm(forms.ModelForm):
    """Categories picked from the desk's standard ones rather than typed as JSON."""

    categories = forms.MultipleChoiceField(
        label=_("case categories"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Only after cases of these categories; none for every case."),
    )

    class Meta:
        model = Survey
        fields = (
            "name",
            "trigger",
            "is_active",
            "categories",
            "delay_hours",
            "every_days",
            "sample_size",
            "active_within_days",
            "quiet_days",
            "link_valid_days",
        )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        current = self.instance.categories if self.instance.pk else []
        extra = [(c, c) for c in current if c not in dict(category_choices())]
        self.fields["categories"].choices = category_choices() + extra


@admin.register(Survey)
class SurveyAdmin(admin.ModelAdmin):
    form = SurveyForm
    list_display = ("name", "trigger", "is_active", "delay_hours", "quiet_days", "last_round_at")
    list_filter = ("trigger", "is_active")
    search_fields = ("name",)
    readonly_fields = ("last_round_at",)
    inlines = [QuestionInline]
    fieldsets = (
        (None, {"fields": ("name", "trigger", "is_active")}),
        (_("After a resolution"), {"fields": ("categories", "delay_hours")}),
        (_("On a schedule"), {"fields": ("every_days", "sample_size", "active_within_days")}),
        (_("Limits"), {"fields": ("quiet_days", "link_valid_days", "last_round_at")}),
    )


class ChoiceInline(admin.TabularInline):
    model = Choice
    extra = 1


@admin.register(Question)
class QuestionAdmin(admin.ModelAdmin):
    """Questions are edited with their survey; here a choice question gets its options."""

    list_display = ("__str__", "survey", "kind", "position")
    list_filter = ("survey", "kind")
    inlines = [ChoiceInline]


class AnswerInline(admin.TabularInline):
    model = Answer
    fields = ("question", "score", "choice", "text", "answered_at")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Invitation)
class InvitationAdmin(RecordAdmin):
    """Invitations and answers are the customers' words: read-only."""

    list_display = ("created_at", "survey", "customer", "case", "skipped", "completed_at")
    list_filter = ("survey", "skipped", "language")
    raw_id_fields = ("customer", "case", "agent", "delivery")
    exclude = ("token_digest",)
    date_hierarchy = "created_at"
    inlines = [AnswerInline]


@admin.register(RecoveryTask)
class RecoveryTaskAdmin(RecordAdmin):
    list_display = ("created_at", "customer", "reason", "owner", "state", "due_at")
    list_filter = ("state", "reason")
    raw_id_fields = ("invitation", "customer", "case", "owner")
