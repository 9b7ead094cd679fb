"""Background tasks of analytics (eager in-process unless REDIS_URL is set)."""

from celery import shared_task

from zhanggui.analytics.actions import raise_dropship_roi_alerts, refresh_warehouse


@shared_task(name="zhanggui.analytics.tasks.refresh_warehouse_task")
def refresh_warehouse_task(full: bool = False) -> int:
    """Refresh the warehouse; scheduled by celery beat (``WAREHOUSE_REFRESH_MINUTES``).
    Returns the new version."""
    return refresh_warehouse(actor=None, full=full).version


@shared_task(name="zhanggui.analytics.tasks.check_dropship_roi_task")
def check_dropship_roi_task() -> int:
    """After each warehouse refresh: alert on drop-ship ROI below the floor. Returns how many
    alerts were raised."""
    return len(raise_dropship_roi_alerts())
