"""Abnormal parcels become tasks at 24 h (not collected) and 72 h (tracking stalled), a
failure event opens one at once, and each closes itself when its cause goes."""

from datetime import timedelta

import pytest
from django.utils import timezone

from tests.fulfillment.support import shipped_parcels
from zhanggui.fulfillment import anomalies, tracking
from zhanggui.fulfillment.models import FulfillmentPolicy, Shipment
from zhanggui.fulfillment.tasks import sweep_abnormal_parcels_task
from zhanggui.fulfillment.tracking import TrackingEventIn
from zhanggui.tasks.models import Task
from zhanggui.tasks.queries import tasks_for

NOW = timezone.now().replace(microsecond=0)


def open_kinds(parcel: Shipment) -> list[str]:
    return sorted(t.kind for t in tasks_for(parcel) if t.status == "open")


def event(parcel, event_id, kind, at, description=""):
    return tracking.record_tracking_events([TrackingEventIn(
        parcel.carrier, parcel.tracking_number, event_id, kind, at, "", description)],
        source="api", actor=None)


@pytest.fixture
def parcel(db):
    return shipped_parcels(1, shipped_at=NOW - timedelta(hours=30))[0]


def test_not_collected_within_24_hours(parcel):
    assert anomalies.sweep_abnormal_parcels(now=parcel.shipped_at + timedelta(hours=23)).opened == 0
    assert open_kinds(parcel) == []
    result = anomalies.sweep_abnormal_parcels(now=parcel.shipped_at + timedelta(hours=25))
    assert result.opened == 1 and open_kinds(parcel) == ["parcel_not_collected"]
    task = Task.objects.get(kind="parcel_not_collected")
    assert task.role == "warehouse" and parcel.tracking_number in task.title
    # Sweeping again opens nothing more.
    assert anomalies.sweep_abnormal_parcels(now=parcel.shipped_at + timedelta(hours=26)).opened == 0
    assert Task.objects.filter(kind="parcel_not_collected").count() == 1
    # The carrier's first scan closes it.
    event(parcel, "c1", "collected", parcel.shipped_at + timedelta(hours=27))
    assert open_kinds(parcel) == []
    task.refresh_from_db()
    assert task.status == "resolved" and task.resolution == "fixed"


def test_collect_window_follows_the_policy(parcel):
    FulfillmentPolicy.objects.update_or_create(pk=1, defaults={"collect_within_hours": 48})
    assert anomalies.sweep_abnormal_parcels(now=parcel.shipped_at + timedelta(hours=30)).opened == 0
    assert anomalies.sweep_abnormal_parcels(now=parcel.shipped_at + timedelta(hours=49)).opened == 1


def test_not_collected_task_closes_when_the_parcel_is_cancelled(parcel):
    anomalies.sweep_abnormal_parcels(now=parcel.shipped_at + timedelta(hours=25))
    Shipment.objects.filter(pk=parcel.pk).update(status="cancelled")
    assert anomalies.sweep_abnormal_parcels(now=parcel.shipped_at + timedelta(hours=26)).closed == 1
    assert open_kinds(parcel) == []


def test_tracking_stalled_after_72_hours(db):
    parcel = shipped_parcels(1, shipped_at=NOW - timedelta(days=5))[0]
    collected = parcel.shipped_at + timedelta(hours=2)
    event(parcel, "c1", "collected", collected)
    assert anomalies.sweep_abnormal_parcels(now=collected + timedelta(hours=71)).opened == 0
    assert anomalies.sweep_abnormal_parcels(now=collected + timedelta(hours=73)).opened == 1
    assert open_kinds(parcel) == ["tracking_stalled"]
    assert Task.objects.get(kind="tracking_stalled").role == "service"
    event(parcel, "c2", "in_transit", collected + timedelta(hours=74))
    assert open_kinds(parcel) == []


def test_stalled_task_closes_by_sweep_when_the_parcel_moved(db):
    parcel = shipped_parcels(1, shipped_at=NOW - timedelta(days=5))[0]
    collected = parcel.shipped_at + timedelta(hours=2)
    event(parcel, "c1", "collected", collected)
    anomalies.sweep_abnormal_parcels(now=collected + timedelta(hours=73))
    # An event that reached the parcel without passing ``record_tracking_events``' task
    # handling (e.g. written before this version) is caught by the next sweep.
    Shipment.objects.filter(pk=parcel.pk).update(last_event_at=collected + timedelta(hours=74))
    result = anomalies.sweep_abnormal_parcels(now=collected + timedelta(hours=75))
    assert (result.opened, result.closed) == (0, 1)
    assert open_kinds(parcel) == []


def test_failure_opens_a_task_and_delivery_closes_it(parcel):
    start = parcel.shipped_at
    event(parcel, "c1", "collected", start + timedelta(hours=1))
    event(parcel, "f1", "failed", start + timedelta(hours=20), "收件人拒收")
    assert open_kinds(parcel) == ["delivery_failed"]
    task = Task.objects.get(kind="delivery_failed")
    assert task.role == "service" and parcel.tracking_number in task.title
    parcel.refresh_from_db()
    assert (parcel.status, parcel.issue) == ("failed", "refused")
    # The same failure again (a retried callback) changes nothing.
    event(parcel, "f1", "failed", start + timedelta(hours=20), "收件人拒收")
    assert Task.objects.filter(kind="delivery_failed").count() == 1
    event(parcel, "d1", "delivered", start + timedelta(hours=28))
    assert open_kinds(parcel) == []
    task.refresh_from_db()
    assert task.status == "resolved"


@pytest.mark.parametrize("kind", ["damaged", "lost", "returned"])
def test_damage_loss_return_open_a_failure_task(parcel, kind):
    event(parcel, "x1", kind, parcel.shipped_at + timedelta(hours=5))
    assert open_kinds(parcel) == ["delivery_failed"]


def test_delivered_parcels_are_never_abnormal(parcel):
    event(parcel, "d1", "delivered", parcel.shipped_at + timedelta(hours=5))
    result = anomalies.sweep_abnormal_parcels(now=parcel.shipped_at + timedelta(days=30))
    assert result.opened == 0 and open_kinds(parcel) == []


def test_beat_task_runs_the_sweep(db):
    shipped_parcels(1, shipped_at=timezone.now() - timedelta(hours=25))
    assert sweep_abnormal_parcels_task() == {"opened": 1, "closed": 0}
