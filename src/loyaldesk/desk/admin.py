from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from loyaldesk.desk.models import Attachment, Case, Event, Macro, MacroText, Message, Queue


@admin.register(Queue)
class QueueAdmin(admin.ModelAdmin):
    list_display = ("name", "slug", "team", "is_default", "is_active")
    list_filter = ("is_active", "team")
    search_fields = ("name", "slug")
    prepopulated_fields = {"slug": ("name",)}


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


class RecordAdmin(admin.ModelAdmin):
    """Read-only: cases and their records change only through the services, which log events."""

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class MessageInline(ReadOnlyInline):
    model = Message
    fields = ("created_at", "kind", "channel", "author_user", "author_customer", "text")


class EventInline(ReadOnlyInline):
    model = Event
    fields = ("at", "kind", "actor_kind", "actor", "before", "after")


@admin.register(Case)
class CaseAdmin(RecordAdmin):
    """Cases change through the desk's services; the admin shows them read-only."""

    list_display = (
        "number", "subject", "status", "priority", "queue", "assignee", "customer", "opened_at"
    )  # fmt: skip
    list_filter = ("status", "priority", "origin_channel", "queue", "category", "language")
    search_fields = ("=number", "subject", "customer__last_name", "customer__identities__address")
    date_hierarchy = "opened_at"
    raw_id_fields = ("customer", "assignee", "repeat_of")
    inlines = (MessageInline, EventInline)
    show_full_result_count = False


@admin.register(Message)
class MessageAdmin(RecordAdmin):
    list_display = ("case", "kind", "channel", "created_at", "sender_address")
    list_filter = ("kind", "channel", "language")
    search_fields = ("=case__number", "external_id", "sender_address", "text")
    raw_id_fields = ("case", "author_user", "author_customer")
    date_hierarchy = "created_at"
    show_full_result_count = False


@admin.register(Attachment)
class AttachmentAdmin(RecordAdmin):
    list_display = ("filename", "content_type", "size", "blocked", "sha256", "created_at")
    list_filter = ("content_type",)
    search_fields = ("filename", "sha256", "=message__case__number")
    raw_id_fields = ("message",)


@admin.register(Event)
class EventAdmin(RecordAdmin):
    """The event log is append-only: readable here, never editable."""

    list_display = ("at", "kind", "case", "customer", "actor_kind", "actor")
    list_filter = ("kind", "actor_kind")
    search_fields = ("=case__number", "kind", "customer__last_name")
    date_hierarchy = "at"
    raw_id_fields = ("case", "customer", "actor")
    show_full_result_count = False


class MacroTextInline(admin.StackedInline):
    """A macro's texts are part of it: whoever may change the macro may change its texts."""

    model = MacroText
    extra = 1
    min_num = 1
    max_num = len(MacroText._meta.get_field("language").choices)
    validate_min = True

    def has_view_permission(self, request, obj=None) -> bool:
        return request.user.has_perm("desk.view_macro") or self.has_change_permission(request)

    def has_add_permission(self, request, obj=None) -> bool:
        return self.has_change_permission(request)

    def has_change_permission(self, request, obj=None) -> bool:
        return request.user.has_perm("desk.change_macro") or request.user.has_perm("desk.add_macro")

    def has_delete_permission(self, request, obj=None) -> bool:
        return self.has_change_permission(request)


@admin.register(Macro)
class MacroAdmin(admin.ModelAdmin):
    list_display = (
        "name", "is_active", "queue", "team", "then", "priority", "category", "assign_to_me",
        "languages",
    )  # fmt: skip
    list_filter = ("is_active", "queue", "team", "then", "priority")
    search_fields = ("name", "description", "category", "texts__text")
    fields = (
        "name", "description", "is_active", ("queue", "team"), "then", "priority", "category",
        "assign_to_me",
    )  # fmt: skip
    inlines = (MacroTextInline,)

    def get_queryset(self, request):
        return (
            super().get_queryset(request).select_related("queue", "team").prefetch_related("texts")
        )

    @admin.display(description=_("languages"))
    def languages(self, macro: Macro) -> str:
        return ", ".join(text.language for text in macro.texts.all())
