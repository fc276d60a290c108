from django.urls import path

from loyaldesk.channels.phone import views

app_name = "phone"
urlpatterns = [
    path("webhook/", views.webhook_view, name="webhook"),
    path("call-backs/", views.call_backs_view, name="call-backs"),
    path("cases/<int:number>/calls/", views.log_call_view, name="log-call"),
]
