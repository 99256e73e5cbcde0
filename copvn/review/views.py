"""The workbench pages. Views parse, authorise, call a service, render."""

from __future__ import annotations

from django.contrib import messages
from django.db import transaction
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from copvn.accounts.models import User
from copvn.audit.services import record
from copvn.cases.models import Case
from copvn.core.access import requires, user_can

from . import queue, services
from .forms import DecisionForm, WellnessForm
from .models import Decision, QueueItem
from .wellness import exposure_today, set_organisation_default, settings_for


@requires("review.work")
def queue_page(request):
    queues = list(queue.visible_queues(request.user).order_by("sort_order"))
    items = QueueItem.objects.filter(queue__in=queues).exclude(state=QueueItem.State.DONE) \
        .select_related("case", "queue", "holder", "assigned_to").order_by("-priority", "created_at")[:100]
    counts = {q.pk: q.items.filter(state=QueueItem.State.OPEN).count() for q in queues}
    context = {"queues": [(q, counts[q.pk]) for q in queues], "items": items,
               "analysts": User.objects.filter(role__in=["analyst", "senior_analyst"], is_active=True)
               if user_can(request.user, "review.assign") else [],
               "pending": services.pending_approvals().count() if user_can(request.user, "review.approve") else 0}
    return render(request, "review/queue.html", context)


@requires("review.work")
@require_POST
def claim_next(request):
    chosen = request.POST.get("queue", "").strip()[:40]
    target = queue.visible_queues(request.user).filter(code=chosen).first() if chosen else None
    if chosen and target is None:  # not silently another queue: one the user may not see, or that is gone
        messages.error(request, _("Không có hàng đợi này, hoặc bạn chưa được cấp quyền xem hàng đợi này."))
        return redirect("review:queue")
    item = queue.claim(request.user, target)
    if item is None:
        messages.info(request, _("Không còn vụ việc nào chờ trong hàng đợi này."))
        return redirect("review:queue")
    with transaction.atomic():
        record("review.claim", request=request, obj=item.case, data={"item": item.pk, "queue": item.queue.code})
    return redirect("review:item", pk=item.pk)


def _item(request, pk) -> QueueItem:
    item = get_object_or_404(QueueItem.objects.select_related("case", "queue", "holder"), pk=pk)
    if item.queue not in queue.visible_queues(request.user):
        raise Http404
    return item


@requires("review.work")
def item_page(request, pk):
    from copvn.cases.views import case_context

    item = _item(request, pk)
    mine = queue.holds(request.user, item)
    context = case_context(request, item.case)
    context.update(item=item, mine=mine, form=DecisionForm(initial={"seen_number": _seen(item.case)}),
                   lease_seconds=queue.lease_seconds(),
                   wellness=settings_for(request.user), exposure=exposure_today(request.user))
    return render(request, "review/item.html", context)


def _seen(case) -> int:
    last = services.latest(case)
    return last.number if last else 0


@requires("review.work")
@require_POST
def renew(request, pk):
    return JsonResponse({"renewed": queue.renew(request.user, _item(request, pk))})


@requires("review.work")
@require_POST
def release(request, pk):
    item = _item(request, pk)
    if queue.release(request.user, item):
        with transaction.atomic():
            record("review.skip", request=request, obj=item.case, data={"item": item.pk})
    return redirect("review:queue")


@requires("review.work")
@require_POST
def hold(request, pk):
    item = _item(request, pk)
    reason = request.POST.get("reason", "").strip()
    try:
        services.hold(item, request.user, reason, request=request)
    except services.ReviewRefused as refused:
        messages.error(request, str(refused))
        return redirect("review:item", pk=pk)
    messages.success(request, _("Đã tạm giữ vụ việc."))
    return redirect("review:queue")


@requires("review.assign")
@require_POST
def assign(request, pk):
    item = _item(request, pk)
    person = User.objects.filter(pk=request.POST.get("user") or 0, is_active=True).first()
    services.assign(item, person, actor=request.user, request=request)
    return redirect("review:queue")


@requires("review.work")
@require_POST
def decide(request, reference):
    case = get_object_or_404(Case, reference=reference)
    form = DecisionForm(request.POST)
    item = QueueItem.objects.filter(case=case).exclude(state=QueueItem.State.DONE).first()
    if not form.is_valid():
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
    else:
        try:
            decision = services.decide(case, request.user, form.to_input(), request=request)
        except services.ReviewRefused as refused:
            messages.error(request, str(refused))
        else:
            messages.success(request, _("Đã ghi quyết định, chờ phê duyệt.") if decision.needs_approval
                             else _("Đã ghi quyết định."))
            return redirect("review:queue")
    return redirect("review:item", pk=item.pk) if item else redirect("cases:detail", reference=reference)


@requires("review.approve")
def approvals(request):
    return render(request, "review/approvals.html", {"decisions": services.pending_approvals()})


@requires("review.approve")
@require_POST
def approve(request, pk):
    decision = get_object_or_404(Decision, pk=pk)
    try:
        services.approve(decision, request.user, request.POST.get("verdict") == "approve",
                         request.POST.get("comment", ""), request=request)
    except services.ReviewRefused as refused:
        messages.error(request, str(refused))
    else:
        messages.success(request, _("Đã ghi ý kiến phê duyệt."))
    return redirect("review:approvals")


@requires("review.work")
@require_http_methods(["GET", "POST"])
def wellness(request):
    may_set_default = user_can(request.user, "review.assign") and request.user.organisation_id is not None
    form = WellnessForm(request.POST or None, instance=settings_for(request.user), may_set_default=may_set_default)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            form.save()
            if form.cleaned_data.get("for_organisation"):
                set_organisation_default(request.user, form.cleaned_data)
            record("review.wellness", request=request, obj=request.user, data=form.cleaned_data)
        messages.success(request, _("Đã lưu thiết lập bảo vệ người xem xét."))
        return redirect("review:queue")
    return render(request, "review/wellness.html", {"form": form, "exposure": exposure_today(request.user)})



@requires("review.metrics")
def metrics_page(request):
    from .metrics import GROUPS, MEASURES, durations

    tables = [(measure, group, durations(measure, group)) for measure in MEASURES for group in GROUPS]
    return render(request, "review/metrics.html", {"tables": tables})


@requires("review.metrics")
def decisions_export(request):
    from copvn.core.exports import csv_response

    from .metrics import decision_log

    with transaction.atomic():
        record("decision.export", request=request)
    return csv_response(decision_log(), "quyet-dinh.csv")


@requires("review.rules")
@require_http_methods(["GET", "POST"])
def rules(request, pk=None):
    from .forms import RoutingRuleForm
    from .models import RoutingRule

    rule = get_object_or_404(RoutingRule, pk=pk) if pk else None
    form = RoutingRuleForm(request.POST or None, instance=rule)
    if request.method == "POST" and form.is_valid():
        services.save_rule(form, request=request)
        messages.success(request, _("Đã lưu quy tắc phân luồng."))
        return redirect("review:rules")
    return render(request, "review/rules.html", {"rules": RoutingRule.objects.select_related("queue"),
                                                 "form": form, "editing": rule})
