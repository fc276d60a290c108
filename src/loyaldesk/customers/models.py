from datetime import date

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from loyaldesk.customers.identities import Channel
from loyaldesk.customers.warranty import Warranty, warranty_on


class Segment(models.TextChoices):
    CONSUMER = "consumer", _("Consumer")
    PREMIUM = "premium", _("Premium")
    BUSINESS = "business", _("Business")


class CustomerLanguage(models.TextChoices):
    ENGLISH = "en", _("English")
    FRENCH = "fr", _("French")
    ITALIAN = "it", _("Italian")


class ChannelChoice(models.TextChoices):
    EMAIL = Channel.EMAIL.value, _("Email")
    PHONE = Channel.PHONE.value, _("Phone")
    FAX = Channel.FAX.value, _("Fax")
    PORTAL = Channel.PORTAL.value, _("Portal")
    CHAT = Channel.CHAT.value, _("Chat")
    WEB_FORM = Channel.WEB_FORM.value, _("Web form")
    API = Channel.API.value, _("API")


class Organisation(models.Model):
    """A company or household that customers belong to."""

    name = models.CharField(_("name"), max_length=200)
    domain = models.CharField(_("email domain"), max_length=200, blank=True, db_index=True)
    segment = models.CharField(
        _("segment"), max_length=20, choices=Segment.choices, default=Segment.BUSINESS
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")

    def __str__(self) -> str:
        return self.name


class Customer(models.Model):
    """A person who buys from the company and contacts its service."""

    first_name = models.CharField(_("first name"), max_length=100, blank=True)
    last_name = models.CharField(_("last name"), max_length=100, blank=True)
    preferred_language = models.CharField(
        _("preferred language"),
        max_length=8,
        choices=CustomerLanguage.choices,
        default=CustomerLanguage.ENGLISH,
    )
    segment = models.CharField(
        _("segment"), max_length=20, choices=Segment.choices, default=Segment.CONSUMER
    )
    city = models.CharField(_("city"), max_length=100, blank=True)
    country = models.CharField(_("country"), max_length=2, blank=True, help_text=_("ISO 3166 code"))
    consent_service_email = models.BooleanField(_("consents to service follow-ups"), default=True)
    consent_surveys = models.BooleanField(_("consents to surveys"), default=True)
    consent_marketing = models.BooleanField(_("consents to marketing"), default=False)
    organisations = models.ManyToManyField(
        Organisation,
        through="Membership",
        verbose_name=_("organisations"),
        related_name="customers",
        blank=True,
    )
    customer_since = models.DateTimeField(_("customer since"), db_index=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    merged_into = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="merged_records",
        verbose_name=_("merged into"),
        help_text=_("Set when this record was merged into another; it is kept for its history."),
    )

    class Meta:
        ordering = ["last_name", "first_name", "id"]
        verbose_name = _("customer")
        verbose_name_plural = _("customers")
        indexes = [models.Index(fields=["last_name", "first_name"])]
        permissions = [("merge_customer", _("Can merge two customer records"))]

    def __str__(self) -> str:
        return self.full_name or f"#{self.pk}"

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()


class Membership(models.Model):
    """A customer's link to an organisation; at most one is primary."""

    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="memberships")
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="memberships"
    )
    is_primary = models.BooleanField(_("primary"), default=False)

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(fields=["customer", "organisation"], name="one_membership"),
            models.UniqueConstraint(
                fields=["customer"], condition=Q(is_primary=True), name="one_primary_organisation"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.customer} @ {self.organisation}"


class Identity(models.Model):
    """One address of a customer on one channel: the key for matching and merging."""

    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="identities")
    channel = models.CharField(_("channel"), max_length=20, choices=ChannelChoice.choices)
    address = models.CharField(
        _("address"), max_length=254, help_text=_("Normalised: lower-case email, +digits phone.")
    )
    is_verified = models.BooleanField(_("verified"), default=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("identity")
        verbose_name_plural = _("identities")
        constraints = [
            models.UniqueConstraint(fields=["channel", "address"], name="one_owner_per_address")
        ]

    def __str__(self) -> str:
        return f"{self.channel}:{self.address}"


class Product(models.Model):
    """Something the company sells and services."""

    sku = models.CharField(_("SKU"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=200)
    category = models.CharField(_("category"), max_length=60, db_index=True)
    warranty_months = models.PositiveSmallIntegerField(_("warranty (months)"), default=24)
    list_price = models.DecimalField(_("list price"), max_digits=10, decimal_places=2, default=0)

    class Meta:
        ordering = ["name"]
        verbose_name = _("product")
        verbose_name_plural = _("products")

    def __str__(self) -> str:
        return self.name


class Purchase(models.Model):
    """An order a customer placed: the raw material of retention and value analytics."""

    customer = models.ForeignKey(
        Customer, on_delete=models.CASCADE, related_name="purchases", db_index=False
    )
    order_number = models.CharField(_("order number"), max_length=40, unique=True)
    purchased_at = models.DateTimeField(_("purchased"), db_index=True)
    amount = models.DecimalField(_("amount"), max_digits=12, decimal_places=2)
    currency = models.CharField(_("currency"), max_length=3, default="EUR")

    class Meta:
        ordering = ["-purchased_at"]
        verbose_name = _("purchase")
        verbose_name_plural = _("purchases")
        indexes = [models.Index(fields=["customer", "purchased_at"])]

    def __str__(self) -> str:
        return self.order_number


class PurchaseItem(models.Model):
    """One line of a purchase."""

    purchase = models.ForeignKey(Purchase, on_delete=models.CASCADE, related_name="items")
    product = models.ForeignKey(Product, on_delete=models.PROTECT, related_name="purchase_items")
    quantity = models.PositiveIntegerField(_("quantity"), default=1)
    unit_price = models.DecimalField(_("unit price"), max_digits=10, decimal_places=2)

    class Meta:
        verbose_name = _("purchase item")
        verbose_name_plural = _("purchase items")

    def __str__(self) -> str:
        return f"{self.quantity} x {self.product}"


class OwnedProduct(models.Model):
    """A unit of a product a customer owns, with its serial number and warranty."""

    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="owned_products")
    product = models.ForeignKey(Product, on_delete=models.PROTECT, related_name="owned_units")
    purchase = models.ForeignKey(
        Purchase, on_delete=models.SET_NULL, null=True, blank=True, related_name="owned_units"
    )
    serial_number = models.CharField(_("serial number"), max_length=60, blank=True, db_index=True)
    purchased_on = models.DateField(_("purchased on"))
    warranty_ends_on = models.DateField(_("warranty ends on"))

    class Meta:
        ordering = ["-purchased_on"]
        verbose_name = _("owned product")
        verbose_name_plural = _("owned products")

    def __str__(self) -> str:
        return f"{self.product} {self.serial_number}".strip()

    def warranty(self, on_day: date) -> Warranty:
        """The warranty state of this unit on a day."""
        return warranty_on(self.purchased_on, self.warranty_ends_on, on_day)
