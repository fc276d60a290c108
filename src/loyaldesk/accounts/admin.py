from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _

from loyaldesk.accounts.models import Team, User


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    fieldsets = (
        *DjangoUserAdmin.fieldsets,
        (_("Preferences"), {"fields": ("preferred_language",)}),
    )
    list_display = ("username", "first_name", "last_name", "email", "is_staff", "is_active")
    list_filter = ("groups", "is_staff", "is_active", "preferred_language")


@admin.register(Team)
class TeamAdmin(admin.ModelAdmin):
    list_display = ("name", "lead")
    search_fields = ("name", "members__username", "members__last_name")
    autocomplete_fields = ("lead",)
    filter_horizontal = ("members",)
