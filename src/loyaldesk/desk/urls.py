from django.urls import path

from loyaldesk.desk import views

app_name = "desk"
urlpatterns = [
    path("", views.case_list_view, name="case-list"),
    path("<int:number>/", views.case_detail_view, name="case-detail"),
]
