"""Background tasks of fulfillment (eager in-process unless REDIS_URL is set)."""

from celery import shared_task

from zhanggui.fulfillment.anomalies import sweep_abnormal_parcels


@shared_task(name="zhanggui.fulfillment.tasks.sweep_abnormal_parcels_task")
def sweep_abnormal_parcels_task() -> dict:
    """Parcels not collected or whose tracking stalled become tasks; scheduled every 15
    minutes by celery beat."""
    result = sweep_abnormal_parcels()
    return {"opened": result.opened, "closed": result.closed}
