"""Assigning, commenting, resolving and escalating tasks."""

from datetime import timedelta

import pytest
from django.utils import timezone

from tests import factories
from zhanggui.accounts.actions import deactivate_staff
from zhanggui.accounts.models import Alert, AlertKind, OperationLog
from zhanggui.tasks import actions, queries
from zhanggui.tasks.errors import EmptyComment, InvalidAssignee, InvalidResolution, TaskNotOpen
from zhanggui.tasks.models import Task, TaskComment, TaskStatus
from zhanggui.tasks.tasks import escalate_overdue

pytestmark = pytest.mark.django_db


def _open(subject=None, **kwargs):
    return actions.open_task("test_followup", subject=subject or factories.make_category(),
                             title="跟进", **kwargs)


def _state(task):
    return Task.objects.filter(pk=task.pk).values().get()


def test_resolve_with_kind_or_generic_codes(subject):
    service = factories.make_staff("service")
    task = _open(subject)
    resolved = actions.resolve_task(task, resolution="refunded", note=" 已退款 ", actor=service)
    assert resolved.status == TaskStatus.RESOLVED and resolved.resolved_by == service
    assert resolved.resolution_note == "已退款" and resolved.resolved_at is not None
    assert str(resolved.resolution_label) == "Refunded"
    other = _open()
    assert actions.resolve_task(other, resolution="duplicate", actor=service).resolution == "duplicate"
    assert OperationLog.objects.filter(action="tasks.resolve").count() == 2


def test_invalid_resolution_changes_nothing(subject):
    service = factories.make_staff("service")
    task = _open(subject)
    before = _state(task)
    with pytest.raises(InvalidResolution):
        actions.resolve_task(task, resolution="refunded_twice", actor=service)
    with pytest.raises(InvalidResolution):  # a code of another kind is not allowed either
        actions.close_tasks_for(subject, kind="test_stock_check", resolution="refunded")
    assert _state(task) == before
    assert not OperationLog.objects.filter(action__in=["tasks.resolve", "tasks.close"]).exists()


def test_resolving_twice_is_refused(subject):
    service = factories.make_staff("service")
    task = actions.resolve_task(_open(subject), resolution="fixed", actor=service)
    before = _state(task)
    with pytest.raises(TaskNotOpen):
        actions.resolve_task(task, resolution="not_an_issue", actor=service)
    assert _state(task) == before


def test_assign(subject, owner):
    first, second = factories.make_staff("service"), factories.make_staff("warehouse")
    task = _open(subject)
    assert task.assignee == first
    assert actions.assign_task(task, assignee=second, actor=owner).assignee == second
    assert queries.task_counts_for(second)["mine"] == 1
    assert queries.task_counts_for(first)["mine"] == 0
    entry = OperationLog.objects.get(action="tasks.assign")
    assert entry.before["assignee_id"] == first.pk and entry.after["assignee_id"] == second.pk
    actions.assign_task(task, assignee=second, actor=owner)  # no change, no entry
    assert OperationLog.objects.filter(action="tasks.assign").count() == 1


def test_assign_refuses_who_cannot_see_tasks(subject, owner):
    task = _open(subject)
    designer = factories.make_staff("designer")
    leaver = factories.make_staff("service")
    deactivate_staff(leaver, actor=owner)
    for staff in (designer, leaver):
        with pytest.raises(InvalidAssignee):
            actions.assign_task(task, assignee=staff, actor=owner)
    actions.resolve_task(task, resolution="fixed", actor=owner)
    with pytest.raises(TaskNotOpen):
        actions.assign_task(task, assignee=owner, actor=owner)
    assert not OperationLog.objects.filter(action="tasks.assign").exists()


def test_comments(subject):
    service = factories.make_staff("service")
    task = _open(subject)
    comment = actions.comment_task(task, text="  已联系买家 ", actor=service)
    assert comment.text == "已联系买家" and comment.author == service and not comment.is_system
    with pytest.raises(EmptyComment):
        actions.comment_task(task, text="   ", actor=service)
    assert list(queries.comments_of(task)) == [comment]
    kinds = [kind for _time, kind, _item in queries.timeline(task)]
    assert kinds == ["log", "comment"]  # opened, then the comment (logged, shown once)


