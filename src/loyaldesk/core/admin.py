from django.contrib import admin

from loyaldesk.core.models import Sequence


@admin.register(Sequence)
class SequenceAdmin(admin.ModelAdmin):
    list_display = ("name", "value")
    search_fields = ("name",)
