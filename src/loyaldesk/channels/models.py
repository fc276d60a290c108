from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from loyaldesk.customers.models import Customer
from loyaldesk.desk.models import Case, Message, Queue


class DeliveryState(models.TextChoices):
    QUEUED = "queued", _("Queued")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")
    BOUNCED = "bounced", _("Bounced")


class Delivery(models.Model):
    """The outbox entry of one email to a customer: where it goes and whether it left.

    Either a reply in a case's thread (`message`), or an email of its own such as a survey
    invitation, whose text is kept here (`text`, `html`) with the customer and case it concerns.
    """

    message = models.OneToOneField(
        Message,
        verbose_name=_("message"),
        on_delete=models.CASCADE,
        related_name="delivery",
        null=True,
        blank=True,
    )
    customer = models.ForeignKey(
        Customer,
        verbose_name=_("customer"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="deliveries",
    )
    case = models.ForeignKey(
        Case,
        verbose_name=_("case"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="deliveries",
    )
    email_id = models.CharField(_("Message-ID"), max_length=255, blank=True)
    text = models.TextField(_("text"), blank=True)
    html = models.TextField(_("HTML"), blank=True)
    to_address = models.CharField(_("to"), max_length=254, blank=True)
    from_address = models.CharField(_("from"), max_length=254)
    subject = models.CharField(_("subject"), max_length=300)
    in_reply_to = models.CharField(_("in reply to"), max_length=255, blank=True)
    references = models.TextField(_("references"), blank=True)
    state = models.CharField(
        _("state"), max_length=10, choices=DeliveryState.choices, default=DeliveryState.QUEUED
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt"), null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"))

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")
        indexes = [models.Index(fields=["state", "next_attempt_at"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(message__isnull=False) | models.Q(customer__isnull=False),
                name="delivery_of_a_message_or_to_a_customer",
            )
        ]

    def __str__(self) -> str:
        return f"{self.to_address or '?'}: {self.get_state_display()}"

    @property
    def state_label(self) -> str:
        return DeliveryState(self.state).label


class SmtpSecurity(models.TextChoices):
    STARTTLS = "starttls", _("STARTTLS")
    TLS = "tls", _("TLS from the start (SMTPS)")
    NONE = "none", _("None (a relay on this machine)")


class Mailbox(models.Model):
    """An address customers write to: where the desk fetches its mail and what it answers from."""

    name = models.CharField(
        _("name"),
        max_length=100,
        unique=True,
        help_text=_("Customers see it as the sender's name of the replies (“Support”)."),
    )
    address = models.EmailField(
        _("address"), unique=True, help_text=_("Customers write here; replies are sent from it.")
    )
    queue = models.ForeignKey(
        Queue, verbose_name=_("queue for new cases"), on_delete=models.PROTECT, related_name="+"
    )
    imap_host = models.CharField(_("IMAP server"), max_length=255, blank=True)
    imap_port = models.PositiveIntegerField(_("IMAP port"), default=993)
    imap_tls = models.BooleanField(
        _("TLS from the start (IMAPS)"),
        default=True,
        help_text=_(
            "Otherwise STARTTLS when the server offers it (usually port 143). The server's "
            "certificate is verified either way."
        ),
    )
    imap_user = models.CharField(_("IMAP user"), max_length=255, blank=True)
    imap_secret_env = models.CharField(
        _("environment variable holding the password"),
        max_length=100,
        blank=True,
        help_text=_("The password itself is never stored: name the variable that holds it."),
    )
    folder = models.CharField(_("folder"), max_length=255, default="INBOX")
    smtp_host = models.CharField(
        _("SMTP server"),
        max_length=255,
        blank=True,
        help_text=_("Replies leave through it; empty: through the desk's own SMTP settings."),
    )
    smtp_port = models.PositiveIntegerField(_("SMTP port"), default=587)
    smtp_security = models.CharField(
        _("SMTP security"),
        max_length=10,
        choices=SmtpSecurity.choices,
        default=SmtpSecurity.STARTTLS,
    )
    smtp_user = models.CharField(_("SMTP user"), max_length=255, blank=True)
    smtp_secret_env = models.CharField(
        _("environment variable holding the SMTP password"),
        max_length=100,
        blank=True,
        help_text=_("Empty when the server needs no login."),
    )
    fax_senders = models.TextField(
        _("fax gateway addresses"),
        blank=True,
        help_text=_(
            "Emails from these addresses (one per line) are faxes: their PDF or TIFF "
            "document becomes a fax message from the number the gateway names."
        ),
    )
    signature = models.TextField(
        _("signature"), blank=True, help_text=_("Added under the replies sent from this mailbox.")
    )
    is_active = models.BooleanField(_("active"), default=True)
    last_fetch_at = models.DateTimeField(_("last fetch"), null=True, blank=True, editable=False)
    last_fetch_error = models.TextField(
        _("last fetch error"),
        blank=True,
        editable=False,
        help_text=_("Why the last fetch failed; empty when it worked."),
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("mailbox")
        verbose_name_plural = _("mailboxes")

    def __str__(self) -> str:
        return f"{self.name} <{self.address}>"

    @property
    def fax_gateways(self) -> frozenset[str]:
        """The fax gateway addresses, lower-cased."""
        return frozenset(line.strip().lower() for line in self.fax_senders.split() if line.strip())


class ReceivedState(models.TextChoices):
    RECEIVED = "received", _("Received, not read yet")
    ADDED = "added", _("Added to a case")
    DUPLICATE = "duplicate", _("Already received")
    IGNORED = "ignored", _("Kept, no case")
    FAILED = "failed", _("Could not be read")


def raw_email_path(received: ReceivedEmail, filename: str) -> str:
    return f"raw/email/{received.received_at:%Y/%m}/{received.sha256}.eml"


class ReceivedEmail(models.Model):
    """One email as it arrived, its bytes kept before anything reads them, and what became of it."""

    mailbox = models.ForeignKey(
        Mailbox, on_delete=models.PROTECT, null=True, blank=True, related_name="received"
    )
    uidvalidity = models.PositiveBigIntegerField(_("UIDVALIDITY"), null=True, blank=True)
    uid = models.PositiveBigIntegerField(_("UID"), null=True, blank=True)
    raw = models.FileField(_("raw bytes"), upload_to=raw_email_path, max_length=200)
    sha256 = models.CharField(_("SHA-256"), max_length=64, db_index=True)
    size = models.PositiveBigIntegerField(_("size in bytes"))
    email_id = models.CharField(_("Message-ID"), max_length=255, blank=True, db_index=True)
    sender = models.CharField(_("from"), max_length=254, blank=True, db_index=True)
    received_at = models.DateTimeField(_("received"), db_index=True)
    state = models.CharField(
        _("state"), max_length=10, choices=ReceivedState.choices, default=ReceivedState.RECEIVED
    )
    reason = models.CharField(_("why"), max_length=255, blank=True)
    case = models.ForeignKey(
        Case, on_delete=models.SET_NULL, null=True, blank=True, related_name="received_emails"
    )
    message = models.ForeignKey(
        Message, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    processed_at = models.DateTimeField(_("read"), null=True, blank=True)

    class Meta:
        ordering = ["-received_at", "-id"]
        verbose_name = _("received email")
        verbose_name_plural = _("received emails")
        constraints = [
            models.UniqueConstraint(
                fields=["mailbox", "uidvalidity", "uid"],
                condition=models.Q(uid__isnull=False),
                name="one_received_email_per_mailbox_uid",
            )
        ]
        indexes = [models.Index(fields=["state", "received_at"])]

    def __str__(self) -> str:
        return f"{self.email_id or self.sha256[:12]} ({self.state})"
