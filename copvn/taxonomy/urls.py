from django.urls import path

from . import views

app_name = "taxonomy"
urlpatterns = [
    path("", views.category_list, name="list"),
    path("new/", views.category_create, name="create"),
    path("<str:code>/", views.category_edit, name="edit"),
]
