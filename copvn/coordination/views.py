"""An organisation's tasks: its focal point (or press editor) sees and updates its own; auditors see all."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from copvn.audit.services import record
from copvn.core.access import own_organisation, requires, user_can

from . import services
from .forms import UpdateForm
from .models import Task


def visible(user):
    return own_organisation(Task.objects.select_related("organisation"), user)


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
    return render(request, "coordination/list.html", {"page": page, "states": Task.State.choices, "state": state})


@requires("tasks.view")
def task_detail(request, pk):
    task = get_object_or_404(visible(request.user), pk=pk)
    with transaction.atomic():
        record("task.read", request=request, obj=task)
    return render(request, "coordination/detail.html", {
        "task": task, "subject_url": subject_url(task), "updates": task.updates.select_related("by"),
        "can_update": user_can(request.user, "tasks.update") and task.state != Task.State.CANCELLED,
        "form": UpdateForm(initial={"state": task.state})})


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
