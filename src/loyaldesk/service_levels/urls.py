from django.urls import path

from loyaldesk.service_levels import views

app_name = "service_levels"
urlpatterns = [
    path("reports/", views.report_view, name="report"),
]
