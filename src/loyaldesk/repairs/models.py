from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from loyaldesk.customers.models import OwnedProduct
from loyaldesk.desk.models import Case
from loyaldesk.repairs.stages import ESTIMATE_STAGES, Blocker, Safeguards, Stage


class RepairStage(models.TextChoices):
    RECEIVED = Stage.RECEIVED.value, _("Received")
    DIAGNOSING = Stage.DIAGNOSING.value, _("Diagnosing")
    WAITING_FOR_PARTS = Stage.WAITING_FOR_PARTS.value, _("Waiting for parts")
    REPAIRING = Stage.REPAIRING.value, _("Repairing")
    QUALITY_CHECK = Stage.QUALITY_CHECK.value, _("Quality check")
    READY = Stage.READY.value, _("Ready")
    RETURNED = Stage.RETURNED.value, _("Returned")
    CANCELLED = Stage.CANCELLED.value, _("Cancelled")


class CustomerReply(models.TextChoices):
    """How the customer gave an answer the desk records: an acknowledgement, an approval."""

    EMAIL = "email", _("By email")
    PHONE = "phone", _("By phone")
    PORTAL = "portal", _("On the portal")
    IN_PERSON = "in_person", _("In person")
    LETTER = "letter", _("By letter or fax")


# Why a repair cannot move to a stage, as people read it.
BLOCKER_MESSAGES = {
    Blocker.NOT_ALLOWED: _("The repair cannot move to that stage from where it is."),
    Blocker.DATA_LOSS_NOT_ACKNOWLEDGED: _(
        "The work cannot start: the repair may erase the customer's data and they have not "
        "acknowledged the warning."
    ),
    Blocker.ESTIMATE_NOT_APPROVED: _(
        "The customer has not approved an estimate: out of warranty, or once an estimate was "
        "sent, no parts are ordered and no work starts before."
    ),
}

POSITIVE_DAYS = [MinValueValidator(Decimal("0.1"))]


def days(value: Decimal | None) -> timedelta | None:
    """A number of days (0.5 is twelve hours) as a duration."""
    return None if value is None else timedelta(days=float(value))


def repair_reference(number: int) -> str:
    """How people write a repair's number: 'R1042'."""
    return f"R{number}"


class RepairTarget(models.Model):
    """How long a repair of one product family should take, in total and per stage."""

    product_family = models.CharField(
        _("product family"),
        max_length=60,
        unique=True,
        help_text=_("A product category, as products carry it."),
    )
    total_days = models.DecimalField(
        _("target in days"),
        max_digits=5,
        decimal_places=1,
        validators=POSITIVE_DAYS,
        help_text=_("From receiving the unit to returning it; calendar days, 0.5 is 12 hours."),
    )

    class Meta:
        ordering = ["product_family"]
        verbose_name = _("repair target")
        verbose_name_plural = _("repair targets")

    def __str__(self) -> str:
        return self.product_family

    def stage_targets(self) -> dict[Stage, timedelta]:
        """The per-stage targets, as durations."""
        return {Stage(each.stage): days(each.days) for each in self.stages.all()}


class RepairStageTarget(models.Model):
    """How long a repair of a product family should stay in one stage."""

    target = models.ForeignKey(RepairTarget, on_delete=models.CASCADE, related_name="stages")
    stage = models.CharField(_("stage"), max_length=20, choices=RepairStage.choices)
    days = models.DecimalField(
        _("target in days"), max_digits=5, decimal_places=1, validators=POSITIVE_DAYS
    )

    class Meta:
        ordering = ["target", "stage"]
        verbose_name = _("stage target")
        verbose_name_plural = _("stage targets")
        constraints = [
            models.UniqueConstraint(fields=["target", "stage"], name="one_target_per_stage")
        ]

    def __str__(self) -> str:
        return f"{self.target} {self.stage}"


