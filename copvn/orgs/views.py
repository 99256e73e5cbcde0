import datetime as dt

from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from copvn.audit.models import AuditEvent
from copvn.core.access import requires, user_can
from copvn.core.filters import text_param
from copvn.core.paging import page_of

from . import services
from .forms import OrganisationForm
from .models import Kind, Organisation


def _as_of(request) -> dt.date:
    try:
        return dt.date.fromisoformat(text_param(request, "as_of"))
    except ValueError:
        return timezone.localdate()


@requires("orgs.view")
def org_list(request):
    day = _as_of(request)
    orgs = Organisation.objects.visible_to(request.user).as_of(day).select_related("parent")
    kind = text_param(request, "kind")
    if kind in Kind.values:
        orgs = orgs.filter(kind=kind)
    query = text_param(request, "q")
    if query:
        orgs = orgs.filter(Q(name__icontains=query) | Q(short_name__icontains=query) | Q(code__icontains=query))
    page, query = page_of(request, orgs.order_by("kind", "name"))
    context = {"page": page, "query": query, "as_of": day, "kinds": Kind.choices, "kind": kind, "q": query,
               "can_manage": user_can(request.user, "orgs.manage")}
    return render(request, "orgs/org_list.html", context)


@requires("orgs.view")
def org_detail(request, pk):
    org = get_object_or_404(Organisation.objects.visible_to(request.user), pk=pk)
    context = {
        "org": org,
        "children": org.children.order_by("-valid_until", "name"),
        "predecessors": org.predecessors.all(),
        "can_manage": user_can(request.user, "orgs.manage"),
        "history": AuditEvent.objects.filter(object_type="orgs.organisation", object_id=str(org.pk)).select_related("actor")[:20]
        if user_can(request.user, "audit.view") else None,
    }
    return render(request, "orgs/org_detail.html", context)


@requires("orgs.manage")
@require_http_methods(["GET", "POST"])
def org_create(request):
    return _edit(request, Organisation())


@requires("orgs.manage")
@require_http_methods(["GET", "POST"])
def org_edit(request, pk):
    return _edit(request, get_object_or_404(Organisation, pk=pk))


def _edit(request, org):
    form = OrganisationForm(request.POST or None, instance=org)
    if request.method == "POST" and form.is_valid():
        org = services.save_organisation(request, form)
        return redirect("orgs:detail", pk=org.pk)
    return render(request, "orgs/org_form.html", {"form": form, "org": org})
