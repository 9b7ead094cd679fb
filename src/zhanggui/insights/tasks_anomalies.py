"""Background tasks of the anomaly detection (eager in-process unless REDIS_URL is set)."""

import logging
from datetime import date

from celery import shared_task
from django.conf import settings

from zhanggui.analytics.errors import WarehouseEmpty
from zhanggui.insights import anomaly_run

logger = logging.getLogger(__name__)


@shared_task(name="zhanggui.insights.tasks_anomalies.detect_last_hour_task")
def detect_last_hour_task() -> int:
    """The hourly beat: the anomalies of the last complete hour (how many); -1 when turned
    off (``ZHANGGUI_ANOMALY_HOURLY``), 0 before the warehouse is built."""
    if not settings.ZHANGGUI_ANOMALY_HOURLY:
        return -1
    try:
        return len(anomaly_run.detect_last_hour())
    except WarehouseEmpty:
        logger.info("no hourly anomaly detection: the warehouse is empty")
        return 0


@shared_task(name="zhanggui.insights.tasks_anomalies.detect_day_task")
def detect_day_task(day: str) -> int:
    """The anomalies of one day (ISO date) and of its complete hours."""
    return len(anomaly_run.detect_anomalies(day=date.fromisoformat(day)))
