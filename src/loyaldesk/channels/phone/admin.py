from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from loyaldesk.channels.phone.models import Call, TelephonyReport
from loyaldesk.desk.admin import RecordAdmin


@admin.register(Call)
class CallAdmin(RecordAdmin):
    """Calls change through the case page and the webhook, which record events."""

    list_display = (
        "started_at", "direction", "outcome", "caller_number", "called_number", "wait_seconds",
        "talk_seconds", "case", "agent", "source",
    )  # fmt: skip
    list_filter = ("direction", "outcome", "source", "call_back_needed", "queue")
    search_fields = ("=external_id", "caller_number", "called_number", "=case__number")
    date_hierarchy = "started_at"
    raw_id_fields = ("customer", "case", "message", "agent")


@admin.register(TelephonyReport)
class TelephonyReportAdmin(RecordAdmin):
    """Every signed webhook request as it arrived, and what became of it."""

    list_display = ("received_at", "state", "reason", "call")
    list_filter = ("state",)
    date_hierarchy = "received_at"
    readonly_fields = ("received_at", "state", "reason", "call", "body_text")
    exclude = ("body",)

    @admin.display(description=_("body as received"))
    def body_text(self, report: TelephonyReport) -> str:
        return bytes(report.body).decode("utf-8", "replace")
