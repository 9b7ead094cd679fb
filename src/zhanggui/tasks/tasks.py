"""Celery beat: escalate overdue tasks every ten minutes."""

from celery import shared_task

from zhanggui.tasks import actions


@shared_task(name="zhanggui.tasks.tasks.escalate_overdue")
def escalate_overdue() -> int:
    return actions.escalate_overdue_tasks()
