"""Tasks (one piece of follow-up work about one object), their comments, and the shop's
routing rules (which staff member or role takes which kind of task)."""

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from zhanggui.accounts.roles import Role
from zhanggui.core.models import TimeStampedModel


class TaskStatus(models.TextChoices):
    OPEN = "open", _("Open")
    RESOLVED = "resolved", _("Resolved")


class TaskPriority(models.TextChoices):
    NORMAL = "normal", _("Normal")
    HIGH = "high", _("High")


class Task(TimeStampedModel):
    """Follow-up work about one object (the subject): who owns it, until when, how it ended."""

    kind = models.CharField(_("kind"), max_length=40, db_index=True)
    title = models.CharField(_("title"), max_length=200)
    detail = models.TextField(_("detail"), blank=True)
    subject_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, related_name="+",
                                     verbose_name=_("subject type"))
    subject_id = models.CharField(_("subject id"), max_length=64)
    subject_label = models.CharField(_("subject"), max_length=200)
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
        related_name="assigned_tasks", verbose_name=_("assignee"))
    status = models.CharField(_("status"), max_length=10, choices=TaskStatus.choices,
                              default=TaskStatus.OPEN)
    priority = models.CharField(_("priority"), max_length=10, choices=TaskPriority.choices,
                                default=TaskPriority.NORMAL)
    opened_at = models.DateTimeField(_("opened at"))
    due_at = models.DateTimeField(_("due at"), db_index=True)
    escalation_level = models.PositiveSmallIntegerField(_("escalation level"), default=0)
    # When the next escalation is due (the due time, then one more SLA period after each
    # escalation); empty once resolved or when nobody further up is left.
    next_escalation_at = models.DateTimeField(_("next escalation at"), null=True, blank=True)
    escalated_to = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
        related_name="escalated_tasks", verbose_name=_("escalated to"))
    escalated_at = models.DateTimeField(_("escalated at"), null=True, blank=True)
    resolution = models.CharField(_("resolution"), max_length=40, blank=True)
    resolution_note = models.TextField(_("resolution note"), blank=True)
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
        related_name="+", verbose_name=_("resolved by"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
        related_name="+", verbose_name=_("created by"))

    class Meta:
        verbose_name = _("task")
        verbose_name_plural = _("tasks")
        ordering = ["due_at", "id"]
        constraints = [
            # open_task relies on it: concurrent opens for one subject end with one open task.
            models.UniqueConstraint(fields=["kind", "subject_type", "subject_id"],
                                    condition=Q(status="open"), name="task_one_open_per_subject"),
        ]
        indexes = [
            models.Index(fields=["assignee", "status", "due_at"], name="task_assignee_status_due"),
            models.Index(fields=["status", "role"], name="task_status_role"),
            models.Index(fields=["status", "kind"], name="task_status_kind"),
            models.Index(fields=["escalated_to", "status"], name="task_escalated_status"),
            models.Index(fields=["status", "next_escalation_at"], name="task_status_next_escalation"),
            models.Index(fields=["subject_type", "subject_id"], name="task_subject"),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.title}"

    @property
    def is_open(self) -> bool:
        return self.status == TaskStatus.OPEN

    @property
    def kind_label(self) -> str:
        from zhanggui.tasks.registry import kind_label

        return kind_label(self.kind)

    @property
    def resolution_label(self) -> str:
        from zhanggui.tasks.registry import resolutions_for

        return str(dict(resolutions_for(self.kind)).get(self.resolution, self.resolution))


class TaskComment(models.Model):
    """A note on a task; written by the system (no author) for assignments, escalations and
    resolutions."""

    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="comments",
                             verbose_name=_("task"))
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                               on_delete=models.PROTECT, related_name="+", verbose_name=_("author"))
    text = models.TextField(_("text"))
    created_at = models.DateTimeField(_("time"))

    class Meta:
        verbose_name = _("task comment")
        verbose_name_plural = _("task comments")
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["task", "created_at"], name="taskcomment_task_time")]

    def __str__(self) -> str:
        return self.text[:60]

    @property
    def is_system(self) -> bool:
        return self.author_id is None


class TaskRoute(TimeStampedModel):
    """The shop's rule for one kind of task: a staff member takes it, or the least-loaded
    staff member of a role; the SLA may differ from the kind's default."""

    kind = models.CharField(_("kind"), max_length=40, unique=True)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
        related_name="+", verbose_name=_("staff member"),
        help_text=_("Takes every task of this kind while active."))
    role = models.CharField(_("role"), max_length=20, choices=Role.choices, blank=True,
                            help_text=_("Otherwise the least-loaded active staff member of this "
                                        "role; empty: the kind's default role."))
    sla_hours = models.DecimalField(_("SLA (hours)"), max_digits=7, decimal_places=2, null=True,
                                    blank=True, help_text=_("Empty: the kind's default."))
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("task route")
        verbose_name_plural = _("task routes")
        ordering = ["kind"]

    def __str__(self) -> str:
        from zhanggui.tasks.registry import kind_label

        return kind_label(self.kind)
