"""An organisation's tasks: its focal point (or press editor) sees and updates its own; auditors see all."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from copvn.audit.services import record
from copvn.core.access import requires, user_can

from . import services
from .forms import ActivityForm, AnswerForm, AssignForm, FileForm, ObstacleForm, UpdateForm
from .models import ActivityRecord, Obstacle, Task
from .scope import may_act_for, mine


def visible(user):
    return mine(Task.objects.select_related("organisation"), user)


def subject_url(task: Task) -> str:
    kind, _sep, pk = task.subject.partition(":")
    if kind == "consent" and pk.isdigit():
        from django.urls import reverse

        return reverse("consent:detail", args=[int(pk)])
    return ""


@requires("tasks.view")
def task_list(request):
    tasks = visible(request.user)
    state = request.GET.get("state", "")
    if state in Task.State.values:
        tasks = tasks.filter(state=state)
    page = Paginator(tasks, 50).get_page(request.GET.get("page"))
    return render(request, "coordination/list.html", {"page": page, "states": Task.State.choices, "state": state,
                                                      "can_assign": user_can(request.user, "tasks.assign")})


@requires("tasks.view")
def task_detail(request, pk):
    task = get_object_or_404(visible(request.user), pk=pk)
    with transaction.atomic():
        record("task.read", request=request, obj=task)
    return render(request, "coordination/detail.html", {
        "task": task, "subject_url": subject_url(task), "updates": task.updates.select_related("by"),
        "can_update": user_can(request.user, "tasks.update") and task.state != Task.State.CANCELLED,
        "form": UpdateForm(initial={"state": task.state}), "attachments": task.attachments.all(),
        "file_form": FileForm()})


@requires("tasks.update")
@require_POST
def task_update(request, pk):
    task = get_object_or_404(visible(request.user), pk=pk)
    form = UpdateForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
        return redirect("coordination:detail", pk=pk)
    try:
        services.update(task, request.user, form.cleaned_data["state"], form.cleaned_data["comment"], request=request)
    except services.TaskRefused as refused:
        messages.error(request, str(refused))
    else:
        messages.success(request, _("Đã cập nhật nhiệm vụ."))
    return redirect("coordination:detail", pk=pk)


# --------------------------------------------------------------------------- the lead department assigns

@requires("tasks.assign")
def task_new(request):
    form = AssignForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            task = services.assign(data["organisation"], data["title"], request.user, details=data["details"],
                                   due=data["due"], request=request)
        except services.TaskRefused as refused:
            form.add_error(None, str(refused))
        else:
            messages.success(request, _("Đã giao nhiệm vụ cho %(org)s.") % {"org": task.organisation.name})
            return redirect("coordination:detail", pk=task.pk)
    return render(request, "coordination/form.html", {"form": form, "title": _("Giao nhiệm vụ"),
                                                       "multipart": False})


@requires("tasks.update")
@require_POST
def task_attach(request, pk):
    task = get_object_or_404(visible(request.user), pk=pk)
    return _attach(request, task, redirect("coordination:detail", pk=pk))


def _attach(request, owner, back):
    form = FileForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
        return back
    upload = form.cleaned_data["file"]
    try:
        services.attach(owner, request.user, upload.name, upload.read(), request=request)
    except services.TaskRefused as refused:
        messages.error(request, str(refused))
    else:
        messages.success(request, _("Đã lưu tệp minh chứng."))
    return back


@requires("tasks.view")
def attachment(request, pk):
    """An evidence file, downloaded (never shown inline), audited."""
    from django.http import Http404, HttpResponse

    from copvn.core.blobs import EVIDENCE
    from copvn.core.files import EXTENSIONS

    from .models import Attachment

    item = get_object_or_404(Attachment.objects.select_related("task", "activity"), pk=pk)
    owner = item.task or item.activity
    if not mine(type(owner).objects.filter(pk=owner.pk), request.user).exists():
        raise Http404
    with transaction.atomic():
        record("coordination.attachment_open", request=request, obj=owner, data={"sha256": item.sha256})
    response = HttpResponse(EVIDENCE.read(item.sha256), content_type=item.content_type)
    response["Content-Disposition"] = f'attachment; filename="minh-chung-{item.pk}.{EXTENSIONS[item.content_type]}"'
    response["Content-Security-Policy"] = "sandbox; default-src 'none'"
    response["Cache-Control"] = "no-store"
    return response


# ------------------------------------------------------------------------------------- activity records

def _activities(user):
    return mine(ActivityRecord.objects.select_related("organisation"), user)


@requires("activities.view")
def activity_list(request):
    records = _activities(request.user)
    kind = request.GET.get("kind", "")
    if kind in ActivityRecord.Kind.values:
        records = records.filter(kind=kind)
    page = Paginator(records, 50).get_page(request.GET.get("page"))
    return render(request, "coordination/activities.html", {
        "page": page, "kinds": ActivityRecord.Kind.choices, "kind": kind,
        "can_record": user_can(request.user, "activities.record")})


@requires("activities.record")
def activity_new(request, kind):
    if kind not in ActivityRecord.Kind.values:
        from django.http import Http404

        raise Http404
    form = ActivityForm(request.POST or None, kind=kind)
    if request.method == "POST" and form.is_valid():
        try:
            activity = services.record_activity(request.user.organisation, request.user,
                                                {"kind": kind, **form.cleaned_data}, request=request)
        except services.TaskRefused as refused:
            form.add_error("day", str(refused))
        else:
            messages.success(request, _("Đã ghi nhận hoạt động."))
            return redirect("coordination:activity", pk=activity.pk)
    return render(request, "coordination/form.html", {
        "form": form, "title": ActivityRecord.Kind(kind).label, "multipart": False})


@requires("activities.view")
def activity_detail(request, pk):
    activity = get_object_or_404(_activities(request.user), pk=pk)
    from .forms import ACTIVITY_FIELDS

    figures = [(ActivityRecord._meta.get_field(f).verbose_name, getattr(activity, f)) for f in ACTIVITY_FIELDS[activity.kind]]
    return render(request, "coordination/activity.html", {
        "activity": activity, "figures": figures, "attachments": activity.attachments.all(),
        "can_attach": user_can(request.user, "activities.record") and may_act_for(request.user, activity.organisation),
        "file_form": FileForm()})


@requires("activities.record")
@require_POST
def activity_attach(request, pk):
    activity = get_object_or_404(_activities(request.user), pk=pk)
    return _attach(request, activity, redirect("coordination:activity", pk=pk))


# -------------------------------------------------------------------------------------------- obstacles

@requires("obstacles.view")
def obstacle_list(request):
    obstacles = mine(Obstacle.objects.select_related("organisation", "raised_by", "answered_by"), request.user)
    can_raise = user_can(request.user, "obstacles.raise") and request.user.organisation_id is not None
    form = ObstacleForm(request.POST or None) if can_raise else None
    if request.method == "POST":
        if not can_raise:
            raise PermissionDenied
        if form.is_valid():
            services.raise_obstacle(request.user.organisation, request.user, form.cleaned_data["title"],
                                    form.cleaned_data["details"], request=request)
            messages.success(request, _("Đã gửi vướng mắc tới sở chủ trì."))
            return redirect("coordination:obstacles")
    return render(request, "coordination/obstacles.html", {
        "obstacles": obstacles[:200], "form": form, "answer_form": AnswerForm(),
        "can_answer": user_can(request.user, "obstacles.answer")})


@requires("obstacles.answer")
@require_POST
def obstacle_answer(request, pk):
    obstacle = get_object_or_404(Obstacle, pk=pk)
    form = AnswerForm(request.POST)
    if form.is_valid():
        try:
            services.answer_obstacle(obstacle, request.user, form.cleaned_data["answer"], request=request)
        except services.TaskRefused as refused:
            messages.error(request, str(refused))
        else:
            messages.success(request, _("Đã trả lời vướng mắc."))
    else:
        messages.error(request, _("Cần ghi nội dung trả lời."))
    return redirect("coordination:obstacles")
