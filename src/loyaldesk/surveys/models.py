from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from loyaldesk.customers.models import ChannelChoice, Customer, CustomerLanguage
from loyaldesk.desk.models import Case, Queue
from loyaldesk.surveys.scales import CHOICE_PROMPT, SCALES, TEXT_PROMPT, Scale


class Trigger(models.TextChoices):
    CASE_RESOLVED = "case_resolved", _("After a case is resolved")
    RELATIONSHIP = "relationship", _("On a schedule, to a sample of active customers")


class QuestionKind(models.TextChoices):
    CSAT = "csat", _("Satisfaction (CSAT, 1-5)")
    NPS = "nps", _("Likelihood to recommend (NPS, 0-10)")
    CES = "ces", _("Customer effort (CES, 1-7)")
    EXPECTATION = "expectation", _("Compared with expectations (much worse … much better)")
    OVERALL = "overall", _("Overall experience (bad, neutral, good, excellent)")
    TEXT = "text", _("Free text")
    CHOICE = "choice", _("Choice")


def localized(obj: models.Model, field: str, language: str) -> str:
    """A text in the customer's language, falling back to English when it was left empty."""
    return getattr(obj, f"{field}_{language}", "") or getattr(obj, f"{field}_en", "")


class Survey(models.Model):
    """A questionnaire, and when and to whom it is sent."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    trigger = models.CharField(_("sent"), max_length=20, choices=Trigger.choices)
    is_active = models.BooleanField(_("active"), default=True)
    categories = models.JSONField(
        _("case categories"),
        default=list,
        blank=True,
        help_text=_('Only after cases of these categories, e.g. ["repair"]; empty for every case.'),
    )
    delay_hours = models.PositiveIntegerField(
        _("hours after the resolution"),
        default=2,
        help_text=_("Waiting lets a customer who is not satisfied reopen the case first."),
    )
    every_days = models.PositiveIntegerField(
        _("every (days)"),
        default=90,
        help_text=_("Scheduled surveys: how often a sample is drawn."),
    )
    sample_size = models.PositiveIntegerField(
        _("customers per round"), default=200, help_text=_("Scheduled surveys only.")
    )
    active_within_days = models.PositiveIntegerField(
        _("active within (days)"),
        default=365,
        help_text=_("Scheduled surveys: customers with a case or a purchase in this many days."),
    )
    quiet_days = models.PositiveIntegerField(
        _("quiet period (days)"),
        default=30,
        help_text=_("A customer invited to any survey is not invited again for this many days."),
    )
    link_valid_days = models.PositiveIntegerField(_("link valid for (days)"), default=14)
    last_round_at = models.DateTimeField(_("last round"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("survey")
        verbose_name_plural = _("surveys")
        permissions = [("view_survey_reports", _("Can see survey results and reports"))]

    def __str__(self) -> str:
        return self.name


class Question(models.Model):
    """One question of a survey; the first rating question is the one rated from the email."""

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="questions")
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    kind = models.CharField(_("kind"), max_length=20, choices=QuestionKind.choices)
    prompt_en = models.CharField(
        _("question (English)"),
        max_length=300,
        blank=True,
        help_text=_("Empty uses the standard wording of its kind."),
    )
    prompt_fr = models.CharField(_("question (French)"), max_length=300, blank=True)
    prompt_it = models.CharField(_("question (Italian)"), max_length=300, blank=True)
    is_required = models.BooleanField(_("required"), default=False)

    class Meta:
        ordering = ["survey", "position", "id"]
        verbose_name = _("question")
        verbose_name_plural = _("questions")

    def __str__(self) -> str:
        return self.prompt("en")

    @property
    def scale(self) -> Scale | None:
        return SCALES.get(self.kind)

    def prompt(self, language: str) -> str:
        """The question in a language: the admin's words, else the standard wording."""
        own = localized(self, "prompt", language)
        if own:
            return own
        if self.scale is not None:
            return str(self.scale.prompt)
        return str(TEXT_PROMPT if self.kind == QuestionKind.TEXT else CHOICE_PROMPT)


class Choice(models.Model):
    """One option of a choice question."""

    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="choices")
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    label_en = models.CharField(_("label (English)"), max_length=200)
    label_fr = models.CharField(_("label (French)"), max_length=200, blank=True)
    label_it = models.CharField(_("label (Italian)"), max_length=200, blank=True)

    class Meta:
        ordering = ["question", "position", "id"]
        verbose_name = _("choice")
        verbose_name_plural = _("choices")

    def __str__(self) -> str:
        return self.label_en

    def label(self, language: str) -> str:
        return localized(self, "label", language)


