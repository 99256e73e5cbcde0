from django.urls import path

from . import views

app_name = "consent"
urlpatterns = [
    path("", views.consent_list, name="list"),
    path("new/", views.consent_new, name="new"),
    path("check/", views.check_page, name="check"),
    path("checks/", views.check_list, name="checks"),
    path("checks/<int:pk>/", views.check_detail, name="check_detail"),
    path("checks/<int:pk>/redacted.txt", views.redacted_text, name="redacted"),
    path("form.<str:fmt>", views.printable_form, name="blank_form"),
    path("<int:pk>/form.<str:fmt>", views.printable_form, name="form"),
    path("<int:pk>/evidence/", views.add_evidence, name="add_evidence"),
    path("<int:pk>/evidence/<int:evidence_pk>/", views.open_evidence, name="open_evidence"),
    path("<int:pk>/", views.consent_detail, name="detail"),
    path("<int:pk>/signers/", views.add_signer, name="add_signer"),
    path("<int:pk>/withdraw/", views.withdraw, name="withdraw"),
]
