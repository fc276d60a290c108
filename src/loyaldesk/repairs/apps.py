from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RepairsConfig(AppConfig):
    name = "loyaldesk.repairs"
    label = "repairs"
    verbose_name = _("Repairs")

    def ready(self) -> None:
        from loyaldesk.desk.history import DESCRIBERS
        from loyaldesk.repairs.history import DESCRIBERS as REPAIR_DESCRIBERS

        # The case history tells repair events in words; the desk does not know the app.
        DESCRIBERS.update(REPAIR_DESCRIBERS)
