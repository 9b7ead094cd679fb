"""Recording tracking events: idempotent per (carrier, event id), out of order, all or
nothing; delivery of the order only when every parcel arrived; manual delivery is an
event like any other."""

from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from tests.fulfillment.support import shipped_parcels
from zhanggui.accounts.models import OperationLog
from zhanggui.fulfillment import actions, tracking
from zhanggui.fulfillment.errors import (
    AlreadyDelivered,
    InvalidTrackingEvents,
    ShipmentNotInFlight,
)
from zhanggui.fulfillment.models import Shipment, TrackingEvent
from zhanggui.fulfillment.tracking import TrackingEventIn
from zhanggui.orders.models import Order


def event(parcel: Shipment, event_id: str, kind: str, hours: float, description: str = "",
          **changes) -> TrackingEventIn:
    base = parcel.shipped_at
    values = dict(carrier=parcel.carrier, tracking_number=parcel.tracking_number,
                  event_id=event_id, kind=kind, occurred_at=base + timedelta(hours=hours),
                  location="杭州转运中心", description=description)
    return TrackingEventIn(**{**values, **changes})


def record(*events, source="api"):
    return tracking.record_tracking_events(list(events), source=source, actor=None)


@pytest.fixture
def parcel(db):
    return shipped_parcels(1, shipped_at=timezone.now() - timedelta(days=3))[0]


def test_same_event_twice_is_one_row(parcel):
    first = record(event(parcel, "e1", "collected", 2))
    again = record(event(parcel, "e1", "collected", 2), event(parcel, "e2", "in_transit", 9),
                   event(parcel, "e2", "in_transit", 9))
    assert (first.recorded, first.duplicates, first.unknown) == (1, 0, 0)
    assert (again.recorded, again.duplicates, again.unknown) == (1, 2, 0)
    assert TrackingEvent.objects.filter(shipment=parcel).count() == 2
    parcel.refresh_from_db()
    assert parcel.status == "in_transit"
    assert parcel.collected_at == parcel.shipped_at + timedelta(hours=2)
    assert parcel.last_event_at == parcel.shipped_at + timedelta(hours=9)


def test_same_event_id_of_another_carrier_is_another_event(parcel):
    other = shipped_parcels(1, carrier="yto")[0]
    result = record(event(parcel, "e1", "collected", 1), event(other, "e1", "collected", 1))
    assert result.recorded == 2


def test_unknown_parcels_are_counted_not_refused(parcel):
    result = record(event(parcel, "e1", "collected", 1),
                    event(parcel, "x1", "collected", 1, tracking_number="NOPE"),
                    event(parcel, "x2", "collected", 1, carrier="sf"))
    assert (result.recorded, result.unknown, result.unknown_rows) == (1, 2, (1, 2))


def test_out_of_order_events(parcel):
    record(event(parcel, "e3", "delivered", 30))
    record(event(parcel, "e1", "collected", 1), event(parcel, "e2", "in_transit", 10))
    parcel.refresh_from_db()
    assert parcel.status == "delivered"
    assert parcel.collected_at == parcel.shipped_at + timedelta(hours=1)
    assert parcel.delivered_at == parcel.shipped_at + timedelta(hours=30)
    assert parcel.last_event_at == parcel.delivered_at
    assert Order.objects.get(pk=parcel.order_id).status == "delivered"


def test_invalid_row_refuses_the_whole_batch(parcel):
    logged = OperationLog.objects.count()
    with pytest.raises(InvalidTrackingEvents) as refused:
        record(event(parcel, "e1", "collected", 1), event(parcel, "e2", "teleported", 2),
               event(parcel, "", "delivered", 3, occurred_at=timezone.now().replace(tzinfo=None)))
    assert [(i, code) for i, code, _m in refused.value.rows] == [
        (1, "unknown_event_kind"), (2, "event_id_required"), (2, "invalid_event_time")]
    assert not TrackingEvent.objects.exists()
    parcel.refresh_from_db()
    assert parcel.status == "shipped" and parcel.last_event_at is None
    assert OperationLog.objects.count() == logged


