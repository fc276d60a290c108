from __future__ import annotations

from datetime import time, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from loyaldesk.customers.models import ChannelChoice, CustomerLanguage, Organisation, Segment
from loyaldesk.desk.models import Case, Priority, Queue
from loyaldesk.service_levels.business_time import Calendar, CalendarError


class Weekday(models.IntegerChoices):
    MONDAY = 0, _("Monday")
    TUESDAY = 1, _("Tuesday")
    WEDNESDAY = 2, _("Wednesday")
    THURSDAY = 3, _("Thursday")
    FRIDAY = 4, _("Friday")
    SATURDAY = 5, _("Saturday")
    SUNDAY = 6, _("Sunday")


class ServiceCalendar(models.Model):
    """When the service is open: time zone, weekly opening hours, public holidays, closures."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    time_zone = models.CharField(_("time zone"), max_length=64, default="Europe/Paris")
    holiday_country = models.CharField(
        _("public holidays of"),
        max_length=2,
        blank=True,
        help_text=_("ISO 3166 country code, e.g. FR, IT, GB; empty for none."),
    )
    holiday_subdivision = models.CharField(
        _("region"), max_length=10, blank=True, help_text=_("E.g. ENG for England.")
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("service calendar")
        verbose_name_plural = _("service calendars")

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        try:
            Calendar(self.time_zone, ((),) * 7, self.holiday_country, self.holiday_subdivision)
        except CalendarError as error:
            raise ValidationError(str(error)) from error

    def definition(self) -> dict:
        """The calendar as plain data, kept in policy versions so later edits change nothing."""
        week: list[list[list[int]]] = [[] for _ in range(7)]
        for opening in self.openings.all():
            week[opening.weekday].append([opening.start_minute, opening.end_minute])
        return {
            "time_zone": self.time_zone,
            "week": week,
            "holiday_country": self.holiday_country,
            "holiday_subdivision": self.holiday_subdivision,
            "closures": sorted(day.isoformat() for day in self.closed_days()),
        }

    def closed_days(self) -> set:
        days = set()
        for closure in self.closures.all():
            days.update(closure.days())
        return days


def minutes(moment: time) -> int:
    return moment.hour * 60 + moment.minute


class OpeningRange(models.Model):
    """One range of opening hours on a weekday; a day may have several (a lunch break)."""

    calendar = models.ForeignKey(ServiceCalendar, on_delete=models.CASCADE, related_name="openings")
    weekday = models.PositiveSmallIntegerField(_("weekday"), choices=Weekday.choices)
    opens = models.TimeField(_("opens"))
    closes = models.TimeField(_("closes"), help_text=_("00:00 means midnight at the day's end."))

    class Meta:
        ordering = ["calendar", "weekday", "opens"]
        verbose_name = _("opening hours")
        verbose_name_plural = _("opening hours")

    def __str__(self) -> str:
        return f"{self.get_weekday_display()} {self.opens:%H:%M}-{self.closes:%H:%M}"

    @property
    def start_minute(self) -> int:
        return minutes(self.opens)

    @property
    def end_minute(self) -> int:
        return minutes(self.closes) or 24 * 60

    def clean(self) -> None:
        if self.end_minute <= self.start_minute:
            raise ValidationError(_("Opening hours must close after they open."))


class Closure(models.Model):
    """Days the service is closed besides public holidays (a bridge day, an inventory)."""

    calendar = models.ForeignKey(ServiceCalendar, on_delete=models.CASCADE, related_name="closures")
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("to (inclusive)"))
    reason = models.CharField(_("reason"), max_length=200, blank=True)

    class Meta:
        ordering = ["calendar", "starts_on"]
        verbose_name = _("closure")
        verbose_name_plural = _("closures")
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=models.F("starts_on")), name="closure_ends_after_start"
            )
        ]

    def __str__(self) -> str:
        return f"{self.starts_on}/{self.ends_on} {self.reason}".strip()

    def days(self) -> list:
        count = (self.ends_on - self.starts_on).days + 1
        return [self.starts_on + timedelta(days=offset) for offset in range(count)]


def target_field(label: str) -> models.PositiveIntegerField:
    return models.PositiveIntegerField(
        label,
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(366 * 24 * 60)],
        help_text=_("In business minutes of the calendar; empty for no target."),
    )


class Targets(models.Model):
    """First response, every next response and resolution, in business minutes."""

    first_response_minutes = target_field(_("first response within"))
    next_response_minutes = target_field(_("next response within"))
    resolution_minutes = target_field(_("resolution within"))

    class Meta:
        abstract = True

    def target_minutes(self) -> dict[str, int | None]:
        return {
            "first_response": self.first_response_minutes,
            "next_response": self.next_response_minutes,
            "resolution": self.resolution_minutes,
        }


class Policy(Targets):
    """Service-level targets for the cases that match its conditions; the first match wins."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    position = models.PositiveIntegerField(_("order"), default=100, db_index=True)
    is_active = models.BooleanField(_("active"), default=True)
    calendar = models.ForeignKey(
        ServiceCalendar,
        verbose_name=_("calendar"),
        on_delete=models.PROTECT,
        related_name="policies",
    )
    segments = models.JSONField(
        _("customer segments"), default=list, blank=True, help_text=_("Empty: any segment.")
    )
    organisations = models.ManyToManyField(
        Organisation, verbose_name=_("organisations"), blank=True, related_name="+"
    )
    priorities = models.JSONField(_("priorities"), default=list, blank=True)
    channels = models.JSONField(_("channels"), default=list, blank=True)
    categories = models.JSONField(_("categories"), default=list, blank=True)
    languages = models.JSONField(_("languages of the case"), default=list, blank=True)
    queues = models.ManyToManyField(Queue, verbose_name=_("queues"), blank=True, related_name="+")

    class Meta:
        ordering = ["position", "name"]
        verbose_name = _("SLA policy")
        verbose_name_plural = _("SLA policies")

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        checks = [
            ("segments", Segment.values),
            ("priorities", Priority.values),
            ("channels", ChannelChoice.values),
            ("languages", CustomerLanguage.values),
        ]
        for field, allowed in checks:
            values = getattr(self, field)
            if not isinstance(values, list) or set(values) - set(allowed):
                raise ValidationError({field: _("Choose among: %s") % ", ".join(allowed)})


