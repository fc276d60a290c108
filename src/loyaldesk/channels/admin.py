from django.contrib import admin

from loyaldesk.channels.models import Delivery
from loyaldesk.desk.admin import RecordAdmin


@admin.register(Delivery)
class DeliveryAdmin(RecordAdmin):
    """The outbox, read-only: deliveries change only through the sending job."""

    list_display = ("created_at", "to_address", "subject", "state", "attempts", "sent_at")
    list_filter = ("state",)
    search_fields = ("to_address", "subject", "message__case__number", "case__number")
    raw_id_fields = ("message", "customer", "case")
    date_hierarchy = "created_at"
