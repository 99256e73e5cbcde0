from django.urls import path

from . import views

app_name = "cases"
urlpatterns = [
    path("", views.case_list, name="list"),
    path("<str:reference>/", views.case_detail, name="detail"),
    path("<str:reference>/media/<int:upload_id>/", views.upload_image, name="media"),
    path("<str:reference>/media/<int:upload_id>/reveal/", views.reveal, name="reveal"),
    path("<str:reference>/evidence/<int:artefact_id>/", views.artefact, name="artefact"),
]
