from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "loyaldesk.accounts"
    verbose_name = _("Staff")

    def ready(self) -> None:
        from loyaldesk.accounts.services import sync_roles_after_migrate

        post_migrate.connect(sync_roles_after_migrate, sender=self)
