from django.urls import path

from . import views

app_name = "monitoring"
urlpatterns = [
    path("", views.source_list, name="list"),
    path("new/", views.source_new, name="new"),
    path("<int:pk>/", views.source_detail, name="detail"),
    path("<int:pk>/check/", views.source_check, name="check"),
    path("<int:pk>/drop/", views.source_drop, name="drop"),
]
