from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from loyaldesk.customers.models import ChannelChoice, Customer, CustomerLanguage
from loyaldesk.desk.categories import category_label
from loyaldesk.desk.lifecycle import CLOCK, Clock, Status
from loyaldesk.desk.placeholders import unknown_placeholders


class CaseStatus(models.TextChoices):
    NEW = Status.NEW.value, _("New")
    OPEN = Status.OPEN.value, _("Open")
    PENDING_CUSTOMER = Status.PENDING_CUSTOMER.value, _("Pending customer")
    PENDING_INTERNAL = Status.PENDING_INTERNAL.value, _("Pending internal")
    RESOLVED = Status.RESOLVED.value, _("Resolved")
    CLOSED = Status.CLOSED.value, _("Closed")


class Priority(models.TextChoices):
    LOW = "low", _("Low")
    NORMAL = "normal", _("Normal")
    HIGH = "high", _("High")
    URGENT = "urgent", _("Urgent")


class MessageKind(models.TextChoices):
    INBOUND = "inbound", _("From the customer")
    OUTBOUND = "outbound", _("To the customer")
    NOTE = "note", _("Internal note")


class ActorKind(models.TextChoices):
    STAFF = "staff", _("Staff")
    CUSTOMER = "customer", _("Customer")
    SYSTEM = "system", _("System")


class Queue(models.Model):
    """Where new cases wait to be worked, owned by a team."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    slug = models.SlugField(_("slug"), max_length=50, unique=True)
    team = models.ForeignKey(
        "accounts.Team",
        verbose_name=_("team"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="queues",
    )
    description = models.TextField(_("description"), blank=True)
    is_default = models.BooleanField(_("default queue"), default=False)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("queue")
        verbose_name_plural = _("queues")
        constraints = [
            models.UniqueConstraint(
                fields=["is_default"], condition=Q(is_default=True), name="one_default_queue"
            )
        ]

    def __str__(self) -> str:
        return self.name


def case_reference(number: int) -> str:
    """How people write a case number: '#1042', or with the desk's own prefix."""
    return f"{settings.CASE_REFERENCE_PREFIX}{number}"