class SkipReason(models.TextChoices):
    NO_CONSENT = "no_consent", _("The customer does not consent to surveys")
    QUIET_PERIOD = "quiet_period", _("Surveyed recently")
    OPEN_CASE = "open_case", _("The customer has an open case")
    NO_ADDRESS = "no_address", _("No email address")


class Invitation(models.Model):
    """One customer asked to answer one survey, with everything its answers are cut by.

    The link's token is random and only its SHA-256 is kept: the database alone cannot answer
    for a customer, and a guessed or altered link finds nothing.
    """

    survey = models.ForeignKey(
        Survey, verbose_name=_("survey"), on_delete=models.PROTECT, related_name="invitations"
    )
    customer = models.ForeignKey(
        Customer, verbose_name=_("customer"), on_delete=models.PROTECT, related_name="invitations"
    )
    case = models.ForeignKey(
        Case,
        verbose_name=_("case"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="survey_invitations",
    )
    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("agent"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="survey_invitations",
        help_text=_("Who the case was assigned to when it was resolved."),
    )
    agents = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("agents who replied"),
        blank=True,
        related_name="+",
    )
    team = models.ForeignKey(
        "accounts.Team",
        verbose_name=_("team"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    queue = models.ForeignKey(
        Queue,
        verbose_name=_("queue"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    channel = models.CharField(
        _("channel"), max_length=20, choices=ChannelChoice.choices, blank=True
    )
    category = models.CharField(_("category"), max_length=60, blank=True)
    language = models.CharField(_("language"), max_length=8, choices=CustomerLanguage.choices)
    token_digest = models.CharField(_("SHA-256 of the link's token"), max_length=64, blank=True)
    skipped = models.CharField(
        _("not sent because"), max_length=20, choices=SkipReason.choices, blank=True
    )
    delivery = models.OneToOneField(
        "channels.Delivery",
        verbose_name=_("email"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="invitation",
    )
    created_at = models.DateTimeField(_("created"), db_index=True)
    expires_at = models.DateTimeField(_("link expires"), null=True, blank=True)
    opened_at = models.DateTimeField(_("first answer"), null=True, blank=True)
    completed_at = models.DateTimeField(_("completed"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        constraints = [
            models.UniqueConstraint(
                fields=["survey", "case"],
                condition=Q(case__isnull=False),
                name="one_invitation_per_survey_and_case",
            ),
            models.UniqueConstraint(
                fields=["token_digest"],
                condition=~Q(token_digest=""),
                name="one_invitation_per_token",
            ),
        ]
        indexes = [models.Index(fields=["customer", "created_at"])]

    def __str__(self) -> str:
        return f"{self.survey} → {self.customer}"

    @property
    def was_sent(self) -> bool:
        return not self.skipped

    def is_open(self, now=None) -> bool:
        """Whether the link still takes answers: sent, not completed, not expired."""
        now = now or timezone.now()
        return (
            self.was_sent
            and self.completed_at is None
            and self.expires_at is not None
            and now < self.expires_at
        )


class Answer(models.Model):
    """What a customer answered to one question, with the cuts of its invitation copied in, so
    reports over millions of answers read one table."""

    invitation = models.ForeignKey(Invitation, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="answers")
    kind = models.CharField(_("kind"), max_length=20, choices=QuestionKind.choices)
    score = models.SmallIntegerField(_("score"), null=True, blank=True)
    choice = models.ForeignKey(
        Choice, on_delete=models.PROTECT, null=True, blank=True, related_name="answers"
    )
    text = models.TextField(_("text"), blank=True)
    answered_at = models.DateTimeField(_("answered"))
    survey = models.ForeignKey(Survey, on_delete=models.PROTECT, related_name="+")
    customer = models.ForeignKey(Customer, on_delete=models.PROTECT, related_name="+")
    case = models.ForeignKey(Case, on_delete=models.PROTECT, null=True, related_name="+")
    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    team = models.ForeignKey(
        "accounts.Team", on_delete=models.SET_NULL, null=True, related_name="+"
    )
    queue = models.ForeignKey(Queue, on_delete=models.SET_NULL, null=True, related_name="+")
    channel = models.CharField(_("channel"), max_length=20, blank=True)
    category = models.CharField(_("category"), max_length=60, blank=True)
    language = models.CharField(_("language"), max_length=8)
    # The service the answer judges as it stood when answered, banded as the bridge splits it
    # (service_received.py); null when it judges none.
    resolution_band = models.SmallIntegerField(null=True, blank=True)
    first_contact = models.SmallIntegerField(null=True, blank=True)
    reopened = models.SmallIntegerField(null=True, blank=True)
    contact_band = models.SmallIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["-answered_at", "-id"]
        verbose_name = _("answer")
        verbose_name_plural = _("answers")
        constraints = [
            models.UniqueConstraint(
                fields=["invitation", "question"], name="one_answer_per_question"
            )
        ]
        indexes = [models.Index(fields=["kind", "answered_at"])]

    def __str__(self) -> str:
        return f"{self.kind}: {self.score if self.score is not None else self.text[:40]}"


class RecoveryReason(models.TextChoices):
    DETRACTOR = "detractor", _("NPS detractor (0-6)")
    DISSATISFIED = "dissatisfied", _("Dissatisfied (CSAT 1-2)")
    MUCH_WORSE = "much_worse", _("Much worse than expected")


class RecoveryState(models.TextChoices):
    OPEN = "open", _("To do")
    CONTACTED = "contacted", _("Customer contacted")
    RECOVERED = "recovered", _("Recovered")
    NOT_RECOVERED = "not_recovered", _("Not recovered")


class RecoveryTask(models.Model):
    """An unhappy answer handed to a team lead to call the customer back, and how it ended."""

    invitation = models.OneToOneField(
        Invitation, on_delete=models.PROTECT, related_name="recovery_task"
    )
    customer = models.ForeignKey(
        Customer, verbose_name=_("customer"), on_delete=models.PROTECT, related_name="+"
    )
    case = models.ForeignKey(
        Case, verbose_name=_("case"), on_delete=models.PROTECT, null=True, related_name="+"
    )
    reason = models.CharField(_("reason"), max_length=20, choices=RecoveryReason.choices)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="recovery_tasks",
    )
    team = models.ForeignKey(
        "accounts.Team", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    state = models.CharField(
        _("state"), max_length=20, choices=RecoveryState.choices, default=RecoveryState.OPEN
    )
    note = models.TextField(_("note"), blank=True)
    created_at = models.DateTimeField(_("created"))
    due_at = models.DateTimeField(_("due"))
    contacted_at = models.DateTimeField(_("contacted"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)

    class Meta:
        ordering = ["due_at", "id"]
        verbose_name = _("recovery task")
        verbose_name_plural = _("recovery tasks")
        indexes = [models.Index(fields=["state", "due_at"])]

    def __str__(self) -> str:
        return f"{self.get_reason_display()}: {self.customer}"

    @property
    def is_closed(self) -> bool:
        return self.state in (RecoveryState.RECOVERED, RecoveryState.NOT_RECOVERED)


class Span(models.TextChoices):
    DAY = "day", _("day")
    MONTH = "month", _("month")


class TallyCut(models.TextChoices):
    """What a kept count is split by: nothing (the total), or one of the answers' cuts."""

    TOTAL = "", _("total")
    TEAM = "team", _("team")
    QUEUE = "queue", _("queue")
    AGENT = "agent", _("agent")
    CHANNEL = "channel", _("channel")
    CATEGORY = "category", _("category")
    LANGUAGE = "language", _("language")
    RESOLUTION_BAND = "resolution_band", _("time to resolution")
    FIRST_CONTACT = "first_contact", _("first-contact resolution")
    REOPENED = "reopened", _("reopened")
    CONTACT_BAND = "contact_band", _("customer messages")


class ScoreCount(models.Model):
    """How many answers to a survey gave a score, on one day or in one month (in the desk's
    time zone), in all or for one value of one cut: what the reports read instead of millions
    of answers. Kept in step with the answers by `tallies`, in the same transaction."""

    span = models.CharField(max_length=5, choices=Span.choices)
    start = models.DateField()
    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="+")
    cut = models.CharField(max_length=20, choices=TallyCut.choices, blank=True)
    value = models.CharField(max_length=60, blank=True)
    kind = models.CharField(max_length=20, choices=QuestionKind.choices)
    score = models.SmallIntegerField()
    answers = models.IntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["cut", "span", "start", "value", "survey", "kind", "score"],
                name="one_score_count",
            )
        ]
        indexes = [models.Index(fields=["cut", "value", "span", "start"])]

    def __str__(self) -> str:
        where = f"{self.start} ({self.span}) {self.cut}={self.value}"
        return f"{where} {self.kind} {self.score}: {self.answers}"


class InvitationCount(models.Model):
    """How many invitations to a survey went out on one day or in one month, and how many of
    them were answered, in all or for one value of one cut (see ScoreCount)."""

    span = models.CharField(max_length=5, choices=Span.choices)
    start = models.DateField()
    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="+")
    cut = models.CharField(max_length=20, choices=TallyCut.choices, blank=True)
    value = models.CharField(max_length=60, blank=True)
    sent = models.IntegerField(default=0)
    answered = models.IntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["cut", "span", "start", "value", "survey"], name="one_invitation_count"
            )
        ]
        indexes = [models.Index(fields=["cut", "value", "span", "start"])]

    def __str__(self) -> str:
        return f"{self.start} ({self.span}) {self.cut}={self.value}: {self.answered}/{self.sent}"
