from django.urls import path

from loyaldesk.customers import views

app_name = "customers"
urlpatterns = [
    path("<int:pk>/", views.customer_detail_view, name="customer-detail"),
    path("<int:pk>/edit/", views.customer_edit_view, name="customer-edit"),
    path("<int:pk>/identities/", views.identity_add_view, name="identity-add"),
    path(
        "<int:pk>/identities/<int:identity_pk>/remove/",
        views.identity_remove_view,
        name="identity-remove",
    ),
    path("<int:pk>/merge/", views.customer_merge_view, name="customer-merge"),
]
