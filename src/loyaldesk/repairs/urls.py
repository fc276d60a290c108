from django.urls import path

from loyaldesk.repairs import views

app_name = "repairs"
urlpatterns = [
    path("", views.repair_list_view, name="list"),
    path("open/<int:number>/", views.repair_open_view, name="open"),
    path("<int:number>/", views.repair_detail_view, name="detail"),
    path("<int:number>/stage/", views.repair_stage_view, name="stage"),
    path("<int:number>/data-loss/warn/", views.repair_warn_view, name="warn"),
    path("<int:number>/data-loss/acknowledge/", views.repair_acknowledge_view, name="acknowledge"),
    path("<int:number>/estimate/", views.repair_estimate_view, name="estimate"),
    path(
        "<int:number>/estimate/answer/", views.repair_estimate_answer_view, name="estimate-answer"
    ),
    path("<int:number>/loaner/", views.repair_loaner_view, name="loaner"),
]
