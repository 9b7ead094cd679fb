"""Background basket analysis: after each warehouse refresh, mine the last 90 days shop-wide
when the latest shop-wide run is more than a day old."""

from datetime import timedelta

from celery import shared_task
from django.conf import settings
from django.utils import timezone

from zhanggui.insights import actions_basket

EVERY = timedelta(days=1)


@shared_task(name="zhanggui.insights.tasks_basket.mine_baskets_task")
def mine_baskets_task(force: bool = False) -> int | None:
    """Mine the default period shop-wide and store the run; returns its id, or None when the
    latest run is younger than a day (unless ``force``) or there were no paid orders."""
    latest = actions_basket.latest_run()
    if not force and latest is not None and timezone.now() - latest.computed_at < EVERY:
        return None
    start, end = actions_basket.default_period()
    try:
        return actions_basket.mine_baskets(start, end, actor=None).pk
    except actions_basket.NoBaskets:
        return None


def basket_after_refresh(run) -> None:
    """Registered with ``analytics.after_refresh`` (in ``apps.py``): enqueue the mining."""
    if settings.ZHANGGUI_BASKET_AFTER_REFRESH:
        mine_baskets_task.delay()
