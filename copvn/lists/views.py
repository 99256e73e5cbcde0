"""Hash and URL lists on pages: parse, authorise, call a service, render."""

from django.contrib import messages
from django.http import StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from copvn.audit.models import AuditEvent
from copvn.core.access import requires, user_can
from copvn.core.exports import csv_response
from copvn.core.filters import text_param
from copvn.core.paging import page_of
from copvn.taxonomy.models import Category

from . import matching, services
from .forms import AddEntryForm, ImportForm, ListCreateForm, ListSettingsForm, RemoveEntryForm
from .models import HashList, ListEntry, entry_key


@requires("lists.view")
def list_index(request):
    context = {"lists": HashList.objects.all(), "can_manage": user_can(request.user, "lists.manage")}
    return render(request, "lists/list_index.html", context)


@requires("lists.manage")
@require_http_methods(["GET", "POST"])
def list_create(request):
    form = ListCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        hash_list = services.create_list(**form.cleaned_data, actor=request.user, request=request)
        messages.success(request, _("Đã tạo danh sách."))
        return redirect("lists:detail", slug=hash_list.slug)
    return render(request, "lists/list_create.html", {"form": form})


@requires("lists.view")
def list_detail(request, slug):
    return _detail(request, get_object_or_404(HashList, slug=slug))


@requires("lists.manage")
@require_POST
def list_settings(request, slug):
    hash_list = get_object_or_404(HashList, slug=slug)
    form = ListSettingsForm(request.POST, instance=HashList.objects.get(pk=hash_list.pk), auto_id="settings-%s")
    if form.is_valid():
        services.update_list(hash_list, actor=request.user, request=request,
                             **{name: form.cleaned_data[name] for name in form.fields})
        messages.success(request, _("Đã lưu thiết lập danh sách."))
        return redirect("lists:detail", slug=slug)
    return _detail(request, hash_list, settings_form=form)


@requires("lists.manage")
@require_POST
def list_import(request, slug):
    hash_list = get_object_or_404(HashList, slug=slug)
    form = ImportForm(request.POST, request.FILES, auto_id="import-%s")
    result = None
    if form.is_valid():
        upload = form.cleaned_data["file"]
        result = services.import_entries(hash_list, upload.read(), upload.name, actor=request.user,
                                         request=request, note=form.cleaned_data["note"])
        form = None
    return _detail(request, hash_list, import_form=form, result=result)


@requires("lists.manage")
@require_POST
def list_add(request, slug):
    hash_list = get_object_or_404(HashList, slug=slug)
    form = AddEntryForm(request.POST, auto_id="add-%s")
    if form.is_valid():
        try:
            added, _repeated = services.add_entries(hash_list, [form.cleaned_data["value"]], actor=request.user,
                                                    request=request, note=form.cleaned_data["note"])
        except services.InvalidValues as exc:
            form.add_error("value", exc.problems[0][1])
        else:
            if added:
                messages.success(request, _("Đã thêm giá trị vào danh sách."))
            else:
                messages.info(request, _("Giá trị này đã có trong danh sách."))
            return redirect("lists:detail", slug=slug)
    return _detail(request, hash_list, add_form=form)


@requires("lists.manage")
@require_POST
def list_remove_entry(request, slug, pk):
    hash_list = get_object_or_404(HashList, slug=slug)
    entry = get_object_or_404(ListEntry, pk=pk, hash_list=hash_list)
    form = RemoveEntryForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    services.remove_entry(entry, actor=request.user, request=request, reason=reason)
    messages.success(request, _("Đã xóa giá trị khỏi danh sách."))
    return redirect("lists:detail", slug=slug)


@requires("lists.view")
def list_export(request, slug):
    hash_list = get_object_or_404(HashList, slug=slug)
    fmt = "lines" if request.GET.get("format") == "lines" else "csv"
    rows = services.export_rows(hash_list, fmt, actor=request.user, request=request)
    if fmt == "csv":
        return csv_response(rows, f"{hash_list.slug}.csv")
    response = StreamingHttpResponse(rows, content_type="text/plain; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{hash_list.slug}.txt"'
    return response


def _detail(request, hash_list, *, settings_form=None, import_form=None, add_form=None, result=None):
    can_manage = user_can(request.user, "lists.manage")
    entries, searched = _entries(request, hash_list)
    page, query = page_of(request, entries)
    context = {
        "hash_list": hash_list, "page": page, "query": query, "searched": searched, "q": text_param(request, "q"),
        "can_manage": can_manage, "result": result,
        "category": Category.objects.filter(code=hash_list.category_code).first() if hash_list.category_code else None,
        "history": AuditEvent.objects.filter(object_type="lists.hashlist", object_id=str(hash_list.pk))
        .select_related("actor")[:20] if user_can(request.user, "audit.view") else None,
    }
    if can_manage:
        context.update(
            settings_form=settings_form or ListSettingsForm(instance=hash_list, auto_id="settings-%s"),
            import_form=import_form or ImportForm(auto_id="import-%s"),
            add_form=add_form or AddEntryForm(auto_id="add-%s"),
        )
    return render(request, "lists/list_detail.html", context)


def _entries(request, hash_list):
    """The list's entries, newest first; only the one equal to the searched value when there is a search."""
    entries = hash_list.entries.select_related("added_by")
    text = text_param(request, "q", limit=4200)
    if not text:
        return entries, False
    try:
        value = matching.normalise(hash_list.kind, text)
    except (ValueError, KeyError):
        return entries.none(), True
    return entries.filter(key=entry_key(value)), True