def _overdue(task, hours=1):
    """Move the task's times back so it is ``hours`` past due."""
    shift = task.due_at - task.opened_at + timedelta(hours=hours)
    Task.objects.filter(pk=task.pk).update(opened_at=task.opened_at - shift,
                                           due_at=task.due_at - shift,
                                           next_escalation_at=task.due_at - shift)
    task.refresh_from_db()
    return task


def test_escalates_to_the_assignees_lead_once_per_level(subject, owner):
    lead = factories.make_staff("service")
    service = factories.make_staff("service")
    # the lead holds one task already (due much later), so the new one goes to the other
    _open(due_at=timezone.now() + timedelta(days=30))
    service.lead = lead
    service.save()
    task = _overdue(_open(subject))
    assert task.assignee == service
    assert actions.escalate_overdue_tasks() == 1
    task.refresh_from_db()
    assert task.escalated_to == lead and task.escalation_level == 1 and task.escalated_at
    assert task.next_escalation_at > timezone.now()
    comment = TaskComment.objects.get(task=task)
    assert comment.is_system and str(lead) in comment.text
    alert = Alert.objects.get(kind=AlertKind.TASK_OVERDUE)
    assert alert.object_id == str(task.pk)
    assert OperationLog.objects.filter(action="tasks.escalate", object_id=str(task.pk)).count() == 1
    assert queries.task_counts_for(lead)["escalated_to_me"] == 1
    # idempotent: run again now, nothing more
    assert actions.escalate_overdue_tasks() == 0
    assert escalate_overdue.apply().get() == 0
    assert Alert.objects.filter(kind=AlertKind.TASK_OVERDUE).count() == 1
    # one SLA period later: the next level, to the lead's lead (none: the owner)
    later = timezone.now() + timedelta(hours=5)
    assert actions.escalate_overdue_tasks(now=later) == 1
    task.refresh_from_db()
    assert task.escalated_to == owner and task.escalation_level == 2
    # nobody above the owner: the ladder ends without another alert
    assert actions.escalate_overdue_tasks(now=later + timedelta(hours=5)) == 0
    task.refresh_from_db()
    assert task.escalation_level == 2 and task.next_escalation_at is None
    assert Alert.objects.filter(kind=AlertKind.TASK_OVERDUE).count() == 2


def test_unassigned_or_leadless_escalate_to_the_first_owner(owner):
    factories.make_staff("owner")  # a later owner: the lowest id wins
    unassigned = _overdue(_open())
    assert unassigned.assignee is None
    service = factories.make_staff("service")
    leadless = _overdue(_open())
    assert leadless.assignee == service
    not_due = _open()
    assert actions.escalate_overdue_tasks() == 2
    for task in (unassigned, leadless):
        task.refresh_from_db()
        assert task.escalated_to == owner and task.escalation_level == 1
    not_due.refresh_from_db()
    assert not_due.escalation_level == 0 and not_due.escalated_to is None


def test_resolved_and_inactive_lead(subject, owner):
    lead, service = factories.make_staff("service"), factories.make_staff("service")
    _open()
    service.lead = lead
    service.save()
    deactivate_staff(lead, actor=owner)
    task = _overdue(_open(subject))
    resolved = _overdue(_open())
    actions.resolve_task(resolved, resolution="fixed", actor=owner)
    assert actions.escalate_overdue_tasks() == 1
    task.refresh_from_db()
    assert task.escalated_to == owner  # the inactive lead is skipped
    resolved.refresh_from_db()
    assert resolved.escalation_level == 0


def test_counts(subject, owner):
    service = factories.make_staff("service")
    mine = _overdue(_open(subject))
    _open()
    escalated = _open()
    actions.assign_task(escalated, assignee=owner, actor=owner)
    actions.open_task("test_stock_check", subject=subject, title="盘点")  # nobody in warehouse
    actions.escalate_overdue_tasks()
    counts = queries.task_counts_for(service)
    assert counts == {"mine": 2, "mine_overdue": 1, "role_unassigned": 0, "escalated_to_me": 0,
                      "by_kind": {"test_followup": 3}}
    owner_counts = queries.task_counts_for(owner)
    assert owner_counts["mine"] == 1 and owner_counts["escalated_to_me"] == 1
    assert owner_counts["by_kind"] == {"test_followup": 3, "test_stock_check": 1}
    assert mine in queries.open_tasks(overdue=True)
    assert queries.open_tasks(kind="test_stock_check", assignee=False).get().role == "warehouse"
