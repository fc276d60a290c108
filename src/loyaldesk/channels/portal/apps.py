"""The customer portal and the public contact form: customers write in and follow their cases."""

from django.apps import AppConfig
from django.core import checks
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    name = "loyaldesk.channels.portal"
    label = "portal"
    verbose_name = _("Customer portal")

    def ready(self) -> None:
        from loyaldesk.channels.portal.embedding import check_contact_form_origins

        checks.register(check_contact_form_origins)
