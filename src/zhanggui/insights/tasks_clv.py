"""Background task of customer value (eager in-process unless REDIS_URL is set)."""

from celery import shared_task
from django.conf import settings

from zhanggui.analytics.errors import WarehouseEmpty
from zhanggui.insights import clv_run


@shared_task(name="zhanggui.insights.tasks_clv.customer_values_task")
def customer_values_task() -> dict:
    """Fit and store the customer values; ``{}`` when skipped (no warehouse, too few
    customers, a failed fit — see ``clv_run``)."""
    try:
        run = clv_run.run_customer_values()
    except WarehouseEmpty:
        return {}
    if run is None:
        return {}
    return {"customers": run.customers, "segments": run.segments}


def customer_values_after_refresh(run) -> None:
    """Registered with ``analytics.after_refresh`` (``apps.py``): enqueue the fit."""
    if getattr(settings, "ZHANGGUI_CLV_AFTER_REFRESH", True):
        customer_values_task.delay()
