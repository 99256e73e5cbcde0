from django.db import connection
from django.http import JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache

from copvn.accounts.models import User
from copvn.audit.models import AuditEvent
from copvn.core.access import public, requires, user_can
from copvn.orgs.models import Organisation
from copvn.taxonomy.models import Category


@requires("home")
def home(request):
    user = request.user
    context = {"role": user.role_info, "organisation": user.organisation}
    if user_can(user, "audit.view"):
        context["recent"] = AuditEvent.objects.select_related("actor")[:10]
    if user_can(user, "users.manage"):
        context["counts"] = {
            "orgs": Organisation.objects.current().count(),
            "users": User.objects.filter(is_active=True).count(),
            "categories": Category.objects.filter(active=True).count(),
        }
    return render(request, "core/home.html", context)


@public
@never_cache
def health(request):
    """200 while the database answers, a worker beats and the queue moves; 503 naming the problem otherwise."""
    from copvn.jobs.health import snapshot

    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    state = snapshot()
    return JsonResponse(state, status=200 if state["status"] == "ok" else 503)
