from django.urls import path

from . import views

app_name = "coordination"
urlpatterns = [
    path("", views.task_list, name="list"),
    path("<int:pk>/", views.task_detail, name="detail"),
    path("<int:pk>/update/", views.task_update, name="update"),
]
