from django.urls import path, re_path

from . import views

app_name = "takedowns"
urlpatterns = [
    path("notices/", views.notice_list, name="list"),
    path("notices/figures/", views.figures_page, name="figures"),
    path("notices/figures.csv", views.figures_export, name="figures_export"),
    path("notices/settings/", views.settings_page, name="settings"),
    path("notices/contacts/", views.contacts, name="contacts"),
    path("notices/contacts/<slug:code>/", views.contact_edit, name="contact_edit"),
    path("notices/outbox/", views.outbox_page, name="outbox"),
    path("notices/outbox/<int:pk>/retry/", views.outbox_retry, name="outbox_retry"),
    path("notices/urls/<int:pk>/confirm/", views.confirm_addressee, name="confirm_addressee"),
    path("notices/<str:reference>/", views.notice_detail, name="detail"),
    path("notices/<str:reference>/approve/", views.approve, name="approve"),
    path("notices/<str:reference>/send/", views.send, name="send"),
    path("notices/<str:reference>/dispute/", views.settle_dispute, name="settle_dispute"),
    path("notices/<str:reference>/close/", views.close, name="close"),
    path("notices/<str:reference>/cancel/", views.cancel, name="cancel"),
    re_path(r"^notices/(?P<reference>[^/]+)/letters/(?P<pk>\d+)\.(?P<fmt>docx|pdf)$", views.letter, name="letter"),
    path("provider/notices/", views.portal_list, name="portal"),
    path("provider/notices/<str:reference>/", views.portal_detail, name="portal_detail"),
    re_path(r"^provider/notices/(?P<reference>[^/]+)/letters/(?P<pk>\d+)\.(?P<fmt>docx|pdf)$", views.portal_letter,
            name="portal_letter"),
]
