"""Tasks API: the task list and detail, assign, comment, resolve; the shop's task routes.

Thin: parse, ``require_perm`` first, call one action or query, render. Working on tasks
(assign, comment, resolve) takes ``tasks.change_task`` here; a staff member without it may
still comment on and resolve the tasks assigned to them on the console's task page.
"""

from datetime import datetime
from decimal import Decimal

from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate
from pydantic import field_validator

from zhanggui.accounts.api_auth import require_perm
from zhanggui.accounts.queries import get_staff
from zhanggui.accounts.roles import Role
from zhanggui.core.schemas import ERRORS, BoundedPagination, Id
from zhanggui.tasks import actions, queries
from zhanggui.tasks.models import TaskPriority, TaskStatus
from zhanggui.tasks.registry import all_kinds, get_kind, resolutions_for

router = Router()


class TaskOut(Schema):
    id: int
    kind: str
    kind_label: str
    title: str
    subject_type: str
    subject_id: str
    subject_label: str
    role: Role
    assignee_id: int | None
    assignee_name: str | None
    status: TaskStatus
    priority: TaskPriority
    opened_at: datetime
    due_at: datetime
    overdue: bool
    escalation_level: int
    escalated_to_id: int | None
    escalated_at: datetime | None
    resolution: str
    resolved_at: datetime | None

    @staticmethod
    def resolve_subject_type(obj) -> str:
        return obj.subject_type.app_label + "." + obj.subject_type.model

    @staticmethod
    def resolve_assignee_name(obj) -> str | None:
        return str(obj.assignee) if obj.assignee_id else None

    @staticmethod
    def resolve_overdue(obj) -> bool:
        return queries.is_overdue(obj)


class CommentOut(Schema):
    id: int
    author_id: int | None
    author_name: str | None
    text: str
    created_at: datetime

    @staticmethod
    def resolve_author_name(obj) -> str | None:
        return str(obj.author) if obj.author_id else None


class TaskDetailOut(TaskOut):
    detail: str
    resolution_note: str
    resolved_by_id: int | None
    created_by_id: int | None
    allowed_resolutions: list[str]
    comments: list[CommentOut]

    @staticmethod
    def resolve_allowed_resolutions(obj) -> list[str]:
        return [code for code, _label in resolutions_for(obj.kind)]

    @staticmethod
    def resolve_comments(obj) -> list:
        return list(queries.comments_of(obj))


class TaskFilter(Schema):
    kind: str | None = Field(None, max_length=40)
    status: TaskStatus | None = None
    assignee: str | None = Field(None, pattern=r"^(me|[1-9][0-9]{0,17})$",
                                 description="me, or a staff member's id")
    overdue: bool | None = None


class AssignIn(Schema):
    assignee_id: Id


class CommentIn(Schema):
    text: str = Field(min_length=1, max_length=4000, pattern=r"\S")


class ResolveIn(Schema):
    resolution: str = Field(min_length=1, max_length=40)
    note: str = Field("", max_length=4000)


class RouteOut(Schema):
    kind: str
    kind_label: str
    assignee_id: int | None
    role: str
    sla_hours: Decimal | None
    is_active: bool


class RouteIn(Schema):
    assignee_id: Id | None = None
    role: Role | None = None
    sla_hours: Decimal | None = Field(None, gt=0, max_digits=7, decimal_places=2)
    is_active: bool = True

    @field_validator("role")
    @classmethod
    def _role_value(cls, role):
        return role.value if role is not None else None


def _detail(task_id: int):
    return queries.get_task(task_id)


def _route_out(kind, route) -> dict:
    return {"kind": kind.code, "kind_label": str(kind.label),
            "assignee_id": route.assignee_id if route else None,
            "role": route.role if route else "", "sla_hours": route.sla_hours if route else None,
            "is_active": route.is_active if route else False}


@router.get("/routes", response={200: list[RouteOut], **ERRORS})
def list_routes(request):
    """Every registered kind with the shop's route for it (inactive when none is set)."""
    require_perm(request, "tasks.change_taskroute")
    routes = {route.kind: route for route in queries.list_routes()}
    return [_route_out(kind, routes.get(kind.code)) for kind in all_kinds()]


@router.put("/routes/{kind}", response={200: RouteOut, **ERRORS})
def save_route(request, kind: str, payload: RouteIn):
    """Set the route of one kind of task: a staff member, else a role, and the SLA."""
    require_perm(request, "tasks.change_taskroute")
    assignee = get_staff(payload.assignee_id) if payload.assignee_id else None
    route = actions.save_task_route(kind[:40], assignee=assignee, role=payload.role or "",
                                    sla_hours=payload.sla_hours, is_active=payload.is_active,
                                    actor=request.user)
    return _route_out(get_kind(route.kind), route)


@router.get("", response={200: list[TaskOut], **ERRORS})
@paginate(BoundedPagination, page_size=50)
def list_tasks(request, filters: Query[TaskFilter]):
    """Tasks, soonest due first; ``assignee=me`` for the caller's own."""
    require_perm(request, "tasks.view_task")
    assignee = filters.assignee
    assignee_id = request.user.pk if assignee == "me" else int(assignee) if assignee else None
    return queries.list_tasks(kind=filters.kind, status=filters.status, assignee_id=assignee_id,
                              overdue=filters.overdue)


@router.get("/{task_id}", response={200: TaskDetailOut, **ERRORS})
def get_task(request, task_id: Id):
    require_perm(request, "tasks.view_task")
    return _detail(task_id)


@router.post("/{task_id}/assign", response={200: TaskDetailOut, **ERRORS})
def assign_task(request, task_id: Id, payload: AssignIn):
    require_perm(request, "tasks.view_task", "tasks.change_task")
    actions.assign_task(queries.get_task(task_id), assignee=get_staff(payload.assignee_id),
                        actor=request.user)
    return _detail(task_id)


@router.post("/{task_id}/comment", response={200: TaskDetailOut, **ERRORS})
def comment_task(request, task_id: Id, payload: CommentIn):
    """Comment on a task."""
    require_perm(request, "tasks.view_task", "tasks.change_task")
    task = queries.get_task(task_id)
    actions.comment_task(task, text=payload.text, actor=request.user)
    return _detail(task_id)


@router.post("/{task_id}/resolve", response={200: TaskDetailOut, **ERRORS})
def resolve_task(request, task_id: Id, payload: ResolveIn):
    """Resolve a task with one of its kind's resolutions or fixed / not_an_issue / duplicate."""
    require_perm(request, "tasks.view_task", "tasks.change_task")
    task = queries.get_task(task_id)
    actions.resolve_task(task, resolution=payload.resolution, note=payload.note,
                         actor=request.user)
    return _detail(task_id)
