from django.urls import path

from loyaldesk.channels.portal import views

app_name = "portal"
urlpatterns = [
    path("", views.portal_home, name="home"),
    path("sign-in/", views.sign_in_view, name="sign-in"),
    path("sign-in/sent/", views.link_sent_view, name="link-sent"),
    path("sign-in/<str:token>/", views.link_view, name="link"),
    path("sign-out/", views.sign_out_view, name="sign-out"),
    path("cases/", views.cases_view, name="cases"),
    path("cases/new/", views.new_case_view, name="case-new"),
    path("cases/<int:number>/", views.case_view, name="case"),
    path("cases/<int:number>/reply/", views.reply_view, name="reply"),
    path("cases/<int:number>/files/<int:pk>/", views.attachment_view, name="attachment"),
    path("contact/", views.contact_view, name="contact"),
]
