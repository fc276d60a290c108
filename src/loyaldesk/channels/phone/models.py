"""Phone calls, each in its case, and the telephony system's reports kept as they arrived."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from loyaldesk.customers.models import Customer
from loyaldesk.desk.models import Case, Message, Queue


class CallDirection(models.TextChoices):
    INBOUND = "inbound", _("Inbound")
    OUTBOUND = "outbound", _("Outbound")


class CallOutcome(models.TextChoices):
    # Only the telephony system reports a call still ringing or waiting in its queue.
    IN_PROGRESS = "in_progress", _("In progress")
    ANSWERED = "answered", _("Answered")
    ABANDONED = "abandoned", _("Caller hung up while waiting")
    MISSED = "missed", _("Missed")
    VOICEMAIL = "voicemail", _("Voicemail")
    NO_ANSWER = "no_answer", _("No answer")
    BUSY = "busy", _("Busy")


# Which outcomes each direction can have: a customer does not "abandon" our own call.
OUTCOMES = {
    CallDirection.INBOUND: (
        CallOutcome.ANSWERED,
        CallOutcome.ABANDONED,
        CallOutcome.MISSED,
        CallOutcome.VOICEMAIL,
    ),
    CallDirection.OUTBOUND: (
        CallOutcome.ANSWERED,
        CallOutcome.VOICEMAIL,
        CallOutcome.NO_ANSWER,
        CallOutcome.BUSY,
    ),
}


class CallSource(models.TextChoices):
    AGENT = "agent", _("Logged by an agent")
    TELEPHONY = "telephony", _("Telephony system")


class Call(models.Model):
    """One phone call: who called whom, how long they waited and talked, and how it ended."""

    source = models.CharField(_("source"), max_length=10, choices=CallSource.choices)
    external_id = models.CharField(
        _("telephony call id"),
        max_length=255,
        blank=True,
        help_text=_("The call's id in the telephony system: one call, however often reported."),
    )
    direction = models.CharField(_("direction"), max_length=10, choices=CallDirection.choices)
    outcome = models.CharField(_("outcome"), max_length=12, choices=CallOutcome.choices)
    caller_number = models.CharField(_("caller's number"), max_length=32, blank=True)
    called_number = models.CharField(_("called number"), max_length=32, blank=True)
    customer = models.ForeignKey(
        Customer,
        verbose_name=_("customer"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="calls",
    )
    # Empty for a call that made no case: a short abandon, or our call to a number with none.
    case = models.ForeignKey(
        Case,
        verbose_name=_("case"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="calls",
    )
    message = models.OneToOneField(
        Message,
        verbose_name=_("message"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="call",
    )
    queue = models.ForeignKey(
        Queue,
        verbose_name=_("queue"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="calls",
    )
    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("agent"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="calls",
    )
    started_at = models.DateTimeField(
        _("started"),
        db_index=True,
        help_text=_("When an inbound call reached the desk, or an outbound call was dialled."),
    )
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)
    ended_at = models.DateTimeField(_("ended"), null=True, blank=True)
    wait_seconds = models.PositiveIntegerField(
        _("seconds waiting"), null=True, blank=True, help_text=_("In the queue, before an answer.")
    )
    talk_seconds = models.PositiveIntegerField(_("seconds talking"), null=True, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    # Set once the call, its outcome known, was put in its case or kept without one: later
    # reports of the same call then only update it.
    settled_at = models.DateTimeField(_("settled"), null=True, blank=True)
    call_back_needed = models.BooleanField(_("call back needed"), default=False)
    called_back_at = models.DateTimeField(_("called back"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["-started_at", "-id"]
        verbose_name = _("call")
        verbose_name_plural = _("calls")
        constraints = [
            models.UniqueConstraint(
                fields=["external_id"], condition=~Q(external_id=""), name="one_call_per_call_id"
            )
        ]
        indexes = [
            models.Index(fields=["direction", "started_at"]),
            models.Index(fields=["case", "started_at"]),
            models.Index(fields=["call_back_needed", "started_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.direction_label} {self.customer_number} {self.started_at:%Y-%m-%d %H:%M}"

    @property
    def direction_label(self) -> str:
        return CallDirection(self.direction).label

    @property
    def outcome_label(self) -> str:
        return CallOutcome(self.outcome).label

    @property
    def customer_number(self) -> str:
        """The customer's end of the call."""
        if self.direction == CallDirection.INBOUND:
            return self.caller_number
        return self.called_number


class ReportState(models.TextChoices):
    RECEIVED = "received", _("Received, not read yet")
    APPLIED = "applied", _("Applied to its call")
    REJECTED = "rejected", _("Refused: not a valid report")
    FAILED = "failed", _("Could not be applied")


class TelephonyReport(models.Model):
    """One signed request of the telephony webhook, its body kept before it is read."""

    body = models.BinaryField(_("body as received"))
    received_at = models.DateTimeField(_("received"), db_index=True)
    state = models.CharField(
        _("state"), max_length=10, choices=ReportState.choices, default=ReportState.RECEIVED
    )
    reason = models.CharField(_("why"), max_length=500, blank=True)
    call = models.ForeignKey(
        Call,
        verbose_name=_("call"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="reports",
    )

    class Meta:
        ordering = ["-received_at", "-id"]
        verbose_name = _("telephony report")
        verbose_name_plural = _("telephony reports")

    def __str__(self) -> str:
        return f"{self.received_at:%Y-%m-%d %H:%M:%S} ({self.state})"
