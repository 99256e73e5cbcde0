from django.urls import path

from . import views

app_name = "consent"
urlpatterns = [
    path("", views.consent_list, name="list"),
    path("new/", views.consent_new, name="new"),
    path("check/", views.check_page, name="check"),
    path("<int:pk>/", views.consent_detail, name="detail"),
    path("<int:pk>/signers/", views.add_signer, name="add_signer"),
    path("<int:pk>/withdraw/", views.withdraw, name="withdraw"),
]
