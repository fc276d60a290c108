from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.templatetags.static import static
from django.urls import include, path
from django.views.generic import RedirectView

from loyaldesk.api import api

urlpatterns = [
    path("", RedirectView.as_view(pattern_name="desk:case-list", permanent=False), name="home"),
    path("login/", auth_views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path(
        "account/password/",
        auth_views.PasswordChangeView.as_view(template_name="account/password_change_form.html"),
        name="password_change",
    ),
    path(
        "account/password/done/",
        auth_views.PasswordChangeDoneView.as_view(
            template_name="account/password_change_done.html"
        ),
        name="password_change_done",
    ),
    path("cases/", include("loyaldesk.desk.urls")),
    path("customers/", include("loyaldesk.customers.urls")),
    path("repairs/", include("loyaldesk.repairs.urls")),
    path("surveys/", include("loyaldesk.surveys.urls")),
    path("s/", include("loyaldesk.surveys.public_urls")),
    path("service-levels/", include("loyaldesk.service_levels.urls")),
    path("portal/", include("loyaldesk.channels.portal.urls")),
    path("phone/", include("loyaldesk.channels.phone.urls")),
    path("channels/", include("loyaldesk.channels.urls")),
    path("inbound/", include("loyaldesk.channels.inbound_urls")),
    path("api/", api.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    # Browsers ask for /favicon.ico on pages that name no icon (the admin's).
    path("favicon.ico", RedirectView.as_view(url=static("loyaldesk/favicon.svg"))),
]
