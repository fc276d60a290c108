from django.urls import path

from loyaldesk.surveys import views

app_name = "surveys"
urlpatterns = [
    path("", views.dashboard_view, name="dashboard"),
    path("answers/", views.answer_list_view, name="answers"),
    path("follow-ups/", views.recovery_list_view, name="recovery"),
    path("follow-ups/<int:pk>/", views.recovery_update_view, name="recovery-update"),
]
