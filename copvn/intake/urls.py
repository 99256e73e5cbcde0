from django.urls import path

from . import views

app_name = "intake"
urlpatterns = [
    path("report/", views.public_report, name="public_report"),
    path("report/status/", views.status, name="status"),
    path("intake/new/", views.staff_new, name="staff_new"),
    path("intake/import/", views.import_page, name="import"),
]
