"""The demo's two planted anomalies of yesterday are found, explained and sized as promised:
WeChat Pay failing all day (payment failure rate, explained by the payment method, the
largest impact of the day) and a refund spike in 美妆 (refund rate, explained by category)."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db import transaction
from django.utils import timezone

from tests.demo.conftest import FAST_HASHERS
from zhanggui.analytics import warehouse
from zhanggui.catalog.models import Category
from zhanggui.demo.context import SeedOptions
from zhanggui.demo.seed import seed_demo
from zhanggui.insights import tasks_anomalies
from zhanggui.insights.anomaly_run import detect_anomalies, detect_last_hour
from zhanggui.insights.models import Anomaly
from zhanggui.orders.models import Payment, PaymentMethod
from zhanggui.tasks.models import Task

# A Thursday away from festivals: yesterday and the eight Wednesdays before it are ordinary.
TODAY = date(2026, 5, 21)
YESTERDAY = TODAY - timedelta(days=1)
SHANGHAI = ZoneInfo("Asia/Shanghai")
SCALE = 0.3  # about 20 orders a day: the smallest store where one day's rates say something
# A store this small: rates over fewer attempts, visitors and yuan than the defaults ask.
SMALL_SHOP = {"visitors": 50, "gmv": 1000, "attempts": 15, "orders": 10, "source_visitors": 30}


@pytest.fixture(scope="module")
def demo_store(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            from django.test import override_settings

            with override_settings(PASSWORD_HASHERS=FAST_HASHERS):
                seed_demo(SeedOptions(scale=SCALE, today=TODAY), write=lambda _line: None)
            yield
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


@pytest.fixture
def detected(demo_store, db, settings):
    settings.ZHANGGUI_ANOMALIES = {**settings.ZHANGGUI_ANOMALIES, "MIN_VOLUME": SMALL_SHOP}
    warehouse.rebuild()
    return detect_anomalies(day=YESTERDAY)


def _daily(anomalies, metric):
    found = [a for a in anomalies if a.metric == metric and a.grain == "day" and not a.scope_key]
    assert found, f"no daily {metric} anomaly among {[(a.metric, a.grain) for a in anomalies]}"
    return found[0]


def test_the_planted_wechat_outage_is_found_explained_and_the_largest(detected):
    payments = _daily(detected, "payment_failure_rate")
    assert payments.direction == "up"
    assert (payments.dimension, payments.dimension_value) == ("payment_method", PaymentMethod.WECHAT)
    assert payments.explained_share > 0.5
    assert payments.actual > payments.upper
    assert payments.impact_amount > 0
    assert payments.impact_amount == max(a.impact_amount for a in detected)
    assert detected[0] == payments
    assert payments.drilldown[0]["dimension"] == "payment_method"
    assert payments.task is not None and payments.task.kind == "kpi_anomaly"
    failed = Payment.objects.filter(created_at__date=YESTERDAY, method=PaymentMethod.WECHAT,
                                    status="failed").count()
    assert failed > 0


def test_the_planted_refund_spike_is_explained_by_its_category(detected):
    refunds = _daily(detected, "refund_amount_rate")
    assert refunds.direction == "up"
    assert refunds.dimension == "category"
    assert Category.objects.get(pk=int(refunds.dimension_value)).name == "美妆"
    assert refunds.dimension_label == "美妆"
    assert refunds.impact_amount > 0


def test_detecting_again_updates_and_opens_no_second_task(detected):
    ids = sorted(a.pk for a in detected)
    tasks = Task.objects.filter(kind="kpi_anomaly").count()
    again = detect_anomalies(day=YESTERDAY)
    assert sorted(a.pk for a in again) == ids
    assert Anomaly.objects.count() == len(ids)
    assert Task.objects.filter(kind="kpi_anomaly").count() == tasks == len(ids)


def test_the_hourly_beat_scores_the_last_complete_hour_only(demo_store, db, settings):
    settings.ZHANGGUI_ANOMALIES = {**settings.ZHANGGUI_ANOMALIES, "MIN_VOLUME": SMALL_SHOP}
    warehouse.rebuild()
    now = datetime(YESTERDAY.year, YESTERDAY.month, YESTERDAY.day, 15, 10, tzinfo=SHANGHAI)
    found = detect_last_hour(now=now)
    assert all(a.grain == "hour" and timezone.localtime(a.period_start).hour == 14 for a in found)
    day = detect_anomalies(day=YESTERDAY)
    assert {a.pk for a in found} <= {a.pk for a in day}  # the same rows, not new ones


def test_the_hourly_beat_can_be_turned_off_and_waits_for_the_warehouse(db, settings):
    settings.ZHANGGUI_ANOMALY_HOURLY = False
    assert tasks_anomalies.detect_last_hour_task.delay().get() == -1
    settings.ZHANGGUI_ANOMALY_HOURLY = True
    assert tasks_anomalies.detect_last_hour_task.delay().get() == 0  # nothing built yet
    assert not Anomaly.objects.exists()
