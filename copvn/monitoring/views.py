"""The monitoring team's pages: sources and their state, what each gave, alerts by category over time."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from copvn.audit.services import record
from copvn.core.access import requires, user_can

from . import figures, services, watch
from .forms import DropForm, SourceForm
from .models import Source


@requires("monitoring.view")
def source_list(request):
    weeks = figures.alerts_by_week()
    return render(request, "monitoring/list.html", {
        "sources": Source.objects.select_related("owner").order_by("-enabled", "name"),
        "figures": weeks, "bars": figures.bars(weeks), "rows": figures.named_rows(weeks),
        "can_manage": user_can(request.user, "monitoring.manage")})


@requires("monitoring.manage")
def source_new(request):
    form = SourceForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        source = services.create(request.user, form.cleaned_data, request=request)
        messages.success(request, _("Đã thêm nguồn “%(name)s”; lần kiểm tra đầu tiên trong vòng một phút.")
                         % {"name": source.name})
        return redirect("monitoring:detail", source.pk)
    return render(request, "monitoring/form.html", {"form": form})


@requires("monitoring.view")
def source_detail(request, pk):
    source = get_object_or_404(Source.objects.select_related("owner"), pk=pk)
    can_manage = user_can(request.user, "monitoring.manage")
    form = SourceForm(request.POST or None, instance=source, editing=True) if can_manage else None
    if request.method == "POST":
        if not can_manage:
            raise PermissionDenied
        if form.is_valid():
            services.update(source, request.user, form.cleaned_data, request=request)
            messages.success(request, _("Đã lưu."))
            return redirect("monitoring:detail", pk)
    with transaction.atomic():
        record("monitoring.source_read", request=request, obj=source)
    items = source.items.select_related("case")[:100]
    return render(request, "monitoring/detail.html", {
        "source": source, "form": form, "items": items, "can_manage": can_manage,
        "drop_form": DropForm() if can_manage and source.kind == Source.Kind.DROP else None,
        "folder": watch.drop_folder(source) / "incoming" if can_manage and source.kind == Source.Kind.DROP else None})


@requires("monitoring.manage")
@require_POST
def source_check(request, pk):
    source = get_object_or_404(Source, pk=pk)
    totals = watch.check([source], actor=request.user, request=request)
    source.refresh_from_db()
    if source.status == Source.Status.ERROR:
        messages.error(request, _("Kiểm tra không thành công: %(error)s") % {"error": source.last_error})
    else:
        messages.success(request, _("Đã kiểm tra: %(new)s mục mới, %(alerts)s cảnh báo.") % totals)
    return redirect("monitoring:detail", pk)


@requires("monitoring.manage")
@require_POST
def source_drop(request, pk):
    source = get_object_or_404(Source, pk=pk)
    form = DropForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
        return redirect("monitoring:detail", pk)
    upload = form.cleaned_data["file"]
    try:
        kept = services.add_drop(source, request.user, upload.name, upload.read(), request=request)
    except services.DropRejected as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Đã nhận %(posts)s bài đăng (%(bad_lines)s dòng không đọc được); lần kiểm tra "
                                    "tới sẽ quét chúng.") % kept)
    return redirect("monitoring:detail", pk)
