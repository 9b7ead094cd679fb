"""Task writes: open (idempotent, routed), close for a subject, assign, comment, resolve,
escalate overdue tasks, and the shop's routing rules."""

from datetime import datetime
from decimal import Decimal

from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, models, transaction
from django.db.models import Count, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from zhanggui.accounts.actions import log_operation, raise_alert, snapshot
from zhanggui.accounts.models import AlertKind, Staff
from zhanggui.accounts.roles import Role
from zhanggui.tasks import rules
from zhanggui.tasks.errors import (
    EmptyComment,
    InvalidAssignee,
    InvalidResolution,
    InvalidTaskRoute,
    TaskNotOpen,
)
from zhanggui.tasks.models import Task, TaskComment, TaskPriority, TaskRoute, TaskStatus
from zhanggui.tasks.registry import TaskKind, get_kind, resolutions_for

TASK_FIELDS = ("status", "assignee_id", "role", "due_at", "escalation_level", "escalated_to_id",
               "resolution", "resolution_note")
ROUTE_FIELDS = ("kind", "assignee_id", "role", "sla_hours", "is_active")


def _least_loaded(role: str) -> Staff | None:
    """The active staff member of ``role`` with the fewest open tasks (ties: lowest id)."""
    open_count = (Task.objects.filter(assignee=OuterRef("pk"), status=TaskStatus.OPEN).order_by()
                  .values("assignee").annotate(n=Count("pk")).values("n"))
    return (Staff.objects.filter(is_active=True, groups__name=role)
            .annotate(load=Coalesce(Subquery(open_count), 0)).order_by("load", "pk").first())


def _route_owner(kind: TaskKind) -> tuple[str, Staff | None, float | Decimal]:
    """The role, assignee (or None) and SLA hours of a new task of ``kind``."""
    route = (TaskRoute.objects.filter(kind=kind.code, is_active=True)
             .select_related("assignee").first())
    role, sla = kind.role, kind.sla_hours
    if route is not None:
        role = route.role or kind.role
        if route.sla_hours is not None:
            sla = route.sla_hours
        if route.assignee is not None and route.assignee.is_active:
            return role, route.assignee, sla
        if route.role:
            staff = _least_loaded(route.role)
            if staff is not None:
                return role, staff, sla
    return role, _least_loaded(kind.role), sla


def _open_for(kind: str, subject_type: ContentType, subject_id: str) -> Task | None:
    return Task.objects.filter(kind=kind, subject_type=subject_type, subject_id=subject_id,
                               status=TaskStatus.OPEN).first()


def open_task(kind: str, *, subject: models.Model, title: str, detail: str = "",
              actor: Staff | None = None, due_at: datetime | None = None,
              priority: str = TaskPriority.NORMAL) -> Task:
    """Open a task of ``kind`` about ``subject``, or return the open one it already has
    (unchanged).

    The owner comes from the kind's ``TaskRoute`` (its staff member, else the least-loaded
    active staff member of its role), else the least-loaded staff member of the kind's role;
    with nobody, the task stays unassigned for its role. Due: ``due_at``, else now plus the
    route's (else the kind's) SLA.

    Raises:
        UnknownTaskKind: ``kind`` is not registered.
    """
    task_kind = get_kind(kind)
    subject_type = ContentType.objects.get_for_model(subject)  # cached after the first call
    subject_id = str(subject.pk)
    existing = _open_for(kind, subject_type, subject_id)  # the common case in bulk: one query
    if existing is not None:
        return existing
    with transaction.atomic():
        return _create_task(task_kind, subject=subject, subject_type=subject_type,
                            subject_id=subject_id, title=title, detail=detail, actor=actor,
                            due_at=due_at, priority=priority)


