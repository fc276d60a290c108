from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from loyaldesk.customers.models import Product
from loyaldesk.desk.admin import ReadOnlyInline, RecordAdmin
from loyaldesk.repairs.models import RepairOrder, RepairStageTarget, RepairTarget, StageEntry


class RepairStageTargetInline(admin.TabularInline):
    model = RepairStageTarget
    extra = 0


class RepairTargetForm(forms.ModelForm):
    """The product family is picked from the categories products carry, not typed."""

    product_family = forms.ChoiceField(label=_("product family"), choices=())

    class Meta:
        model = RepairTarget
        fields = ("product_family", "total_days")

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        families = Product.objects.order_by("category").values_list("category", flat=True)
        self.fields["product_family"].choices = [
            (family, family) for family in families.distinct() if family
        ]


@admin.register(RepairTarget)
class RepairTargetAdmin(admin.ModelAdmin):
    """Managers set how long each product family's repairs should take."""

    form = RepairTargetForm
    list_display = ("product_family", "total_days")
    inlines = [RepairStageTargetInline]


class StageEntryInline(ReadOnlyInline):
    model = StageEntry
    fields = ("entered_at", "stage", "actor")


@admin.register(RepairOrder)
class RepairOrderAdmin(RecordAdmin):
    """Repairs change through the repair page, which records events; the admin shows them."""

    list_display = ("number", "case", "owned_product", "stage", "opened_at", "due_at", "closed_at")
    list_filter = ("stage", "in_warranty", "may_erase_data")
    search_fields = ("=number", "owned_product__serial_number")
    inlines = [StageEntryInline]
