"""Parcels and refunds write their events: shipment.shipped from the hand-over, delivered
and failed from the tracking (carriers' batches and staff), refund.issued from the refund;
a refused change writes none."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from tests import factories
from tests.events.support import PERSONAL, events_of, only_event
from tests.fulfillment.support import parcel_of, shipped_parcels, stocked_sku
from zhanggui.aftersales import actions as aftersales_actions
from zhanggui.fulfillment import actions, shipping, tracking
from zhanggui.fulfillment.errors import AlreadyDelivered, DuplicateTrackingNumber
from zhanggui.fulfillment.tracking import TrackingEventIn
from zhanggui.orders.errors import RefundExceedsPaid

pytestmark = pytest.mark.django_db


def _event(parcel, event_id: str, kind: str, hours: float, description: str = ""):
    return TrackingEventIn(carrier=parcel.carrier, tracking_number=parcel.tracking_number,
                           event_id=event_id, kind=kind, description=description,
                           occurred_at=parcel.shipped_at + timedelta(hours=hours), location="杭州")


def _record(*events):
    return tracking.record_tracking_events(list(events), source="api", actor=None)


def test_shipping_a_parcel_writes_shipment_shipped():
    parcel = parcel_of([(stocked_sku(factories.make_warehouse()), 2)])

    shipped = shipping.ship_shipment(parcel, carrier="sf", tracking_number="SF100200", actor=None)

    event = only_event("shipment.shipped")
    assert (event.subject_id, event.occurred_at) == (str(parcel.pk), shipped.shipped_at)
    assert event.data["status"] == "shipped" and event.data["order_ids"] == [parcel.order_id]
    assert (event.data["carrier"], event.data["tracking_number"]) == ("sf", "SF100200")
    assert event.data["delivered_at"] is None and not PERSONAL & set(event.data)


def test_a_refused_hand_over_writes_no_event():
    first = parcel_of([(stocked_sku(factories.make_warehouse()), 1)])
    shipping.ship_shipment(first, carrier="sf", tracking_number="SF1", actor=None)
    second = parcel_of([(stocked_sku(factories.make_warehouse()), 1)])

    with pytest.raises(DuplicateTrackingNumber):
        shipping.ship_shipment(second, carrier="sf", tracking_number="SF1", actor=None)

    assert [e.subject_id for e in events_of("shipment.shipped")] == [str(first.pk)]


def test_a_carriers_batch_writes_delivered_and_failed_in_one_go():
    delivered, failed, moving = shipped_parcels(3, shipped_at=timezone.now() - timedelta(days=3))

    _record(_event(delivered, "d1", "collected", 1), _event(delivered, "d2", "delivered", 30),
            _event(failed, "f1", "failed", 20, "收件人拒收"), _event(moving, "m1", "in_transit", 5))

    by_type = {e.type: e for e in events_of("shipment.delivered", "shipment.failed")}
    assert set(by_type) == {"shipment.delivered", "shipment.failed"}
    done = by_type["shipment.delivered"]
    assert done.subject_id == str(delivered.pk) and done.data["status"] == "delivered"
    assert done.occurred_at == delivered.shipped_at + timedelta(hours=30)
    lost = by_type["shipment.failed"]
    assert lost.subject_id == str(failed.pk) and lost.data["status"] == "failed"
    assert lost.data["issue"] == "refused"
    assert lost.occurred_at == failed.shipped_at + timedelta(hours=20)


def test_only_a_change_writes_a_tracking_event():
    parcel = shipped_parcels(1, shipped_at=timezone.now() - timedelta(days=3))[0]
    _record(_event(parcel, "f1", "failed", 10))
    _record(_event(parcel, "c1", "in_transit", 5))  # older: the parcel stays failed
    _record(_event(parcel, "f2", "failed", 20))  # a later failure is announced again
    _record(_event(parcel, "d1", "delivered", 40), _event(parcel, "d1", "delivered", 40))
    _record(_event(parcel, "d2", "delivered", 41))  # delivered already

    assert [(e.type, e.occurred_at - parcel.shipped_at) for e in events_of(
        "shipment.failed", "shipment.delivered")] == [
        ("shipment.failed", timedelta(hours=10)), ("shipment.failed", timedelta(hours=20)),
        ("shipment.delivered", timedelta(hours=40))]


def test_staff_marking_delivered_writes_one_event_and_a_second_try_none():
    order = factories.make_order(status="shipped")
    parcel = order.shipments.get()

    actions.mark_delivered(parcel, actor=None)
    with pytest.raises(AlreadyDelivered):
        actions.mark_delivered(parcel, actor=None)

    event = only_event("shipment.delivered")
    assert event.subject_id == str(parcel.pk) and event.data["order_ids"] == [order.pk]


def test_a_refund_writes_refund_issued():
    order = factories.make_order(status="delivered")
    request = factories.make_received_return(order)

    refund = aftersales_actions.issue_refund(order, amount=None, reason="退货退款",
                                             request=request, actor=None)

    event = only_event("refund.issued")
    assert (event.subject_id, event.occurred_at) == (str(refund.pk), refund.created_at)
    assert event.data == {
        "refund_id": refund.pk, "order_id": order.pk, "order_number": order.number,
        "request_id": request.pk, "request_kind": "return", "currency": order.currency,
        "amount": "99.00", "order_paid_amount": "99.00", "order_refunded_amount": "99.00",
        "issued_at": event.data["issued_at"]}


def test_a_refund_above_what_was_paid_writes_no_event():
    order = factories.make_order(status="delivered")
    with pytest.raises(RefundExceedsPaid):
        aftersales_actions.issue_refund(order, amount=Decimal("500.00"), reason="x", actor=None)
    assert not events_of("refund.issued")