class PolicyVersion(models.Model):
    """A policy as it stood when cases were measured against it; never changed afterwards."""

    policy = models.ForeignKey(Policy, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField(_("version"))
    definition = models.JSONField(_("definition"))
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["policy", "-number"]
        verbose_name = _("SLA policy version")
        verbose_name_plural = _("SLA policy versions")
        constraints = [
            models.UniqueConstraint(fields=["policy", "number"], name="one_policy_version_number")
        ]

    def __str__(self) -> str:
        return f"{self.policy} v{self.number}"


class Expectation(Targets):
    """A customer's or organisation's own idea of on time, which overrides matching policies."""

    customer = models.OneToOneField(
        "customers.Customer",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="service_expectation",
    )
    organisation = models.OneToOneField(
        Organisation,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="service_expectation",
    )
    note = models.CharField(_("why"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("service expectation")
        verbose_name_plural = _("service expectations")
        constraints = [
            models.CheckConstraint(
                condition=Q(customer__isnull=True) ^ Q(organisation__isnull=True),
                name="expectation_of_one_customer_or_organisation",
            )
        ]

    def __str__(self) -> str:
        return str(self.customer or self.organisation)


class TargetKind(models.TextChoices):
    FIRST_RESPONSE = "first_response", _("First response")
    NEXT_RESPONSE = "next_response", _("Next response")
    RESOLUTION = "resolution", _("Resolution")


class CaseTimer(models.Model):
    """Where one target of one case stands, as last derived from its events."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="timers")
    target = models.CharField(_("target"), max_length=20, choices=TargetKind.choices)
    policy_version = models.ForeignKey(
        PolicyVersion, on_delete=models.PROTECT, null=True, related_name="+"
    )
    target_seconds = models.PositiveBigIntegerField(_("target (business seconds)"), null=True)
    due_at = models.DateTimeField(_("due"), null=True)
    fulfilled_at = models.DateTimeField(_("fulfilled"), null=True)
    breached_at = models.DateTimeField(_("breached"), null=True)
    elapsed_seconds = models.PositiveBigIntegerField(_("business seconds elapsed"), default=0)
    paused_seconds = models.PositiveBigIntegerField(_("seconds paused"), default=0)
    running = models.BooleanField(_("running"), default=False)
    waiting = models.BooleanField(_("waiting"), default=False)
    wait = models.PositiveIntegerField(_("wait"), default=0)
    computed_at = models.DateTimeField(_("computed"))
    forecast_at = models.DateTimeField(
        _("expected at the queue's pace"),
        null=True,
        help_text=_("When the queue, at its current pace, reaches this case; empty if never."),
    )
    forecast_late = models.BooleanField(_("predicted late"), default=False)

    class Meta:
        verbose_name = _("case timer")
        verbose_name_plural = _("case timers")
        constraints = [
            models.UniqueConstraint(fields=["case", "target"], name="one_timer_per_case_target")
        ]

    def __str__(self) -> str:
        return f"{self.case_id} {self.target}"

    @property
    def target_label(self) -> str:
        return TargetKind(self.target).label

    @property
    def paused(self) -> bool:
        return self.waiting and not self.running

    @property
    def remaining_seconds(self) -> int:
        """Business seconds left before the target is reached (negative when past it)."""
        return (self.target_seconds or 0) - self.elapsed_seconds

    @property
    def at_risk(self) -> bool:
        """Running, not breached yet, and the queue's pace will reach it only after it is due."""
        return self.forecast_late and self.running and self.breached_at is None


class Outcome(models.TextChoices):
    FULFILLED = "fulfilled", _("Fulfilled")
    BREACHED = "breached", _("Breached")


class ServiceMeasure(models.Model):
    """One fulfilment or breach of a target, with wall-clock and business durations."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="service_measures")
    target = models.CharField(_("target"), max_length=20, choices=TargetKind.choices)
    cycle = models.PositiveIntegerField(_("wait"), default=0)
    outcome = models.CharField(_("outcome"), max_length=10, choices=Outcome.choices)
    at = models.DateTimeField(_("at"), db_index=True)
    wall_seconds = models.BigIntegerField(_("wall-clock seconds"))
    business_seconds = models.BigIntegerField(_("business seconds"))
    target_seconds = models.PositiveBigIntegerField(_("target (business seconds)"), null=True)
    policy_version = models.ForeignKey(
        PolicyVersion, on_delete=models.PROTECT, null=True, related_name="measures"
    )
    queue = models.ForeignKey(Queue, on_delete=models.SET_NULL, null=True, related_name="+")
    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    channel = models.CharField(_("channel"), max_length=20, choices=ChannelChoice.choices)

    class Meta:
        verbose_name = _("service measure")
        verbose_name_plural = _("service measures")
        constraints = [
            models.UniqueConstraint(
                fields=["case", "target", "cycle", "outcome"], name="one_measure_per_outcome"
            )
        ]
        indexes = [models.Index(fields=["target", "outcome", "at"])]
        permissions = [
            ("view_service_level_reports", _("Can see service-level attainment reports"))
        ]

    def __str__(self) -> str:
        return f"{self.case_id} {self.target} {self.outcome}"


class EscalationAction(models.TextChoices):
    NOTIFY_ASSIGNEE = "notify_assignee", _("Notify the assignee")
    NOTIFY_TEAM_LEAD = "notify_team_lead", _("Notify the team lead")
    REASSIGN = "reassign", _("Reassign")
    RAISE_PRIORITY = "raise_priority", _("Raise the priority")


class EscalationRule(models.Model):
    """What to do when a case has used a share of a target of its policy, or breached it."""

    policy = models.ForeignKey(
        Policy, on_delete=models.CASCADE, related_name="escalation_rules", verbose_name=_("policy")
    )
    target = models.CharField(_("target"), max_length=20, choices=TargetKind.choices)
    percent = models.PositiveSmallIntegerField(
        _("at % of the target"),
        default=100,
        validators=[MinValueValidator(1), MaxValueValidator(100)],
        help_text=_("100 acts at the breach."),
    )
    action = models.CharField(_("action"), max_length=20, choices=EscalationAction.choices)
    assign_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reassign to"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
    )
    priority = models.CharField(
        _("raise priority to"), max_length=10, choices=Priority.choices, blank=True
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["policy", "target", "percent", "pk"]
        verbose_name = _("escalation rule")
        verbose_name_plural = _("escalation rules")

    def __str__(self) -> str:
        return f"{self.policy}: {self.get_target_display()} {self.percent}%"

    def clean(self) -> None:
        if self.action == EscalationAction.REASSIGN and self.assign_to_id is None:
            raise ValidationError({"assign_to": _("Choose who the case goes to.")})
        if self.action == EscalationAction.RAISE_PRIORITY and not self.priority:
            raise ValidationError({"priority": _("Choose the priority to raise the case to.")})


class EscalationKind(models.TextChoices):
    THRESHOLD = "threshold", _("Share of the target used")
    FORECAST = "forecast", _("Breach predicted at the queue's pace")


class Escalation(models.Model):
    """A rule that acted on one wait of a case, or a predicted breach; each happens once."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="escalations")
    kind = models.CharField(_("kind"), max_length=10, choices=EscalationKind.choices)
    rule = models.ForeignKey(
        EscalationRule, on_delete=models.CASCADE, null=True, related_name="escalations"
    )
    target = models.CharField(_("target"), max_length=20, choices=TargetKind.choices)
    wait = models.PositiveIntegerField(_("wait"), default=0)
    fired_at = models.DateTimeField(_("at"))

    class Meta:
        verbose_name = _("escalation")
        verbose_name_plural = _("escalations")
        constraints = [
            models.UniqueConstraint(
                fields=["rule", "case", "wait"],
                condition=Q(rule__isnull=False),
                name="one_escalation_per_rule_and_wait",
            ),
            models.UniqueConstraint(
                fields=["case", "target", "wait"],
                condition=Q(kind="forecast"),
                name="one_forecast_per_wait",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.case_id} {self.kind} {self.target}"

    @property
    def summary(self) -> str:
        """What happened, in the reader's language."""
        target = TargetKind(self.target).label
        if self.kind == EscalationKind.FORECAST:
            return _("%(target)s will be late at the queue's pace") % {"target": target}
        if self.rule is not None and self.rule.percent < 100:
            return _("%(target)s: %(percent)s%% of the target used") % {
                "target": target,
                "percent": self.rule.percent,
            }
        return _("%(target)s target breached") % {"target": target}


class Alert(models.Model):
    """An escalation brought to one colleague, until they open the case."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="service_alerts"
    )
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="service_alerts")
    escalation = models.ForeignKey(Escalation, on_delete=models.CASCADE, related_name="alerts")
    created_at = models.DateTimeField(_("created"))
    read_at = models.DateTimeField(_("read"), null=True, blank=True)

    class Meta:
        verbose_name = _("service alert")
        verbose_name_plural = _("service alerts")
        constraints = [
            models.UniqueConstraint(fields=["escalation", "user"], name="one_alert_per_user")
        ]
        indexes = [models.Index(fields=["user", "read_at"])]

    def __str__(self) -> str:
        return f"{self.user} {self.escalation}"
