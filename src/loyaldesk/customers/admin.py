from django.contrib import admin

from loyaldesk.customers.models import (
    Customer,
    Identity,
    Membership,
    Organisation,
    OwnedProduct,
    Product,
    Purchase,
    PurchaseItem,
)


class IdentityInline(admin.TabularInline):
    model = Identity
    extra = 0


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ("organisation",)


class OwnedProductInline(admin.TabularInline):
    model = OwnedProduct
    extra = 0
    autocomplete_fields = ("product",)
    raw_id_fields = ("purchase",)


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ("name", "domain", "segment", "created_at")
    list_filter = ("segment",)
    search_fields = ("name", "domain")


@admin.register(Customer)
class CustomerAdmin(admin.ModelAdmin):
    list_display = ("__str__", "preferred_language", "segment", "city", "country", "customer_since")
    list_filter = ("preferred_language", "segment", "country", "consent_marketing")
    search_fields = ("first_name", "last_name", "identities__address", "city")
    date_hierarchy = "customer_since"
    inlines = (IdentityInline, MembershipInline, OwnedProductInline)
    show_full_result_count = False


@admin.register(Identity)
class IdentityAdmin(admin.ModelAdmin):
    list_display = ("address", "channel", "customer", "is_verified")
    list_filter = ("channel", "is_verified")
    search_fields = ("address", "customer__last_name")
    raw_id_fields = ("customer",)
    show_full_result_count = False


@admin.register(Product)
class ProductAdmin(admin.ModelAdmin):
    list_display = ("sku", "name", "category", "warranty_months", "list_price")
    list_filter = ("category",)
    search_fields = ("sku", "name")


class PurchaseItemInline(admin.TabularInline):
    model = PurchaseItem
    extra = 0
    autocomplete_fields = ("product",)


@admin.register(Purchase)
class PurchaseAdmin(admin.ModelAdmin):
    list_display = ("order_number", "customer", "purchased_at", "amount", "currency")
    list_filter = ("currency",)
    search_fields = ("order_number", "customer__last_name", "customer__identities__address")
    date_hierarchy = "purchased_at"
    raw_id_fields = ("customer",)
    inlines = (PurchaseItemInline,)
    show_full_result_count = False


@admin.register(OwnedProduct)
class OwnedProductAdmin(admin.ModelAdmin):
    list_display = ("product", "serial_number", "customer", "purchased_on", "warranty_ends_on")
    list_filter = ("product__category",)
    search_fields = ("serial_number", "customer__last_name", "product__name")
    raw_id_fields = ("customer", "purchase")
    show_full_result_count = False
