"""Background tasks of purchasing (eager in-process unless REDIS_URL is set)."""

from celery import shared_task

from zhanggui.suppliers.follow_ups import sweep_overdue_purchase_orders


@shared_task(name="zhanggui.suppliers.tasks.sweep_overdue_purchase_orders_task")
def sweep_overdue_purchase_orders_task() -> dict:
    """Sent purchase orders past their expected day become tasks; scheduled hourly by
    celery beat."""
    result = sweep_overdue_purchase_orders()
    return {"opened": result.opened, "closed": result.closed}
