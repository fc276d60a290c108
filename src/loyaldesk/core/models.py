from django.db import models
from django.utils.translation import gettext_lazy as _


class Sequence(models.Model):
    """A named gap-tolerant counter, e.g. the one that numbers cases."""

    name = models.CharField(_("name"), max_length=50, primary_key=True)
    value = models.PositiveBigIntegerField(_("last value"), default=0)

    class Meta:
        verbose_name = _("sequence")
        verbose_name_plural = _("sequences")

    def __str__(self) -> str:
        return f"{self.name}={self.value}"
