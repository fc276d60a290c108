from django.urls import path

from loyaldesk.channels import views

app_name = "channels"
urlpatterns = [
    path("cases/<int:number>/fax/", views.add_fax_view, name="add-fax"),
]
