from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from loyaldesk.channels.models import Delivery, Mailbox, ReceivedEmail
from loyaldesk.desk.admin import RecordAdmin


@admin.register(Delivery)
class DeliveryAdmin(RecordAdmin):
    """The outbox, read-only: deliveries change only through the sending job."""

    list_display = ("created_at", "to_address", "subject", "state", "attempts", "sent_at")
    list_filter = ("state",)
    search_fields = ("to_address", "subject", "message__case__number", "case__number")
    raw_id_fields = ("message", "customer", "case")
    date_hierarchy = "created_at"


@admin.register(Mailbox)
class MailboxAdmin(admin.ModelAdmin):
    list_display = ("name", "address", "queue", "is_active", "last_fetch_at", "last_fetch_error")
    list_filter = ("is_active",)
    readonly_fields = ("last_fetch_at", "last_fetch_error")
    fieldsets = (
        (None, {"fields": ("name", "address", "queue", "signature", "is_active")}),
        (_("Last fetch"), {"fields": ("last_fetch_at", "last_fetch_error")}),
        (
            _("Incoming mail (IMAP)"),
            {
                "fields": (
                    "imap_host",
                    "imap_port",
                    "imap_tls",
                    "imap_user",
                    "imap_secret_env",
                    "folder",
                )
            },
        ),
        (
            _("Outgoing mail (SMTP)"),
            {"fields": ("smtp_host", "smtp_port", "smtp_security", "smtp_user", "smtp_secret_env")},
        ),
        (_("Fax"), {"fields": ("fax_senders",)}),
    )


@admin.register(ReceivedEmail)
class ReceivedEmailAdmin(RecordAdmin):
    """What arrived and what became of it, read-only: the bytes are kept as they came."""

    list_display = ("received_at", "sender", "email_id", "mailbox", "state", "reason", "case")
    list_filter = ("state", "mailbox")
    search_fields = ("sender", "email_id", "case__number")
    raw_id_fields = ("case", "message")
    date_hierarchy = "received_at"