class RepairOrder(models.Model):
    """An after-sales repair of one unit a customer owns, worked from one case."""

    number = models.PositiveBigIntegerField(_("number"), unique=True, editable=False)
    case = models.ForeignKey(
        Case, verbose_name=_("case"), on_delete=models.PROTECT, related_name="repairs"
    )
    owned_product = models.ForeignKey(
        OwnedProduct, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="repairs"
    )
    fault = models.TextField(_("fault reported"))
    stage = models.CharField(
        _("stage"), max_length=20, choices=RepairStage.choices, default=RepairStage.RECEIVED
    )
    stage_entered_at = models.DateTimeField(_("in this stage since"))
    opened_at = models.DateTimeField(_("received"), db_index=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    # The target in force when the unit came in: changing a target later does not move the
    # due time of repairs already under way.
    target_days = models.DecimalField(
        _("target in days"), max_digits=5, decimal_places=1, null=True, blank=True
    )
    due_at = models.DateTimeField(_("due"), null=True, blank=True)
    in_warranty = models.BooleanField(_("under warranty when received"))
    may_erase_data = models.BooleanField(_("the repair may erase the customer's data"))
    data_loss_warned_at = models.DateTimeField(
        _("customer warned of data loss"), null=True, blank=True
    )
    data_loss_acknowledged_at = models.DateTimeField(
        _("customer acknowledged data loss"), null=True, blank=True
    )
    data_loss_acknowledged_via = models.CharField(
        _("acknowledged"), max_length=12, choices=CustomerReply.choices, blank=True
    )
    estimate_amount = models.DecimalField(
        _("estimate"), max_digits=10, decimal_places=2, null=True, blank=True
    )
    estimate_currency = models.CharField(_("currency"), max_length=3, blank=True)
    estimate_sent_at = models.DateTimeField(_("estimate sent"), null=True, blank=True)
    estimate_approved_at = models.DateTimeField(_("estimate approved"), null=True, blank=True)
    estimate_declined_at = models.DateTimeField(_("estimate declined"), null=True, blank=True)
    estimate_answered_via = models.CharField(
        _("estimate answered"), max_length=12, choices=CustomerReply.choices, blank=True
    )
    repeat_of = models.ForeignKey(
        "self",
        verbose_name=_("repeat of"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="repeats",
        help_text=_("The repair of the same unit it came back from."),
    )
    loaner = models.CharField(_("loaner"), max_length=200, blank=True)
    loaner_lent_at = models.DateTimeField(_("loaner lent"), null=True, blank=True)
    loaner_returned_at = models.DateTimeField(_("loaner returned"), null=True, blank=True)

    class Meta:
        ordering = ["-opened_at", "-id"]
        verbose_name = _("repair")
        verbose_name_plural = _("repairs")
        permissions = [("view_repeat_repairs", _("Can see the list of repeat repairs"))]
        constraints = [
            models.UniqueConstraint(
                fields=["owned_product"],
                condition=Q(closed_at__isnull=True),
                name="one_open_repair_per_unit",
            )
        ]
        indexes = [
            models.Index(fields=["owned_product", "closed_at"]),
            models.Index(fields=["closed_at", "due_at"]),
            models.Index(fields=["stage", "opened_at"]),
        ]

    def __str__(self) -> str:
        return self.reference

    @property
    def reference(self) -> str:
        return repair_reference(self.number)

    @property
    def stage_label(self) -> str:
        return RepairStage(self.stage).label

    @property
    def is_open(self) -> bool:
        return self.closed_at is None

    @property
    def loaner_out(self) -> bool:
        return self.loaner_lent_at is not None and self.loaner_returned_at is None

    @property
    def estimate_pending(self) -> bool:
        return (
            self.estimate_sent_at is not None
            and self.estimate_approved_at is None
            and self.estimate_declined_at is None
        )

    @property
    def takes_estimate(self) -> bool:
        """An estimate is sent before parts or work, and not once one was approved."""
        return (
            self.is_open
            and Stage(self.stage) in ESTIMATE_STAGES
            and self.estimate_approved_at is None
        )

    def safeguards(self) -> Safeguards:
        """What this repair has on record, as the stage rules read it."""
        return Safeguards(
            may_erase_data=self.may_erase_data,
            data_loss_acknowledged=self.data_loss_acknowledged_at is not None,
            in_warranty=self.in_warranty,
            estimate_sent=self.estimate_sent_at is not None,
            estimate_approved=self.estimate_approved_at is not None,
        )


class StageEntry(models.Model):
    """A repair entering a stage: kept for every stage, so turnaround can be recomputed."""

    repair = models.ForeignKey(RepairOrder, on_delete=models.CASCADE, related_name="entries")
    stage = models.CharField(_("stage"), max_length=20, choices=RepairStage.choices)
    entered_at = models.DateTimeField(_("entered"))
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        ordering = ["entered_at", "id"]
        verbose_name = _("stage entry")
        verbose_name_plural = _("stage entries")
        indexes = [models.Index(fields=["repair", "entered_at"])]

    def __str__(self) -> str:
        return f"{self.repair} {self.stage} {self.entered_at:%Y-%m-%d %H:%M}"