def test_order_delivered_only_when_every_parcel_is(db):
    first, second = shipped_parcels(2, shipped_at=timezone.now() - timedelta(days=3))
    order = Order.objects.get(pk=first.order_id)
    assert order.status == "shipped"
    record(event(first, "a1", "delivered", 20))
    order.refresh_from_db()
    assert order.status == "shipped"
    record(event(second, "b1", "failed", 20, "拒收"))
    order.refresh_from_db()
    assert order.status == "shipped"
    record(event(second, "b2", "delivered", 40))
    order.refresh_from_db()
    assert order.status == "delivered" and order.delivered_at is not None
    assert OperationLog.objects.filter(action="orders.mark_delivered",
                                       object_id=str(order.pk)).count() == 1


def test_events_of_a_parcel_not_handed_over_are_recorded_only(parcel):
    Shipment.objects.filter(pk=parcel.pk).update(status="packed")
    assert record(event(parcel, "e1", "collected", 1)).recorded == 1
    parcel.refresh_from_db()
    assert parcel.status == "packed" and parcel.collected_at is not None


def test_manual_delivery_is_a_console_event(parcel, owner):
    tracking.mark_delivered_manually(parcel, owner)
    parcel.refresh_from_db()
    assert parcel.status == "delivered"
    (row,) = TrackingEvent.objects.filter(shipment=parcel)
    assert (row.kind, row.source, row.carrier) == ("delivered", "console", parcel.carrier)
    assert Order.objects.get(pk=parcel.order_id).status == "delivered"
    with pytest.raises(AlreadyDelivered):
        tracking.mark_delivered_manually(parcel, owner)
    assert TrackingEvent.objects.filter(shipment=parcel).count() == 1
    log = OperationLog.objects.filter(action="fulfillment.record_tracking").latest("id")
    assert log.actor == owner and log.after["status"] == "delivered"


def test_console_event_needs_a_parcel_in_flight(parcel, owner):
    Shipment.objects.filter(pk=parcel.pk).update(status="cancelled")
    with pytest.raises(ShipmentNotInFlight):
        tracking.record_console_event(parcel, kind="collected", occurred_at=timezone.now(),
                                      actor=owner)
    assert not TrackingEvent.objects.exists()


def test_console_event_moves_the_parcel(parcel, owner):
    tracking.record_console_event(parcel, kind="lost", occurred_at=timezone.now(),
                                  description="承运商确认丢失", actor=owner)
    parcel.refresh_from_db()
    assert (parcel.status, parcel.issue) == ("failed", "lost") and parcel.failed_at


def test_legacy_mark_delivered_still_delivers(db):
    """``actions.mark_delivered`` (until the lead points it at ``mark_delivered_manually``)."""
    parcel = shipped_parcels(1)[0]
    actions.mark_delivered(parcel, actor=None)
    assert Order.objects.get(pk=parcel.order_id).status == "delivered"


@pytest.mark.skipif(connection.vendor != "postgresql",
                    reason="concurrency is proved on PostgreSQL (set DATABASE_URL)")
@pytest.mark.django_db(transaction=True)
def test_the_same_callback_delivered_twice_at_once_records_once():
    # Skipped before any database set-up on SQLite. (No serialized_rollback: its flush skips
    # post_migrate, which leaves no permissions or content types behind for the next test;
    # tests/conftest.py restores the migrations' data after every transactional test.)
    from tests.concurrency import run_in_threads

    parcel = shipped_parcels(2, shipped_at=timezone.now() - timedelta(days=2))
    batch = [event(parcel[0], "c1", "collected", 1), event(parcel[1], "c2", "collected", 1),
             event(parcel[0], "d1", "delivered", 20), event(parcel[1], "d2", "delivered", 21)]
    results = run_in_threads(4, lambda index: record(*batch))
    assert not [r for r in results if isinstance(r, Exception)], results
    assert sum(r.recorded for r in results) == 4
    assert sum(r.duplicates for r in results) == 12
    assert TrackingEvent.objects.count() == 4
    order = Order.objects.get(pk=parcel[0].order_id)
    assert order.status == "delivered"
    assert OperationLog.objects.filter(action="orders.mark_delivered",
                                       object_id=str(order.pk)).count() == 1
