import pytest

from tests import factories
from zhanggui.core.errors import InvalidTransition
from zhanggui.fulfillment import actions
from zhanggui.fulfillment.errors import (
    AlreadyDelivered,
    DuplicateTrackingNumber,
    TrackingNumberRequired,
)
from zhanggui.inventory.models import Stock
from zhanggui.inventory.queries import ledger_mismatches


@pytest.fixture
def sku(db):
    sku = factories.make_listed_sku()
    factories.stock_up(sku, factories.make_warehouse(), 10)
    return sku


def test_ship_order_takes_stock_off_hand(sku):
    order = factories.make_order(sku=sku, quantity=3, status="reviewed")
    shipment = actions.ship_order(order, carrier="zto", tracking_number=" ZT123 ", actor=None)
    order.refresh_from_db()
    stock = Stock.objects.get(sku=sku)
    assert order.status == "shipped" and order.shipped_at
    assert (stock.on_hand, stock.reserved) == (7, 0)
    assert shipment.tracking_number == "ZT123" and shipment.warehouse == stock.warehouse
    assert ledger_mismatches() == []


def test_ship_order_requires_review_and_tracking(sku):
    paid = factories.make_order(sku=sku, status="paid")
    with pytest.raises(InvalidTransition):
        actions.ship_order(paid, carrier="sf", tracking_number="SF1", actor=None)
    reviewed = factories.make_order(sku=sku, status="reviewed")
    with pytest.raises(TrackingNumberRequired):
        actions.ship_order(reviewed, carrier="sf", tracking_number="  ", actor=None)
    actions.ship_order(reviewed, carrier="sf", tracking_number="SF1", actor=None)
    again = factories.make_order(sku=sku, status="reviewed")
    with pytest.raises(DuplicateTrackingNumber):
        actions.ship_order(again, carrier="sf", tracking_number="SF1", actor=None)
    assert Stock.objects.get(sku=sku).on_hand == 9


def test_mark_delivered_once(sku):
    order = factories.make_order(sku=sku, status="shipped")
    shipment = order.shipments.get()
    actions.mark_delivered(shipment, actor=None)
    order.refresh_from_db()
    assert order.status == "delivered"
    with pytest.raises(AlreadyDelivered):
        actions.mark_delivered(shipment, actor=None)
