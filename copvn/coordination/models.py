"""Work given to an organisation: tasks with a due date, a state and a history of updates.

A task is assigned by the lead department (the tasks of the order) or made by copvn itself when an event
needs an organisation to act (a withdrawn consent: the press agency must take the child's information down).
An organisation's focal point sees and updates its own tasks.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Task(models.Model):
    class State(models.TextChoices):
        OPEN = "open", _("Chưa thực hiện")
        IN_PROGRESS = "in_progress", _("Đang thực hiện")
        DONE = "done", _("Đã hoàn thành")
        CANCELLED = "cancelled", _("Đã hủy")

    class Origin(models.TextChoices):
        ASSIGNED = "assigned", _("Được giao")
        CONSENT_WITHDRAWN = "consent_withdrawn", _("Đồng ý công bố bị rút lại")

    organisation = models.ForeignKey("orgs.Organisation", on_delete=models.PROTECT, related_name="tasks",
                                     verbose_name=_("cơ quan, đơn vị thực hiện"))
    title = models.CharField(_("nhiệm vụ"), max_length=300)
    details = models.TextField(_("nội dung"), blank=True)
    due = models.DateField(_("hạn hoàn thành"), null=True, blank=True)
    state = models.CharField(_("trạng thái"), max_length=12, choices=State.choices, default=State.OPEN,
                             db_index=True)
    origin = models.CharField(max_length=20, choices=Origin.choices, default=Origin.ASSIGNED)
    subject = models.CharField(max_length=100, blank=True, db_index=True)  # what it is about: "consent:12"
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+")  # none: made by copvn on an event
    created_at = models.DateTimeField(default=timezone.now)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["state", "due", "-created_at"]
        constraints = [models.UniqueConstraint(fields=["origin", "subject"], condition=~models.Q(subject=""),
                                               name="coordination_task_once_per_event")]

    def __str__(self):
        return self.title

    @property
    def overdue(self) -> bool:
        return self.due is not None and self.state in (self.State.OPEN, self.State.IN_PROGRESS) \
            and self.due < timezone.localdate()


class TaskUpdate(models.Model):
    """One step in a task's history: a change of state and what the person said."""

    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="updates")
    at = models.DateTimeField(default=timezone.now)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    state = models.CharField(max_length=12, choices=Task.State.choices)
    comment = models.TextField(blank=True)

    class Meta:
        ordering = ["task", "at", "pk"]
