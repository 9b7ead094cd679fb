"""Concurrent opens of the same task on PostgreSQL end with one open task (the partial
unique constraint, caught in a savepoint), and every caller gets that task."""

import pytest

from tests import factories
from tests.concurrency import run_in_threads
from zhanggui.accounts.models import OperationLog
from zhanggui.tasks import actions
from zhanggui.tasks.models import Task

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True),
              pytest.mark.usefixtures("postgres_only")]


def test_twenty_concurrent_opens_make_one_task():
    factories.make_staff("service")
    subject = factories.make_category()

    results = run_in_threads(20, lambda index: actions.open_task(
        "test_followup", subject=subject, title=f"跟进 {index}"))

    assert all(isinstance(result, Task) for result in results), results
    assert len({result.pk for result in results}) == 1
    assert Task.objects.count() == 1
    assert OperationLog.objects.filter(action="tasks.open").count() == 1


def test_concurrent_escalations_escalate_once(owner):
    from datetime import timedelta

    from django.utils import timezone

    from zhanggui.accounts.models import Alert

    task = actions.open_task("test_followup", subject=factories.make_category(), title="x")
    later = timezone.now() + timedelta(hours=5)

    results = run_in_threads(5, lambda index: actions.escalate_overdue_tasks(now=later))

    assert sorted(results) == [0, 0, 0, 0, 1], results
    task.refresh_from_db()
    assert task.escalation_level == 1 and task.escalated_to == owner
    assert Alert.objects.filter(kind="task_overdue").count() == 1
