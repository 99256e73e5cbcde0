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
        ORDER = "order", _("Nhiệm vụ theo kế hoạch của tỉnh")
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


class ActivityRecord(models.Model):
    """What an agency did for the programme, by kind (each kind has its own form and figures)."""

    class Kind(models.TextChoices):
        AWARENESS = "awareness", _("Tuyên truyền, nâng cao nhận thức")
        TRAINING = "training", _("Tập huấn, bồi dưỡng kỹ năng")
        PRESS = "press", _("Tin, bài, phóng sự trên báo chí")
        SCHOOL = "school", _("Chương trình giáo dục an toàn trên mạng tại trường")
        VICTIM_SUPPORT = "victim_support", _("Hỗ trợ, can thiệp cho trẻ bị xâm hại trên mạng")
        INSPECTION = "inspection", _("Thanh tra, kiểm tra, xử lý vi phạm")

    organisation = models.ForeignKey("orgs.Organisation", on_delete=models.PROTECT, related_name="activities",
                                     verbose_name=_("cơ quan, đơn vị"))
    kind = models.CharField(_("loại hoạt động"), max_length=16, choices=Kind.choices)
    day = models.DateField(_("ngày thực hiện"))
    title = models.CharField(_("tên hoạt động"), max_length=300)
    details = models.TextField(_("nội dung"), blank=True)
    people_reached = models.PositiveIntegerField(_("số người tham gia, được tiếp cận"), default=0)
    schools = models.PositiveIntegerField(_("số trường, cơ sở"), default=0)
    articles = models.PositiveIntegerField(_("số tin, bài"), default=0)
    airtime_minutes = models.PositiveIntegerField(_("thời lượng phát sóng (phút)"), default=0)
    children_supported = models.PositiveIntegerField(_("số trẻ được hỗ trợ"), default=0)
    support_requests = models.PositiveIntegerField(_("số trẻ đề nghị hỗ trợ"), default=0)
    violations_found = models.PositiveIntegerField(_("số vi phạm phát hiện"), default=0)
    violations_handled = models.PositiveIntegerField(_("số vi phạm đã xử lý"), default=0)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-day", "-pk"]

    def __str__(self):
        return self.title


class Obstacle(models.Model):
    """A difficulty an agency raises with the lead department ("vướng mắc"), and its answer."""

    class State(models.TextChoices):
        OPEN = "open", _("Chờ trả lời")
        ANSWERED = "answered", _("Đã trả lời")

    organisation = models.ForeignKey("orgs.Organisation", on_delete=models.PROTECT, related_name="obstacles",
                                     verbose_name=_("cơ quan, đơn vị"))
    title = models.CharField(_("vướng mắc"), max_length=300)
    details = models.TextField(_("nội dung"))
    raised_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    raised_at = models.DateTimeField(default=timezone.now)
    state = models.CharField(_("trạng thái"), max_length=10, choices=State.choices, default=State.OPEN)
    answer = models.TextField(_("trả lời của sở chủ trì"), blank=True)
    answered_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+")
    answered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["state", "-raised_at"]

    def __str__(self):
        return self.title


class Attachment(models.Model):
    """An evidence file of a task update or an activity record, kept in the evidence store by its SHA-256."""

    task = models.ForeignKey(Task, null=True, blank=True, on_delete=models.CASCADE, related_name="attachments")
    activity = models.ForeignKey(ActivityRecord, null=True, blank=True, on_delete=models.CASCADE,
                                 related_name="attachments")
    sha256 = models.CharField(max_length=64)
    name = models.CharField(max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField()
    added_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    added_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.CheckConstraint(
            condition=models.Q(task__isnull=False, activity__isnull=True) | models.Q(task__isnull=True,
                                                                                      activity__isnull=False),
            name="coordination_attachment_one_owner")]
