from django.urls import path

from . import views

app_name = "review"
urlpatterns = [
    path("", views.queue_page, name="queue"),
    path("claim/", views.claim_next, name="claim"),
    path("items/<int:pk>/", views.item_page, name="item"),
    path("items/<int:pk>/renew/", views.renew, name="renew"),
    path("items/<int:pk>/release/", views.release, name="release"),
    path("items/<int:pk>/hold/", views.hold, name="hold"),
    path("items/<int:pk>/assign/", views.assign, name="assign"),
    path("cases/<str:reference>/decide/", views.decide, name="decide"),
    path("approvals/", views.approvals, name="approvals"),
    path("decisions/<int:pk>/approve/", views.approve, name="approve"),
    path("wellness/", views.wellness, name="wellness"),
    path("metrics/", views.metrics_page, name="metrics"),
    path("rules/", views.rules, name="rules"),
    path("rules/<int:pk>/", views.rules, name="rule_edit"),
    path("decisions.csv", views.decisions_export, name="decisions_export"),
]
