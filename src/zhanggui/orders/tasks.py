"""Background tasks of the orders app (eager in-process unless REDIS_URL is set)."""

from celery import shared_task

from zhanggui.orders.actions import expire_unpaid_orders


@shared_task(name="zhanggui.orders.tasks.expire_unpaid_orders_task")
def expire_unpaid_orders_task(timeout_minutes: int | None = None) -> int:
    """Close orders left unpaid past the timeout; scheduled every minute by celery beat."""
    return expire_unpaid_orders(timeout_minutes=timeout_minutes)
