from django.urls import path

from loyaldesk.desk import views

app_name = "desk"
urlpatterns = [
    path("", views.case_list_view, name="case-list"),
    path("bulk/", views.bulk_action_view, name="bulk-action"),
    path("views/", views.saved_view_create, name="saved-view-create"),
    path("views/<int:pk>/delete/", views.saved_view_delete, name="saved-view-delete"),
    path("<int:number>/", views.case_detail_view, name="case-detail"),
    path("<int:number>/live/", views.case_live_view, name="case-live"),
    path("<int:number>/history/", views.case_history_view, name="case-history"),
    path("<int:number>/reply/", views.case_reply_view, name="case-reply"),
    path("<int:number>/note/", views.case_note_view, name="case-note"),
    path("<int:number>/assign/", views.case_assign_view, name="case-assign"),
    path("<int:number>/status/", views.case_status_view, name="case-status"),
    path("<int:number>/details/", views.case_details_view, name="case-details"),
    path("<int:number>/merge/", views.case_merge_view, name="case-merge"),
    path("<int:number>/links/", views.case_link_view, name="case-link"),
    path("<int:number>/messages/<int:pk>/split/", views.message_split_view, name="message-split"),
    path(
        "<int:number>/attachments/<int:pk>/",
        views.attachment_download_view,
        name="attachment-download",
    ),
    path("<int:number>/macros/", views.case_macro_view, name="case-macro"),
]
