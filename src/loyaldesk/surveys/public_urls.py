from django.urls import path

from loyaldesk.surveys import public_views

app_name = "surveys-public"
urlpatterns = [
    path("<str:token>/", public_views.answer_view, name="answer"),
    path("<str:token>/rate/<int:score>/", public_views.rate_view, name="rate"),
]
