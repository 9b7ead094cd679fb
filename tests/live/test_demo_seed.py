from datetime import datetime, time
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings

from tests.factories import make_listed_sku, make_staff
from zhanggui.accounts.roles import Role
from zhanggui.demo.context import Clock
from zhanggui.demo.live_seed import seed_live
from zhanggui.live import queries
from zhanggui.live.models import LiveSession, SessionStatus
from zhanggui.tasks.models import Task

pytestmark = pytest.mark.django_db


def test_seed_live():
    for _ in range(4):
        make_listed_sku()
    tz = ZoneInfo(settings.TIME_ZONE)
    clock = Clock(now=datetime.combine(datetime(2026, 11, 30).date(), time(20, 30), tzinfo=tz), tz=tz)
    counts = seed_live(clock, {"operator": make_staff(Role.OPERATOR)})
    assert counts == {"sessions": 59, "metric rows": 58 * 90, "reviews": 58}
    assert LiveSession.objects.filter(status=SessionStatus.REVIEWED).count() == 58
    planned = LiveSession.objects.get(status=SessionStatus.PLANNED)
    assert planned.scheduled_at.astimezone(tz).date().isoformat() == "2026-12-01"
    assert planned.segments.count() == 3
    assert Task.objects.filter(kind="live_action").count() == 2
    figures = queries.session_figures(LiveSession.objects.filter(
        status=SessionStatus.REVIEWED).first())
    assert figures.total.gpm and figures.total.gpm > 0
    assert figures.segments[0][0].flash_cap == 50
