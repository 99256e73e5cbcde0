from django.urls import path

from . import views

app_name = "referrals"
urlpatterns = [
    path("referrals/", views.referral_list, name="list"),
    path("referrals/inbox/", views.inbox, name="inbox"),
    path("referrals/inbox/<str:reference>/", views.inbox_detail, name="inbox_detail"),
    path("referrals/inbox/<str:reference>/package.docx", views.inbox_package, name="inbox_package"),
    path("referrals/<str:reference>/", views.detail, name="detail"),
    path("referrals/<str:reference>/package.docx", views.package, name="package"),
    path("cases/<str:reference>/refer/", views.refer_case, name="refer"),
]
