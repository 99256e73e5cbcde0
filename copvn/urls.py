from django.urls import include, path
from django.views.i18n import set_language

from copvn.core import views as core_views
from copvn.core.access import mark_public, public
from copvn.intake.api import api
from copvn.reporting import views as reporting_views

urlpatterns = [
    path("", core_views.home, name="home"),
    path("healthz", core_views.health, name="health"),
    path("i18n/setlang/", public(set_language), name="set_language"),
    path("", include("copvn.accounts.urls")),
    path("", include("copvn.intake.urls")),
    path("orgs/", include("copvn.orgs.urls")),
    path("taxonomy/", include("copvn.taxonomy.urls")),
    path("audit/", include("copvn.audit.urls")),
    path("cases/", include("copvn.cases.urls")),
    path("apikeys/", include("copvn.intake.key_urls")),
    path("lists/", include("copvn.lists.urls")),
    path("review/", include("copvn.review.urls")),
    path("", include("copvn.takedowns.urls")),
    path("", include("copvn.referrals.urls")),
    path("consent/", include("copvn.consent.urls")),
    path("tasks/", include("copvn.coordination.urls")),
    path("monitoring/", include("copvn.monitoring.urls")),
    path("reports/", include("copvn.reporting.urls")),
    path("transparency/", reporting_views.transparency, name="transparency"),
    path("api/v1/", api.urls),
]
mark_public(urlpatterns[-1].url_patterns)