def _create_task(task_kind: TaskKind, *, subject: models.Model, subject_type: ContentType,
                 subject_id: str, title: str, detail: str, actor: Staff | None,
                 due_at: datetime | None, priority: str) -> Task:
    kind = task_kind.code
    role, assignee, sla_hours = _route_owner(task_kind)
    now = timezone.now()
    due = due_at or rules.due_at(now, sla_hours)
    task = Task(kind=kind, title=title[:200], detail=detail, subject_type=subject_type,
                subject_id=subject_id, subject_label=str(subject)[:200], role=role,
                assignee=assignee, priority=TaskPriority(priority), opened_at=now, due_at=due,
                next_escalation_at=due, created_by=actor)
    try:
        with transaction.atomic():  # a savepoint: a concurrent open of the same task wins
            task.save()
    except IntegrityError:
        existing = _open_for(kind, subject_type, subject_id)
        if existing is None:
            raise
        return existing
    log_operation(task, action="tasks.open", actor=actor,
                  after={**snapshot(task, TASK_FIELDS), "kind": kind,
                         "subject": f"{subject_type.app_label}.{subject_type.model}:{subject_id}"})
    return task


def _check_resolution(kind_code: str, resolution: str) -> None:
    if not rules.allowed_resolution(resolution, resolutions_for(kind_code)):
        raise InvalidResolution(resolution=resolution)


def _resolve(task: Task, *, resolution: str, note: str, actor: Staff | None, action: str) -> Task:
    before = snapshot(task, TASK_FIELDS)
    task.status, task.resolution, task.resolution_note = TaskStatus.RESOLVED, resolution, note
    task.resolved_at, task.resolved_by, task.next_escalation_at = timezone.now(), actor, None
    task.save()
    log_operation(task, action=action, actor=actor, before=before,
                  after=snapshot(task, TASK_FIELDS), note=note)
    return task


@transaction.atomic
def close_tasks_for(subject: models.Model, *, kind: str, resolution: str = "fixed",
                    actor: Staff | None = None, note: str = "") -> int:
    """Resolve every open task of ``kind`` about ``subject`` (its cause went away); returns
    how many were resolved.

    Raises:
        UnknownTaskKind, InvalidResolution.
    """
    get_kind(kind)
    _check_resolution(kind, resolution)
    tasks = list(Task.objects.select_for_update().filter(
        kind=kind, subject_type=ContentType.objects.get_for_model(subject),
        subject_id=str(subject.pk), status=TaskStatus.OPEN))
    for task in tasks:
        _resolve(task, resolution=resolution, note=note, actor=actor, action="tasks.close")
    return len(tasks)


def _lock_open(task: Task) -> Task:
    task = Task.objects.select_for_update().get(pk=task.pk)
    if task.status != TaskStatus.OPEN:
        raise TaskNotOpen()
    return task


@transaction.atomic
def assign_task(task: Task, *, assignee: Staff, actor: Staff) -> Task:
    """Give an open task to ``assignee``.

    Raises:
        TaskNotOpen: the task is resolved.
        InvalidAssignee: the assignee is inactive or may not see tasks.
    """
    assignee = Staff.objects.get(pk=assignee.pk)  # as stored now (not a stale copy)
    if not (assignee.is_active and assignee.has_perm("tasks.view_task")):
        raise InvalidAssignee(staff=str(assignee))
    task = _lock_open(task)
    if task.assignee_id == assignee.pk:
        return task
    before = snapshot(task, TASK_FIELDS)
    task.assignee = assignee
    task.save(update_fields=["assignee", "updated_at"])
    log_operation(task, action="tasks.assign", actor=actor, before=before,
                  after=snapshot(task, TASK_FIELDS))
    return task


@transaction.atomic
def comment_task(task: Task, *, text: str, actor: Staff) -> TaskComment:
    """Add ``actor``'s comment to a task (open or resolved).

    Raises:
        EmptyComment: blank text.
    """
    text = text.strip()
    if not text:
        raise EmptyComment()
    comment = TaskComment.objects.create(task=task, author=actor, text=text,
                                         created_at=timezone.now())
    log_operation(task, action="tasks.comment", actor=actor, note=text)
    return comment


@transaction.atomic
def resolve_task(task: Task, *, resolution: str, note: str = "", actor: Staff) -> Task:
    """Resolve an open task with one of its kind's resolutions (or a generic one).

    Raises:
        InvalidResolution: the code is not allowed for the task's kind.
        TaskNotOpen: the task is already resolved.
    """
    _check_resolution(task.kind, resolution)
    task = _lock_open(task)
    return _resolve(task, resolution=resolution, note=note.strip(), actor=actor,
                    action="tasks.resolve")


