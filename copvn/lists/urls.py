from django.urls import path

from . import views

app_name = "lists"
urlpatterns = [
    path("", views.list_index, name="index"),
    path("new/", views.list_create, name="create"),
    path("<slug:slug>/", views.list_detail, name="detail"),
    path("<slug:slug>/settings/", views.list_settings, name="settings"),
    path("<slug:slug>/import/", views.list_import, name="import"),
    path("<slug:slug>/add/", views.list_add, name="add"),
    path("<slug:slug>/entries/<int:pk>/remove/", views.list_remove_entry, name="remove_entry"),
    path("<slug:slug>/export/", views.list_export, name="export"),
]
