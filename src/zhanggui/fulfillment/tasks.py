"""Background tasks of fulfillment (eager in-process unless REDIS_URL is set)."""

from celery import shared_task

from zhanggui.fulfillment.anomalies import sweep_abnormal_parcels


@shared_task(name="zhanggui.fulfillment.tasks.sweep_abnormal_parcels_task")
def sweep_abnormal_parcels_task() -> dict:
    """Parcels not collected or whose tracking stalled become tasks; scheduled every 15
    minutes by celery beat."""
    result = sweep_abnormal_parcels()
    return {"opened": result.opened, "closed": result.closed}


@shared_task(name="zhanggui.fulfillment.tasks.sweep_drop_ship_task")
def sweep_drop_ship_task() -> dict:
    """Late supplier orders become tasks, stale supplier stock feeds alerts; scheduled every
    5 minutes by celery beat."""
    from zhanggui.fulfillment.dropship_sweep import sweep_drop_ship

    result = sweep_drop_ship()
    return {"late_opened": result.late_opened, "late_closed": result.late_closed,
            "stale_alerts": result.stale_alerts}