def _first_active_owner() -> Staff | None:
    return Staff.objects.filter(is_active=True, groups__name=Role.OWNER).order_by("pk").first()


def _escalation_target(task: Task) -> Staff | None:
    """The lead of whoever holds the task now (the assignee, or whoever it was escalated to
    last), else the shop's first active owner."""
    holder = task.escalated_to if task.escalation_level else task.assignee
    if holder is not None and holder.lead_id is not None and holder.lead.is_active:
        return holder.lead
    return _first_active_owner()


@transaction.atomic
def _escalate(task_id: int, now: datetime) -> bool:
    task = (Task.objects.select_for_update(of=("self",))
            .select_related("assignee__lead", "escalated_to__lead").get(pk=task_id))
    if (task.status != TaskStatus.OPEN or task.next_escalation_at is None
            or task.next_escalation_at > now):
        return False  # resolved or escalated meanwhile
    target = _escalation_target(task)
    if task.escalation_level and (target is None or target.pk == task.escalated_to_id):
        task.next_escalation_at = None  # nobody further up: the ladder ends here
        task.save(update_fields=["next_escalation_at", "updated_at"])
        return False
    before = snapshot(task, TASK_FIELDS)
    task.escalation_level += 1
    task.escalated_to, task.escalated_at = target, now
    task.next_escalation_at = now + rules.escalation_period(task.opened_at, task.due_at)
    task.save()
    names = {"task": str(task), "staff": str(target) if target else "—",
             "due": timezone.localtime(task.due_at).strftime("%Y-%m-%d %H:%M"),
             "level": task.escalation_level}
    TaskComment.objects.create(task=task, author=None, created_at=now, text=_(
        "Overdue since %(due)s: escalated to %(staff)s (level %(level)s).") % names)
    raise_alert(AlertKind.TASK_OVERDUE, obj=task, actor=None, message=_(
        "Task %(task)s is overdue (due %(due)s) and was escalated to %(staff)s.") % names)
    log_operation(task, action="tasks.escalate", actor=None, before=before,
                  after=snapshot(task, TASK_FIELDS))
    return True


def escalate_overdue_tasks(*, now: datetime | None = None) -> int:
    """Escalate every open task whose next escalation is due (first at its due time, then
    each SLA period again, up the chain of leads to the owner); returns how many were
    escalated. Each task in its own transaction; running twice changes nothing more."""
    now = now or timezone.now()
    due = list(Task.objects.filter(status=TaskStatus.OPEN, next_escalation_at__lte=now)
               .order_by("next_escalation_at", "pk").values_list("pk", flat=True))
    return sum(_escalate(task_id, now) for task_id in due)


@transaction.atomic
def save_task_route(kind: str, *, assignee: Staff | None = None, role: str = "",
                    sla_hours: Decimal | None = None, is_active: bool = True,
                    actor: Staff | None) -> TaskRoute:
    """Create or change the shop's route for one kind of task.

    Raises:
        UnknownTaskKind: no app registers ``kind``.
        InvalidTaskRoute: unknown role, SLA not positive, or an inactive staff member.
    """
    get_kind(kind)
    if role and role not in Role.values:
        raise InvalidTaskRoute(problem=_("unknown role %(role)s") % {"role": role})
    if sla_hours is not None and not Decimal(sla_hours) > 0:
        raise InvalidTaskRoute(problem=_("the SLA must be more than 0 hours"))
    if assignee is not None and not assignee.is_active:
        raise InvalidTaskRoute(problem=_("%(staff)s is inactive") % {"staff": assignee})
    route = TaskRoute.objects.select_for_update().filter(kind=kind).first()
    before = snapshot(route, ROUTE_FIELDS) if route is not None else None
    route = route or TaskRoute(kind=kind)
    route.assignee, route.role, route.is_active = assignee, role, is_active
    route.sla_hours = Decimal(sla_hours) if sla_hours is not None else None
    route.save()
    log_operation(route, action="tasks.save_route", actor=actor, before=before,
                  after=snapshot(route, ROUTE_FIELDS))
    return route
