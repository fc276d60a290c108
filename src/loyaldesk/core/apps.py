from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "loyaldesk.core"
    verbose_name = _("Core")

    def ready(self) -> None:
        from django.db.models import IntegerField
        from django.db.models.signals import post_migrate

        from loyaldesk.core.fulltext import repair_indexes
        from loyaldesk.core.lookups import InList

        post_migrate.connect(repair_indexes, sender=self)
        IntegerField.register_lookup(InList)