class Case(models.Model):
    """One customer need, from first contact to resolution."""

    number = models.PositiveBigIntegerField(_("number"), unique=True, editable=False)
    subject = models.CharField(_("subject"), max_length=255)
    status = models.CharField(
        _("status"), max_length=20, choices=CaseStatus.choices, default=CaseStatus.NEW
    )
    priority = models.CharField(
        _("priority"), max_length=10, choices=Priority.choices, default=Priority.NORMAL
    )
    category = models.CharField(_("category"), max_length=60, blank=True, db_index=True)
    origin_channel = models.CharField(
        _("channel of origin"), max_length=20, choices=ChannelChoice.choices
    )
    language = models.CharField(_("language"), max_length=8, blank=True)
    customer = models.ForeignKey(
        Customer,
        verbose_name=_("customer"),
        on_delete=models.PROTECT,
        related_name="cases",
        db_index=False,
    )
    queue = models.ForeignKey(
        Queue, verbose_name=_("queue"), on_delete=models.PROTECT, related_name="cases"
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assignee"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="assigned_cases",
    )
    repeat_of = models.ForeignKey(
        "self",
        verbose_name=_("repeat of"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="repeats",
        help_text=_("An earlier case about the same problem."),
    )
    merged_into = models.ForeignKey(
        "self",
        verbose_name=_("merged into"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="merged_cases",
        help_text=_("A duplicate case whose messages moved to this one."),
    )
    linked = models.ManyToManyField(
        "self",
        through="CaseLink",
        symmetrical=True,
        blank=True,
        verbose_name=_("linked cases"),
    )
    opened_at = models.DateTimeField(_("opened"), db_index=True)
    first_response_at = models.DateTimeField(_("first response"), null=True, blank=True)
    resolved_at = models.DateTimeField(_("resolved"), null=True, blank=True, db_index=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    updated_at = models.DateTimeField(_("last activity"), db_index=True)
    reopen_count = models.PositiveIntegerField(_("times reopened"), default=0)
    # Derived from the event log by service_levels: the earliest due time of a target still
    # waiting (for sorting), and whether a target the case is measured against was breached.
    sla_due_at = models.DateTimeField(_("next due"), null=True, blank=True, db_index=True)
    sla_breached = models.BooleanField(_("service level breached"), default=False)
    sla_at_risk = models.BooleanField(_("predicted to breach"), default=False)

    class Meta:
        ordering = ["-opened_at"]
        verbose_name = _("case")
        verbose_name_plural = _("cases")
        permissions = [
            ("assign_case", _("Can assign cases to agents")),
            ("view_all_queues", _("Can see the cases of every queue")),
        ]
        # Each filter of the case list with the list's order (last activity), so a page of a
        # filter that matches most cases (closed ones) reads 51 index entries instead of
        # sorting them all: SQLite has no statistics to tell a common value from a rare one.
        indexes = [
            models.Index(
                fields=["status", "queue", "updated_at"], name="desk_case_status_queue_idx"
            ),
            models.Index(fields=["status", "updated_at"], name="desk_case_status_updated_idx"),
            models.Index(fields=["queue", "updated_at"], name="desk_case_queue_updated_idx"),
            models.Index(fields=["category", "updated_at"], name="desk_case_category_updated_idx"),
            models.Index(fields=["assignee", "status"]),
            models.Index(fields=["customer", "opened_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.reference} {self.subject}"

    @property
    def reference(self) -> str:
        return case_reference(self.number)

    @property
    def clock(self) -> Clock:
        return CLOCK[Status(self.status)]

    # Django's get_FOO_display hashes every choice on each call; lists show these per row.
    @property
    def status_label(self) -> str:
        return CaseStatus(self.status).label

    @property
    def priority_label(self) -> str:
        return Priority(self.priority).label

    @property
    def category_label(self) -> str:
        return category_label(self.category)


class CaseLink(models.Model):
    """Two cases an agent marked as related (same incident, same order), stored both ways."""

    from_case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="+")
    to_case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="+")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("case link")
        verbose_name_plural = _("case links")
        constraints = [
            models.UniqueConstraint(fields=["from_case", "to_case"], name="one_link_per_pair"),
            models.CheckConstraint(
                condition=~Q(from_case=models.F("to_case")), name="no_self_link"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.from_case_id} ↔ {self.to_case_id}"


class Message(models.Model):
    """One entry in a case's thread: from the customer, to the customer, or an internal note."""

    case = models.ForeignKey(
        Case, on_delete=models.CASCADE, related_name="messages", db_index=False
    )
    kind = models.CharField(_("kind"), max_length=10, choices=MessageKind.choices)
    channel = models.CharField(_("channel"), max_length=20, choices=ChannelChoice.choices)
    author_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("staff author"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="messages",
    )
    author_customer = models.ForeignKey(
        Customer,
        verbose_name=_("customer author"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="messages",
    )
    sender_address = models.CharField(_("sender address"), max_length=254, blank=True)
    text = models.TextField(_("text"))
    html = models.TextField(_("sanitized HTML"), blank=True)
    language = models.CharField(_("language"), max_length=8, blank=True)
    external_id = models.CharField(
        _("external id"), max_length=255, blank=True, help_text=_("E.g. the email Message-ID.")
    )
    raw_source = models.FileField(_("raw source"), upload_to="raw/%Y/%m/", blank=True)
    created_at = models.DateTimeField(_("sent or received"))

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("message")
        verbose_name_plural = _("messages")
        constraints = [
            models.UniqueConstraint(
                fields=["channel", "external_id"],
                condition=~Q(external_id=""),
                name="one_message_per_external_id",
            ),
            models.CheckConstraint(
                condition=~(Q(author_user__isnull=False) & Q(author_customer__isnull=False)),
                name="one_author_kind",
            ),
        ]
        indexes = [models.Index(fields=["case", "created_at"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.created_at:%Y-%m-%d %H:%M}"

    # Django's get_FOO_display hashes every choice on each call; a thread shows these per
    # message, so they look the label up in the enum instead.
    @property
    def kind_label(self) -> str:
        return MessageKind(self.kind).label

    @property
    def channel_label(self) -> str:
        return ChannelChoice(self.channel).label

    @property
    def author_name(self) -> str:
        """Who wrote it, as people read it: the agent, the customer, or the sending address."""
        return str(self.author_user or self.author_customer or self.sender_address)


def attachment_path(attachment: Attachment, filename: str) -> str:
    """Where a file is stored: named by its SHA-256, so the same bytes are stored once and no
    customer-chosen name reaches the disk. (Files stored before kept their random names.)"""
    return f"attachments/sha256/{attachment.sha256[:2]}/{attachment.sha256}"


class Attachment(models.Model):
    """A file that came with or was sent in a message; staged (no message yet) after an upload."""

    message = models.ForeignKey(
        Message,
        on_delete=models.CASCADE,
        related_name="attachments",
        null=True,
        blank=True,
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("uploaded by"),
    )
    file = models.FileField(_("file"), upload_to=attachment_path, max_length=200)
    filename = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(_("content type"), max_length=127)
    size = models.PositiveBigIntegerField(_("size in bytes"))
    sha256 = models.CharField(_("SHA-256"), max_length=64, db_index=True)
    blocked = models.CharField(
        _("blocked"),
        max_length=255,
        blank=True,
        help_text=_("Why the file is kept but not offered for download (a type not allowed)."),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")

    def __str__(self) -> str:
        return self.filename


class EventIsAppendOnly(RuntimeError):
    """Raised on any attempt to change or delete a recorded event."""


class Event(models.Model):
    """An append-only record of one change to a case or a customer: who, when, what."""

    case = models.ForeignKey(
        Case,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="events",
        db_index=False,
    )
    customer = models.ForeignKey(
        Customer,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="events",
        db_index=False,
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("actor"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="events",
    )
    actor_kind = models.CharField(_("actor kind"), max_length=10, choices=ActorKind.choices)
    kind = models.CharField(_("kind"), max_length=60)
    at = models.DateTimeField(_("at"), db_index=True)
    before = models.JSONField(_("before"), default=dict, blank=True)
    after = models.JSONField(_("after"), default=dict, blank=True)

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("event")
        verbose_name_plural = _("events")
        indexes = [
            models.Index(fields=["case", "at"]),
            models.Index(fields=["customer", "at"]),
            models.Index(fields=["kind", "at"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(case__isnull=False) | Q(customer__isnull=False),
                name="event_has_subject",
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.at:%Y-%m-%d %H:%M}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise EventIsAppendOnly("events cannot be changed once recorded")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise EventIsAppendOnly("events cannot be deleted")


class SavedView(models.Model):
    """A named case-list filter an agent comes back to: the list's URL parameters, kept."""

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        on_delete=models.CASCADE,
        related_name="saved_views",
    )
    name = models.CharField(_("name"), max_length=80)
    query = models.JSONField(_("filters"), default=dict)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("saved view")
        verbose_name_plural = _("saved views")
        constraints = [
            models.UniqueConstraint(fields=["owner", "name"], name="one_saved_view_name_per_owner")
        ]

    def __str__(self) -> str:
        return self.name


class CasePresence(models.Model):
    """Who has a case open right now, and whether they are writing a reply: refreshed by the
    case page every few seconds, so two agents do not answer the same customer twice."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="presences")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    replying = models.BooleanField(_("writing a reply"), default=False)
    seen_at = models.DateTimeField(_("last seen"))

    class Meta:
        verbose_name = _("case presence")
        verbose_name_plural = _("case presences")
        constraints = [
            models.UniqueConstraint(fields=["case", "user"], name="one_presence_per_user")
        ]

    def __str__(self) -> str:
        return f"{self.user} on {self.case}"


class AfterReply(models.TextChoices):
    """The status a case takes after a reply: the reply form's "then" choices."""

    PENDING_CUSTOMER = Status.PENDING_CUSTOMER.value, _("Send, wait for the customer")
    OPEN = Status.OPEN.value, _("Send, keep open")
    RESOLVED = Status.RESOLVED.value, _("Send and resolve")


class MacroQuerySet(models.QuerySet):
    def offered(self) -> MacroQuerySet:
        """Macros agents are offered: active ones with at least one text."""
        has_text = models.Exists(MacroText.objects.filter(macro=models.OuterRef("pk")))
        return self.filter(has_text, is_active=True)

    def usable_on(self, queue: Queue) -> MacroQuerySet:
        """Offered macros for every queue, for this queue or for its team."""
        where = Q(queue__isnull=True, team__isnull=True) | Q(queue=queue)
        if queue.team_id is not None:
            where |= Q(team_id=queue.team_id)
        return self.offered().filter(where)


class Macro(models.Model):
    """A canned reply in the customers' languages, and the changes to the case sending it makes."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    description = models.TextField(_("description"), blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    # PROTECT, not SET_NULL: losing the restriction would offer a team's macro in every queue.
    queue = models.ForeignKey(
        Queue,
        verbose_name=_("queue"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="macros",
        help_text=_("Offer it on this queue's cases only; empty for every queue."),
    )
    team = models.ForeignKey(
        "accounts.Team",
        verbose_name=_("team"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="macros",
        help_text=_("Or offer it on the cases of this team's queues only."),
    )
    then = models.CharField(
        _("status after the reply"),
        max_length=20,
        choices=AfterReply.choices,
        default=AfterReply.PENDING_CUSTOMER,
    )
    priority = models.CharField(
        _("set priority"),
        max_length=10,
        choices=Priority.choices,
        blank=True,
        help_text=_("Empty leaves the priority as it is."),
    )
    category = models.CharField(
        _("set category"),
        max_length=60,
        blank=True,
        help_text=_("Empty leaves the category as it is."),
    )
    assign_to_me = models.BooleanField(_("assign to the agent who sends it"), default=False)

    objects = MacroQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("macro")
        verbose_name_plural = _("macros")
        constraints = [
            models.CheckConstraint(
                condition=Q(queue__isnull=True) | Q(team__isnull=True),
                name="macro_for_a_queue_or_a_team",
                violation_error_message=_("Restrict a macro to a queue or to a team, not both."),
            )
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def category_label(self) -> str:
        return category_label(self.category)

    def is_usable_on(self, queue: Queue) -> bool:
        """Whether the macro is active and meant for `queue`; its texts are checked when it is
        rendered (MacroQuerySet.usable_on checks both)."""
        if not self.is_active:
            return False
        if self.queue_id is None and self.team_id is None:
            return True
        return self.queue_id == queue.pk or (
            self.team_id is not None and self.team_id == queue.team_id
        )


class MacroText(models.Model):
    """A macro's reply in one language.

    A child table rather than a text field per language: a macro may lack a language (the
    reply then falls back to English, then to any language it has), and adding a customer
    language adds a choice, not a column.
    """

    macro = models.ForeignKey(Macro, on_delete=models.CASCADE, related_name="texts")
    language = models.CharField(_("language"), max_length=8, choices=CustomerLanguage.choices)
    text = models.TextField(
        _("text"),
        help_text=_(
            "Placeholders: {{ customer.first_name }}, {{ customer.last_name }}, "
            "{{ customer.full_name }}, {{ case.number }}, {{ case.reference }}, "
            "{{ case.subject }}, {{ agent.first_name }}, {{ agent.full_name }}."
        ),
    )

    class Meta:
        ordering = ["macro", "language"]
        verbose_name = _("macro text")
        verbose_name_plural = _("macro texts")
        constraints = [
            models.UniqueConstraint(
                fields=["macro", "language"], name="one_macro_text_per_language"
            )
        ]

    def __str__(self) -> str:
        return f"{self.macro} ({self.language})"

    def clean(self) -> None:
        unknown = unknown_placeholders(self.text)
        if unknown:
            raise ValidationError(
                {"text": _("Unknown placeholders: %(names)s") % {"names": ", ".join(unknown)}}
            )


class Mention(models.Model):
    """A colleague named with @username in an internal note, until they open the case."""

    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="mentions")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="mentions"
    )
    created_at = models.DateTimeField(_("created"))
    read_at = models.DateTimeField(_("read"), null=True, blank=True)

    class Meta:
        verbose_name = _("mention")
        verbose_name_plural = _("mentions")
        constraints = [
            models.UniqueConstraint(fields=["message", "user"], name="one_mention_per_note")
        ]
        indexes = [models.Index(fields=["user", "read_at"])]

    def __str__(self) -> str:
        return f"@{self.user} in {self.message_id}"
