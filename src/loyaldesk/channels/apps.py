from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ChannelsConfig(AppConfig):
    name = "loyaldesk.channels"
    label = "channels"
    verbose_name = _("Channels")

    def ready(self) -> None:
        """Connect the receiver of email posted by providers (anymail's inbound signal)."""
        from loyaldesk.channels import inbound  # noqa: F401
