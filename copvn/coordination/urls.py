from django.urls import path

from . import views

app_name = "coordination"
urlpatterns = [
    path("", views.task_list, name="list"),
    path("<int:pk>/", views.task_detail, name="detail"),
    path("<int:pk>/update/", views.task_update, name="update"),
    path("new/", views.task_new, name="new"),
    path("<int:pk>/attach/", views.task_attach, name="attach"),
    path("files/<int:pk>/", views.attachment, name="attachment"),
    path("activities/", views.activity_list, name="activities"),
    path("activities/new/<slug:kind>/", views.activity_new, name="activity_new"),
    path("activities/<int:pk>/", views.activity_detail, name="activity"),
    path("activities/<int:pk>/attach/", views.activity_attach, name="activity_attach"),
    path("obstacles/", views.obstacle_list, name="obstacles"),
    path("obstacles/<int:pk>/answer/", views.obstacle_answer, name="obstacle_answer"),
]
