"""Opening tasks: routing, idempotence, SLA, and the registry."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from tests import factories
from tests.tasks.support import TEST_KIND
from zhanggui.accounts.actions import deactivate_staff
from zhanggui.accounts.models import OperationLog
from zhanggui.tasks import actions, queries
from zhanggui.tasks.errors import UnknownTaskKind
from zhanggui.tasks.models import Task, TaskRoute, TaskStatus
from zhanggui.tasks.registry import TaskKind, all_kinds, get_kind, register_kind

pytestmark = pytest.mark.django_db


def _open(subject, **kwargs):
    return actions.open_task("test_followup", subject=subject, title="跟进", **kwargs)


def test_registry_is_idempotent_and_refuses_conflicts():
    assert register_kind(TEST_KIND) is get_kind("test_followup")
    assert TEST_KIND in all_kinds()
    with pytest.raises(ValueError):
        register_kind(TaskKind("test_followup", "Other", "service", 4, ()))
    with pytest.raises(ValueError):
        register_kind(TaskKind("test_bad_role", "Bad", "boss", 4, ()))
    with pytest.raises(UnknownTaskKind):
        get_kind("no_such_kind")


def test_unknown_kind_opens_nothing(subject):
    with pytest.raises(UnknownTaskKind):
        actions.open_task("no_such_kind", subject=subject, title="x")
    assert not Task.objects.exists()


def test_least_loaded_of_the_kind_role_ties_by_id(subject):
    first, second = factories.make_staff("service"), factories.make_staff("service")
    factories.make_staff("warehouse")
    task = _open(subject)
    assert task.assignee == first and task.role == "service"  # tie: the lower id
    other = _open(factories.make_category())
    assert other.assignee == second  # first now holds one open task
    third = _open(factories.make_category())
    assert third.assignee == first
    actions.resolve_task(task, resolution="fixed", actor=first)
    actions.resolve_task(third, resolution="fixed", actor=first)
    assert _open(factories.make_category()).assignee == first  # resolved tasks do not count


def test_inactive_staff_are_not_chosen(subject, owner):
    first, second = factories.make_staff("service"), factories.make_staff("service")
    deactivate_staff(first, actor=owner)
    assert _open(subject).assignee == second


def test_route_staff_member_wins(subject):
    factories.make_staff("service")
    finance = factories.make_staff("finance")
    TaskRoute.objects.create(kind="test_followup", assignee=finance)
    task = _open(subject)
    assert task.assignee == finance and task.role == "service"


def test_route_role_then_default_role(subject):
    service = factories.make_staff("service")
    TaskRoute.objects.create(kind="test_followup", role="warehouse")
    task = _open(subject)  # nobody holds the warehouse role: the kind's role
    assert task.assignee == service and task.role == "warehouse"
    keeper = factories.make_staff("warehouse")
    assert _open(factories.make_category()).assignee == keeper


def test_inactive_route_is_ignored(subject):
    service = factories.make_staff("service")
    TaskRoute.objects.create(kind="test_followup", assignee=factories.make_staff("finance"),
                             is_active=False, sla_hours=Decimal("1"))
    task = _open(subject)
    assert task.assignee == service
    assert task.due_at - task.opened_at == timedelta(hours=4)


def test_nobody_leaves_it_unassigned_but_visible_to_the_role(subject):
    task = _open(subject)
    assert task.assignee is None and task.role == "service"
    service = factories.make_staff("service")
    counts = queries.task_counts_for(service)
    assert counts["role_unassigned"] == 1 and counts["mine"] == 0
    assert counts["by_kind"] == {"test_followup": 1}
    assert queries.task_counts_for(factories.make_staff("warehouse"))["by_kind"] == {}


def test_open_is_idempotent_per_open_task(subject):
    factories.make_staff("service")
    task = _open(subject)
    again = actions.open_task("test_followup", subject=subject, title="另一个标题", detail="x")
    assert again.pk == task.pk and again.title == "跟进" and Task.objects.count() == 1
    assert OperationLog.objects.filter(action="tasks.open").count() == 1
    # another kind, or the same kind once resolved, opens a new task
    assert actions.open_task("test_stock_check", subject=subject, title="盘点").pk != task.pk
    actions.resolve_task(task, resolution="fixed", actor=task.assignee)
    assert _open(subject).pk != task.pk
    assert Task.objects.filter(status=TaskStatus.OPEN).count() == 2


def test_open_is_cheap(subject, django_assert_max_num_queries):
    factories.make_staff("service")
    _open(subject)
    with django_assert_max_num_queries(1):
        _open(subject)  # already open: one query
    # existing, route, owner, the insert and its log entry (plus two savepoints' statements)
    fresh = factories.make_category()
    with django_assert_max_num_queries(9):
        _open(fresh)


def test_due_from_kind_route_or_caller(subject):
    before = timezone.now()
    task = _open(subject)
    assert before + timedelta(hours=4) <= task.due_at <= timezone.now() + timedelta(hours=4)
    assert task.next_escalation_at == task.due_at
    TaskRoute.objects.create(kind="test_stock_check", sla_hours=Decimal("1.5"))
    routed = actions.open_task("test_stock_check", subject=subject, title="x")
    assert routed.due_at - routed.opened_at == timedelta(hours=1.5)
    due = timezone.now() + timedelta(days=3)
    explicit = _open(factories.make_category(), due_at=due)
    assert explicit.due_at == due


def test_open_logs_and_keeps_the_subject(subject, owner):
    task = _open(subject, detail="详情", actor=owner)
    assert task.subject_label == str(subject) and task.subject_id == str(subject.pk)
    assert task.created_by == owner
    entry = OperationLog.objects.get(action="tasks.open")
    assert entry.actor == owner and entry.object_id == str(task.pk)
    assert list(queries.tasks_for(subject)) == [task]
    assert queries.subject_of(task) == subject


def test_close_tasks_for_resolves_only_that_kind_and_subject(subject):
    task = _open(subject)
    other_kind = actions.open_task("test_stock_check", subject=subject, title="x")
    other_subject = _open(factories.make_category())
    assert actions.close_tasks_for(subject, kind="test_followup", note="自动") == 1
    task.refresh_from_db()
    assert task.status == TaskStatus.RESOLVED and task.resolution == "fixed"
    assert task.resolution_note == "自动" and task.next_escalation_at is None
    assert Task.objects.get(pk=other_kind.pk).is_open and Task.objects.get(pk=other_subject.pk).is_open
    assert actions.close_tasks_for(subject, kind="test_followup") == 0
