"""Phone calls: logged by agents or recorded by the telephony system, each in its case."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PhoneConfig(AppConfig):
    name = "loyaldesk.channels.phone"
    label = "phone"
    verbose_name = _("Phone")

    def ready(self) -> None:
        from loyaldesk.channels.phone import conf
        from loyaldesk.channels.phone.history import DESCRIBERS as CALL_DESCRIBERS
        from loyaldesk.desk.history import DESCRIBERS

        # The histories tell call events in words; the desk does not know the app.
        DESCRIBERS.update(CALL_DESCRIBERS)
        # A number that is not one stops the start, not the first call an hour later.
        conf.max_body_bytes(), conf.tolerance_seconds(), conf.short_abandon_seconds()
