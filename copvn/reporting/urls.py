from django.urls import path

from . import views

app_name = "reporting"
urlpatterns = [
    path("", views.index, name="index"),
    path("<slug:code>/<str:period>.<str:fmt>", views.download, name="download"),
    path("submissions/<int:pk>/", views.submission_detail, name="submission"),
    path("submissions/<int:pk>/review/", views.submission_review, name="review"),
    path("adhoc/", views.adhoc_request, name="adhoc"),
    path("mine/", views.mine, name="mine"),
    path("mine/<slug:code>/<str:period>/", views.edit, name="edit"),
    path("targets/", views.targets, name="targets"),
    path("dashboard/", views.dashboard, name="dashboard"),
]
