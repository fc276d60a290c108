"""Sign-in links of the customer portal."""

from __future__ import annotations

from datetime import datetime

from django.db import models
from django.utils.translation import gettext_lazy as _

from loyaldesk.customers.models import Customer


class SignInLink(models.Model):
    """A one-time link emailed to a customer: kept as its token's hash, used once, expires."""

    customer = models.ForeignKey(
        Customer, on_delete=models.CASCADE, related_name="portal_links", verbose_name=_("customer")
    )
    address = models.CharField(_("sent to"), max_length=254)
    token_hash = models.CharField(_("token hash"), max_length=64, unique=True)
    created_at = models.DateTimeField(_("created"))
    expires_at = models.DateTimeField(_("expires"))
    used_at = models.DateTimeField(_("used"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("portal sign-in link")
        verbose_name_plural = _("portal sign-in links")

    def __str__(self) -> str:
        return f"{self.address} {self.created_at:%Y-%m-%d %H:%M}"

    def is_usable(self, now: datetime) -> bool:
        """Not used yet and not expired."""
        return self.used_at is None and now < self.expires_at
