"""Background tasks of insights (eager in-process unless REDIS_URL is set)."""

from datetime import timedelta

from celery import shared_task
from django.conf import settings
from django.utils import timezone

from zhanggui.insights import forecasting
from zhanggui.inventory import queries as inventory_queries


@shared_task(name="zhanggui.insights.tasks.forecast_demand_task")
def forecast_demand_task(force: bool = False) -> int:
    """Forecast every SKU's demand and store it; returns the number of SKUs forecast.

    Skipped (returns -1) when the last forecasts are younger than
    ``ZHANGGUI_FORECAST_EVERY_MINUTES`` unless ``force``: the history ends yesterday, so a
    refresh every few minutes would recompute nearly the same numbers.
    """
    latest = inventory_queries.latest_forecast_at()
    every = timedelta(minutes=settings.ZHANGGUI_FORECAST_EVERY_MINUTES)
    if not force and latest is not None and timezone.now() - latest < every:
        return -1
    return forecasting.run_forecasts(actor=None).skus


def forecast_after_refresh(run) -> None:
    """Registered with ``analytics.after_refresh`` (in ``apps.py``): enqueue the forecasts."""
    if settings.ZHANGGUI_FORECAST_AFTER_REFRESH:
        forecast_demand_task.delay()
