from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from loyaldesk.core.models import Sequence

admin.site.site_header = _("loyaldesk administration")
admin.site.site_title = _("loyaldesk administration")
admin.site.index_title = _("Settings and records")


@admin.register(Sequence)
class SequenceAdmin(admin.ModelAdmin):
    list_display = ("name", "value")
    search_fields = ("name",)
