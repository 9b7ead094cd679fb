"""Task reads: the workbench counts, a subject's tasks, lists, a task's timeline, routes."""

from datetime import datetime

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from zhanggui.accounts.models import OperationLog, Staff
from zhanggui.accounts.queries import staff_roles
from zhanggui.accounts.roles import Role
from zhanggui.core.errors import NotFound
from zhanggui.tasks.models import Task, TaskComment, TaskRoute, TaskStatus

CHANGE_PERMISSION = "tasks.change_task"


def _sees_everything(staff: Staff, roles: list[str]) -> bool:
    return staff.is_superuser or Role.OWNER in roles


def visible_q(staff: Staff, roles: list[str] | None = None) -> Q:
    """The tasks that concern ``staff``: assigned to them, of one of their roles, or
    escalated to them (the owner: every task)."""
    roles = staff_roles(staff) if roles is None else roles
    if _sees_everything(staff, roles):
        return Q()
    return Q(assignee=staff) | Q(role__in=roles) | Q(escalated_to=staff)


def task_counts_for(staff: Staff, *, now: datetime | None = None) -> dict:
    """The workbench's figures for ``staff``: open tasks assigned to them (and of those,
    overdue), unassigned open tasks of their roles, open tasks escalated to them, and the
    open tasks that concern them by kind. Two aggregate queries (plus the staff's roles)."""
    now = now or timezone.now()
    roles = staff_roles(staff)
    open_tasks_ = Task.objects.filter(status=TaskStatus.OPEN)
    counts = open_tasks_.aggregate(
        mine=Count("pk", filter=Q(assignee=staff)),
        mine_overdue=Count("pk", filter=Q(assignee=staff, due_at__lt=now)),
        role_unassigned=Count("pk", filter=Q(assignee__isnull=True, role__in=roles)),
        escalated_to_me=Count("pk", filter=Q(escalated_to=staff)),
    )
    by_kind = (open_tasks_.filter(visible_q(staff, roles)).order_by().values("kind")
               .annotate(n=Count("pk")).values_list("kind", "n"))
    return {**counts, "by_kind": dict(by_kind)}


def tasks_for(subject: models.Model) -> QuerySet[Task]:
    """Every task about ``subject``, open first, newest first."""
    return (Task.objects.filter(subject_type=ContentType.objects.get_for_model(subject),
                                subject_id=str(subject.pk))
            .select_related("assignee").order_by("status", "-opened_at", "-pk"))


def open_tasks(*, kind: str | None = None, assignee=None,
               overdue: bool | None = None) -> QuerySet[Task]:
    """Open tasks, soonest due first. ``assignee``: a staff member (or id), or ``False`` for
    the unassigned ones; ``overdue``: only past due (True) or only not yet due (False)."""
    tasks = Task.objects.filter(status=TaskStatus.OPEN)
    if kind is not None:
        tasks = tasks.filter(kind=kind)
    if assignee is False:
        tasks = tasks.filter(assignee__isnull=True)
    elif assignee is not None:
        tasks = tasks.filter(assignee=assignee)
    if overdue is not None:
        now = timezone.now()
        tasks = tasks.filter(due_at__lt=now) if overdue else tasks.filter(due_at__gte=now)
    return tasks.select_related("assignee", "escalated_to").order_by("due_at", "pk")


def list_tasks(*, kind: str | None = None, status: str | None = None, assignee_id: int | None = None,
               overdue: bool | None = None, concerning: Staff | None = None) -> QuerySet[Task]:
    """Tasks for the API and the console list, soonest due first; ``concerning``: only the
    tasks that concern this staff member (``visible_q``)."""
    tasks = Task.objects.all()
    if concerning is not None:
        tasks = tasks.filter(visible_q(concerning))
    if kind:
        tasks = tasks.filter(kind=kind)
    if status:
        tasks = tasks.filter(status=status)
    if assignee_id is not None:
        tasks = tasks.filter(assignee_id=assignee_id)
    if overdue is not None:
        now = timezone.now()
        tasks = (tasks.filter(status=TaskStatus.OPEN, due_at__lt=now) if overdue
                 else tasks.exclude(status=TaskStatus.OPEN, due_at__lt=now))
    return tasks.select_related("assignee", "escalated_to").order_by("due_at", "pk")


def find_task(task_id: int) -> Task | None:
    return (Task.objects.select_related("assignee", "escalated_to", "resolved_by", "created_by",
                                        "subject_type").filter(pk=task_id).first())


def get_task(task_id: int) -> Task:
    """Raises: NotFound."""
    task = find_task(task_id)
    if task is None:
        raise NotFound()
    return task


def comments_of(task: Task) -> QuerySet[TaskComment]:
    return task.comments.select_related("author").order_by("created_at", "pk")


def log_of(task: Task) -> QuerySet[OperationLog]:
    """The operation log entries about ``task``, oldest first."""
    return (OperationLog.objects.filter(object_type=task._meta.label_lower, object_id=str(task.pk))
            .select_related("actor").order_by("created_at", "pk"))


def timeline(task: Task) -> list[tuple[datetime, str, object]]:
    """Comments and log entries of ``task`` in time order: ``(time, "comment"|"log", item)``."""
    items = [(c.created_at, "comment", c) for c in comments_of(task)]
    items += [(e.created_at, "log", e) for e in log_of(task) if e.action != "tasks.comment"]
    return sorted(items, key=lambda item: item[0])


def is_overdue(task: Task, now: datetime | None = None) -> bool:
    return task.status == TaskStatus.OPEN and task.due_at < (now or timezone.now())


def can_work_on(task: Task, staff: Staff) -> bool:
    """Whether ``staff`` may comment on and resolve ``task``: with the change permission, or
    as its assignee."""
    return staff.has_perm(CHANGE_PERMISSION) or (staff.is_active and task.assignee_id == staff.pk)


def subject_of(task: Task) -> models.Model | None:
    """The task's subject, or None when it no longer exists."""
    model = task.subject_type.model_class()
    if model is None:
        return None
    return model._default_manager.filter(pk=task.subject_id).first()


def list_routes() -> QuerySet[TaskRoute]:
    return TaskRoute.objects.select_related("assignee").order_by("kind")


def get_route(kind: str) -> TaskRoute | None:
    return TaskRoute.objects.select_related("assignee").filter(kind=kind).first()


def assignable_staff() -> QuerySet[Staff]:
    """Active staff who may see tasks (the choices of the assign form)."""
    return (Staff.objects.filter(is_active=True)
            .filter(Q(is_superuser=True) | Q(groups__permissions__codename="view_task",
                                               groups__permissions__content_type__app_label="tasks"))
            .distinct().order_by("username"))
