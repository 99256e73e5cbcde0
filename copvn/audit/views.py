import datetime as dt

from django.contrib import messages
from django.db import transaction
from django.db.models import Q, Value
from django.db.models.functions import Concat
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from copvn.core.access import requires
from copvn.core.exports import csv_response
from copvn.core.filters import text_param
from copvn.core.paging import page_of

from .labels import action_choices
from .models import AuditEvent
from .services import record, verify_chain

FILTERS = ("actor", "action", "object_type", "object_id", "since", "until")
EXPORT_LIMIT = 100_000


def _filtered(request):
    events = AuditEvent.objects.all()
    values = {name: text_param(request, name) for name in FILTERS}
    if values["actor"]:
        # By user name as recorded, or by today's full name in Vietnamese order ("Trương Công Hải").
        events = events.alias(actor_name=Concat("actor__last_name", Value(" "), "actor__first_name")) \
            .filter(Q(actor_label__icontains=values["actor"]) | Q(actor_name__icontains=values["actor"]))
    if values["action"]:
        events = events.filter(action__startswith=values["action"])
    if values["object_type"]:
        events = events.filter(object_type=values["object_type"])
    if values["object_id"]:
        events = events.filter(object_id=values["object_id"])
    for name, lookup in (("since", "at__date__gte"), ("until", "at__date__lte")):
        try:
            events = events.filter(**{lookup: dt.date.fromisoformat(values[name])}) if values[name] else events
        except ValueError:
            values[name] = ""
    return events, values


@requires("audit.view")
def event_list(request):
    events, values = _filtered(request)
    page, query = page_of(request, events.select_related("actor"))
    actions = AuditEvent.objects.order_by().values_list("action", flat=True).distinct()
    return render(request, "audit/event_list.html",
                  {"page": page, "filters": values, "actions": action_choices(actions), "query": query})


@requires("audit.view")
def event_export(request):
    """CSV of the filtered entries; the export itself is an audited act."""
    events, values = _filtered(request)
    record("audit.export", request=request, data={k: v for k, v in values.items() if v})

    def rows():
        yield ["seq", "at", "actor", "role", "action", "object_type", "object_id", "object", "ip", "reason", "hash"]
        for e in events.order_by("seq")[:EXPORT_LIMIT].iterator():
            yield [e.seq, e.at.isoformat(), e.actor_label, e.role, e.action, e.object_type, e.object_id,
                   e.object_repr, e.ip, e.reason, e.hash]

    return csv_response(rows(), "nhat-ky-kiem-toan.csv")


@requires("audit.view")
@require_POST
def chain_verify(request):
    report = verify_chain()
    with transaction.atomic():
        record("audit.verify", request=request, data={"checked": report.checked, "ok": report.ok,
                                                       "first_broken_seq": report.first_broken_seq})
    if report.ok:
        messages.success(request, _("Chuỗi nhật ký toàn vẹn: đã kiểm tra %(n)s mục.") % {"n": report.checked})
    else:
        messages.error(request, _("Chuỗi nhật ký bị phá vỡ tại mục số %(seq)s: %(why)s")
                       % {"seq": report.first_broken_seq, "why": report.problem})
    return redirect("audit:list")
