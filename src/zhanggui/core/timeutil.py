"""Time helpers: stored in UTC, reported in the shop's time zone."""

from datetime import date, datetime, time, timedelta

from django.utils import timezone


def shop_today() -> date:
    return timezone.localdate()


def day_range(start: date, end: date) -> tuple[datetime, datetime]:
    """Aware datetimes for the half-open period [start, end) in the shop's time zone."""
    tz = timezone.get_current_timezone()
    return (datetime.combine(start, time.min, tzinfo=tz), datetime.combine(end, time.min, tzinfo=tz))


def days_ago(days: int) -> datetime:
    return timezone.now() - timedelta(days=days)
