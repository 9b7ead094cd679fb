"""Background task of the recommendations (eager in-process unless REDIS_URL is set)."""

import dataclasses

from celery import shared_task
from django.conf import settings

from zhanggui.analytics.errors import WarehouseEmpty
from zhanggui.insights import recommend_run


@shared_task(name="zhanggui.insights.tasks_recommend.recommendations_task")
def recommendations_task() -> dict:
    """Recompute "bought together" and "for you" from the warehouse and store them; ``{}``
    when there is no warehouse yet."""
    try:
        run = recommend_run.run_recommendations()
    except WarehouseEmpty:
        return {}
    return dataclasses.asdict(run)


def recommendations_after_refresh(run) -> None:
    """Registered with ``analytics.after_refresh`` (``apps.py``): enqueue the recompute."""
    if getattr(settings, "ZHANGGUI_RECOMMEND_AFTER_REFRESH", True):
        recommendations_task.delay()
