"""Background tasks of the anomaly detection (eager in-process unless REDIS_URL is set)."""

from datetime import date

from celery import shared_task
from django.conf import settings

from zhanggui.insights import anomaly_run


@shared_task(name="zhanggui.insights.tasks_anomalies.detect_last_hour_task")
def detect_last_hour_task() -> int:
    """The hourly beat: the anomalies of the last complete hour; -1 when turned off."""
    if not settings.ZHANGGUI_ANOMALY_HOURLY:
        return -1
    return len(anomaly_run.detect_last_hour())


@shared_task(name="zhanggui.insights.tasks_anomalies.detect_day_task")
def detect_day_task(day: str) -> int:
    """The anomalies of one day (ISO date) and of its hours."""
    return len(anomaly_run.detect_anomalies(day=date.fromisoformat(day)))
