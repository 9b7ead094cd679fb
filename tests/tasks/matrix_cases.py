"""Setups of the tasks API rows in ``tests/api/matrix.py`` (the test kind, an unassigned
task of the service role, so no caller holds it as assignee)."""

from tests import factories
from tests.api.case import Case
from tests.tasks.support import test_kinds
from zhanggui.tasks import actions
from zhanggui.tasks.models import Task, TaskComment, TaskRoute


def _task() -> Task:
    test_kinds()
    return actions.open_task("test_followup", subject=factories.make_category(), title="跟进买家")


def _fresh(task: Task) -> Task:
    return Task.objects.get(pk=task.pk)


def list_tasks() -> Case:
    task = _task()
    return Case(check=lambda data, staff: [item["id"] for item in data["items"]] == [task.pk])


def get_task() -> Case:
    task = _task()
    actions.comment_task(task, text="已联系", actor=None)
    return Case(path={"task_id": task.pk},
                check=lambda data, staff: data["comments"][0]["text"] == "已联系"
                and "refunded" in data["allowed_resolutions"])


def assign_task() -> Case:
    task = _task()
    assignee = factories.make_staff("warehouse")
    return Case(path={"task_id": task.pk}, body={"assignee_id": assignee.pk}, target=task,
                check=lambda data, staff: _fresh(task).assignee == assignee)


def comment_task() -> Case:
    task = _task()
    return Case(path={"task_id": task.pk}, body={"text": "买家说明天到"}, target=task,
                check=lambda data, staff: TaskComment.objects.get(task=task).author == staff)


def resolve_task() -> Case:
    task = _task()
    return Case(path={"task_id": task.pk}, body={"resolution": "refunded", "note": "已退款"},
                target=task,
                check=lambda data, staff: _fresh(task).resolved_by == staff
                and data["status"] == "resolved")


def list_routes() -> Case:
    test_kinds()
    return Case(check=lambda data, staff: "test_followup" in [row["kind"] for row in data])


def save_route() -> Case:
    test_kinds()
    return Case(path={"kind": "test_followup"}, body={"role": "finance", "sla_hours": "2.5"},
                check=lambda data, staff: TaskRoute.objects.get(kind="test_followup").role
                == "finance")
