"""Background tasks of the daily briefing (eager in-process unless REDIS_URL is set).

The beat runs both every few minutes (``settings.CELERY_BEAT_SCHEDULE``); each acts once a
day at or after its time of day in the shop's time zone: ``ZHANGGUI_BRIEFING_AT`` builds
yesterday's briefing if it is missing, ``ZHANGGUI_BRIEFING_EMAIL_AT`` e-mails it once. A
worker that was down at that time catches up at its next run.
"""

from datetime import date, datetime, time

from celery import shared_task
from django.conf import settings
from django.utils import timezone

from zhanggui.insights import briefing, briefing_mail
from zhanggui.insights.models import Briefing


def time_of_day(text: str) -> time:
    """``"07:30"`` → 07:30 (a setting's value)."""
    hours, minutes = text.strip().split(":")
    return time(int(hours), int(minutes))


def is_due(at: str, now: datetime | None = None) -> bool:
    local = timezone.localtime(now or timezone.now())
    return local.time() >= time_of_day(at)


@shared_task(name="zhanggui.insights.tasks_briefing.build_briefing_task")
def build_briefing_task(day: str | None = None, force: bool = False) -> int | None:
    """Build the briefing of ``day`` (ISO date; default yesterday) when it is missing, or
    always with ``force``; the briefing's id, or None when nothing was built."""
    target = date.fromisoformat(day) if day else briefing.report_day()
    if not force and Briefing.objects.filter(day=target).exists():
        return None
    return briefing.build_briefing(target).pk


@shared_task(name="zhanggui.insights.tasks_briefing.morning_briefing_task")
def morning_briefing_task() -> int | None:
    """Beat: yesterday's briefing once it is ``ZHANGGUI_BRIEFING_AT`` (if still missing)."""
    if not is_due(settings.ZHANGGUI_BRIEFING_AT):
        return None
    return build_briefing_task(None)


@shared_task(name="zhanggui.insights.tasks_briefing.email_briefing_task")
def email_briefing_task() -> int:
    """Beat: e-mail yesterday's briefing once it is ``ZHANGGUI_BRIEFING_EMAIL_AT`` (once)."""
    if not is_due(settings.ZHANGGUI_BRIEFING_EMAIL_AT):
        return 0
    day = briefing.report_day()
    if not Briefing.objects.filter(day=day).exists():
        build_briefing_task(day.isoformat())
    return briefing_mail.send_briefing(day)


def briefing_after_refresh(run) -> None:
    """Registered with ``analytics.after_refresh`` (after the anomalies' job): build
    yesterday's briefing if it is missing."""
    if settings.ZHANGGUI_BRIEFING_AFTER_REFRESH and not Briefing.objects.filter(
            day=briefing.report_day()).exists():
        build_briefing_task.delay()
