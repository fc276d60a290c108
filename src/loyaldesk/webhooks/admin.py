from django import forms
from django.contrib import admin, messages
from django.contrib.admin.options import IS_POPUP_VAR
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from loyaldesk.desk.admin import RecordAdmin
from loyaldesk.webhooks.models import WebhookDelivery, WebhookEndpoint, WebhookKind
from loyaldesk.webhooks.services import rotate_secret, send_again


class WebhookEndpointForm(forms.ModelForm):
    url = forms.URLField(
        label=_("URL"),
        max_length=500,
        assume_scheme="https",
        help_text=_("Where the desk posts events, over http or https. Redirects are not followed."),
    )
    events = forms.MultipleChoiceField(
        label=_("events"), choices=WebhookKind.choices, widget=forms.CheckboxSelectMultiple
    )

    class Meta:
        model = WebhookEndpoint
        fields = ("url", "description", "events", "is_active")


@admin.register(WebhookEndpoint)
class WebhookEndpointAdmin(admin.ModelAdmin):
    """Endpoints; the signing secret is generated on creation and shown on the endpoint's page."""

    form = WebhookEndpointForm
    list_display = ("url", "description", "is_active", "created_at")
    list_filter = ("is_active",)
    search_fields = ("url", "description")
    actions = ("rotate_secrets",)

    def get_readonly_fields(self, request: HttpRequest, obj=None) -> tuple[str, ...]:
        return ("secret", "created_at") if obj is not None else ()

    def response_add(self, request: HttpRequest, obj, post_url_continue=None) -> HttpResponse:
        response = super().response_add(request, obj, post_url_continue)
        if "_addanother" in request.POST or IS_POPUP_VAR in request.POST:
            return response
        # The secret exists only once saved: go to the page that shows it, to copy it.
        messages.info(request, _("Copy the signing secret into the receiving system."))
        return HttpResponseRedirect(reverse("admin:webhooks_webhookendpoint_change", args=[obj.pk]))

    @admin.action(
        description=_("Rotate the signing secret of the selected endpoints"),
        permissions=["change"],
    )
    def rotate_secrets(self, request: HttpRequest, queryset) -> None:
        count = 0
        for endpoint in queryset:
            rotate_secret(endpoint)
            count += 1
        self.message_user(
            request,
            ngettext(
                "%(count)d endpoint has a new secret; update the receiver.",
                "%(count)d endpoints have a new secret; update the receivers.",
                count,
            )
            % {"count": count},
        )


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(RecordAdmin):
    """The delivery log, read-only: deliveries change only through the sending job."""

    list_display = (
        "created_at", "kind", "endpoint", "state", "attempts", "response_status",
        "next_attempt_at", "delivered_at",
    )  # fmt: skip
    list_filter = ("state", "endpoint", "kind")
    search_fields = ("=uuid", "endpoint__url", "=event__case__number", "last_error")
    list_select_related = ("endpoint",)
    raw_id_fields = ("event",)
    date_hierarchy = "created_at"
    show_full_result_count = False
    actions = ("send_failed_again",)

    def has_resend_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("webhooks.change_webhookendpoint")

    @admin.action(
        description=_("Send the selected failed deliveries again"), permissions=["resend"]
    )
    def send_failed_again(self, request: HttpRequest, queryset) -> None:
        count = send_again(queryset.values_list("pk", flat=True))
        self.message_user(
            request,
            ngettext(
                "%(count)d delivery is queued again.",
                "%(count)d deliveries are queued again.",
                count,
            )
            % {"count": count},
        )
