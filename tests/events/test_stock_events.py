"""Stock and purchase orders write their events: stock.low when a change takes a row's
available units below its threshold (once per crossing), purchase_order.received per
delivery; a refused change writes none."""

from decimal import Decimal

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from tests import factories
from tests.events.support import events_of, only_event
from zhanggui.inventory import actions as inventory_actions
from zhanggui.inventory.errors import NegativeStock
from zhanggui.inventory.models import Stock
from zhanggui.orders import actions as order_actions
from zhanggui.suppliers import actions as supplier_actions
from zhanggui.suppliers.actions import ReceiptLineInput
from zhanggui.suppliers.errors import OverReceipt

pytestmark = pytest.mark.django_db


@pytest.fixture
def stock():
    """12 units of a listed SKU in a warehouse, low below 5."""
    sku, warehouse = factories.make_listed_sku(), factories.make_warehouse()
    factories.stock_up(sku, warehouse, 12)
    Stock.objects.filter(sku=sku, warehouse=warehouse).update(low_stock_threshold=5)
    return Stock.objects.select_related("sku", "warehouse").get(sku=sku, warehouse=warehouse)


def _adjust(stock: Stock, delta: int):
    return inventory_actions.adjust_stock(stock.sku, warehouse=stock.warehouse, delta=delta,
                                          reason="盘点", actor=None)


def test_stock_low_is_written_on_the_crossing_only(stock):
    _adjust(stock, -7)  # 5 left: at the threshold, not below
    assert not events_of("stock.low")
    crossing = _adjust(stock, -1)  # 4: below
    _adjust(stock, -1)  # 3: still below, nothing new

    event = only_event("stock.low")
    assert (event.subject_id, event.occurred_at) == (str(stock.pk), crossing.created_at)
    assert event.data == {"stock_id": stock.pk, "sku_id": stock.sku_id,
                          "sku_code": stock.sku.code, "warehouse_id": stock.warehouse_id,
                          "on_hand": 4, "reserved": 0, "available": 4, "low_stock_threshold": 5,
                          "movement_kind": "adjust", "reference": ""}

    inventory_actions.receive_stock(stock.sku, warehouse=stock.warehouse, quantity=10,
                                    reason="到货", actor=None)
    _adjust(stock, -9)  # back above, then below again: a new crossing
    assert [e.data["available"] for e in events_of("stock.low")] == [4, 4]


def test_a_reservation_that_crosses_writes_stock_low(stock):
    order = order_actions.place_order(
        factories.make_customer(), lines=[order_actions.LineRequest(stock.sku_id, 9)],
        recipient=factories.recipient(), actor=None)

    event = only_event("stock.low")
    assert (event.data["on_hand"], event.data["reserved"], event.data["available"]) == (12, 9, 3)
    assert event.data["movement_kind"] == "reserve"
    assert event.data["reference"] == order_actions.reservation_reference(order)


def test_a_refused_or_rolled_back_change_writes_no_event(stock):
    with pytest.raises(NegativeStock):
        _adjust(stock, -13)
    with pytest.raises(RuntimeError, match="later"), transaction.atomic():
        _adjust(stock, -10)
        assert len(events_of("stock.low")) == 1
        raise RuntimeError("a later failure")
    assert not events_of("stock.low")


@pytest.fixture
def po():
    """A sent PO of 10 × A and 5 × B."""
    sku_a, sku_b = factories.make_sku(), factories.make_sku()
    return factories.make_purchase_order(lines=[(sku_a, 10), (sku_b, 5)], sent=True)


def _lines(po):
    return {line.sku_id: line for line in po.lines.all()}


def test_a_receipt_writes_purchase_order_received_with_its_quantities(po):
    a, b = sorted(_lines(po).values(), key=lambda line: line.sku_id)
    receipt = supplier_actions.receive_purchase_order(po, actor=None, lines={
        a.pk: ReceiptLineInput(accepted=6, rejected=1, reject_reason="damaged"),
        b.pk: ReceiptLineInput(accepted=3, short=2)}, freight_amount=Decimal("9.00"))

    event = only_event("purchase_order.received")
    assert (event.subject_id, event.occurred_at) == (str(po.pk), receipt.received_at)
    data = event.data
    assert (data["number"], data["status"], data["receipt_number"]) == (
        po.number, "partly_received", receipt.number)
    assert data["freight_amount"] == "9.00"
    assert [(line["sku_id"], line["accepted"], line["rejected"], line["short"],
             line["ordered_quantity"], line["received_quantity"]) for line in data["lines"]] == [
        (a.sku_id, 6, 1, 0, 10, 6), (b.sku_id, 3, 0, 2, 5, 3)]

    supplier_actions.receive_purchase_order(po, actor=None, lines={
        a.pk: ReceiptLineInput(accepted=4), b.pk: ReceiptLineInput(accepted=2)})
    second = events_of("purchase_order.received")[1].data
    assert second["status"] == "received"
    assert [line["received_quantity"] for line in second["lines"]] == [10, 5]


def test_a_refused_receipt_writes_no_event(po):
    a = next(iter(_lines(po).values()))
    with pytest.raises(OverReceipt):
        supplier_actions.receive_purchase_order(po, actor=None,
                                                lines={a.pk: ReceiptLineInput(accepted=11)})
    assert not events_of("purchase_order.received")


def test_a_stock_feed_writes_its_crossings_in_one_insert():
    from tests.fulfillment.dropship_support import drop_ship_supplier, supplied_sku
    from zhanggui.inventory.feed import sync_stock_feed

    supplier = drop_ship_supplier()
    skus = [supplied_sku(supplier, units=10) for _ in range(3)]
    Stock.objects.filter(warehouse=supplier.warehouse).update(low_stock_threshold=5)

    with CaptureQueriesContext(connection) as queries:
        sync_stock_feed(supplier.warehouse, rows={skus[0].code: 1, skus[1].code: 0,
                                                  skus[2].code: 6}, source="api", actor=None)

    assert len([q for q in queries.captured_queries
                if q["sql"].startswith('INSERT INTO "events_event"')]) == 1
    assert [(e.data["sku_id"], e.data["available"], e.data["movement_kind"])
            for e in events_of("stock.low")] == [(skus[0].pk, 1, "feed"), (skus[1].pk, 0, "feed")]
