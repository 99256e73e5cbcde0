from django.urls import include, path
from django.views.i18n import set_language

from copvn.core import views as core_views
from copvn.core.access import public

urlpatterns = [
    path("", core_views.home, name="home"),
    path("healthz", core_views.health, name="health"),
    path("i18n/setlang/", public(set_language), name="set_language"),
    path("", include("copvn.accounts.urls")),
    path("orgs/", include("copvn.orgs.urls")),
    path("taxonomy/", include("copvn.taxonomy.urls")),
    path("audit/", include("copvn.audit.urls")),
]
