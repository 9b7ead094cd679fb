"""Drop-ship supplier orders: opened by routing, priced from the supplier's items, accepted
and shipped by the supplier's account only, cancelled with their parcel."""

from decimal import Decimal

import pytest

from tests import factories
from tests.fulfillment.dropship_support import (
    drop_ship_order,
    drop_ship_supplier,
    supplied_sku,
    supplier_account,
)
from tests.fulfillment.support import reviewed_order
from zhanggui.accounts.models import OperationLog
from zhanggui.aftersales import actions as aftersales_actions
from zhanggui.fulfillment import allocation, dropship, shipping
from zhanggui.fulfillment.dropship_kinds import DROPSHIP_COST_MISSING
from zhanggui.fulfillment.errors import (
    DuplicateTrackingNumber,
    NotSupplierAccount,
    SupplierOrderClosed,
    TrackingNumberRequired,
)
from zhanggui.fulfillment.models import RoutingReason, Shipment, SupplierOrder
from zhanggui.inventory.queries import ledger_mismatches
from zhanggui.tasks.models import Task

pytestmark = pytest.mark.django_db


def test_routing_a_paid_order_to_a_drop_ship_warehouse_opens_one_supplier_order_at_supplier_cost():
    supplier = drop_ship_supplier()
    order, supplier_order = drop_ship_order(supplier, quantity=3)

    parcel = supplier_order.shipment
    assert parcel.routing_reason == RoutingReason.DROP_SHIP
    assert supplier_order.supplier == supplier
    assert supplier_order.status == "new"
    assert supplier_order.cost_amount == Decimal("94.50")  # 3 × 31.50, not the SKU's 40.00
    assert supplier_order.number.startswith("DS-") and supplier_order.number.endswith("-0001")
    # Idempotent: allocating and syncing again opens nothing more.
    allocation.allocate_orders([order], actor=None)
    dropship.sync_supplier_orders([parcel], actor=None)
    assert SupplierOrder.objects.filter(shipment__order=order).count() == 1
    assert OperationLog.objects.filter(action="fulfillment.open_supplier_order").count() == 1


def test_parcels_of_own_warehouses_open_no_supplier_order():
    sku = factories.make_listed_sku()
    factories.stock_up(sku, factories.make_warehouse(), 5)
    order = reviewed_order([(sku, 1)])
    allocation.allocate_orders([order], actor=None)
    assert Shipment.objects.filter(order=order).count() == 1
    assert not SupplierOrder.objects.exists()


def test_a_sku_without_supplier_price_costs_the_sku_cost_and_opens_a_finance_task():
    supplier = drop_ship_supplier()
    sku = supplied_sku(supplier, unit_cost=None, cost="12.30")
    _order, supplier_order = drop_ship_order(supplier, quantity=2, sku=sku)

    assert supplier_order.cost_amount == Decimal("24.60")
    task = Task.objects.get(kind=DROPSHIP_COST_MISSING)
    assert task.subject_id == str(supplier_order.pk) and sku.code in task.title


def test_numbers_count_up_within_the_day():
    supplier = drop_ship_supplier()
    _o1, first = drop_ship_order(supplier)
    _o2, second = drop_ship_order(supplier)
    assert int(second.number[-4:]) == int(first.number[-4:]) + 1


def test_the_supplier_accepts_and_ships_its_order_and_the_tracking_number_ships_the_parcel():
    supplier = drop_ship_supplier()
    account = supplier_account(supplier)
    order, supplier_order = drop_ship_order(supplier, quantity=2)

    assert dropship.accept_supplier_orders([supplier_order], actor=account) == 1
    assert dropship.accept_supplier_orders([supplier_order], actor=account) == 0  # once
    shipped = dropship.ship_supplier_order(supplier_order, carrier="zto",
                                           tracking_number=" ZT123456789 ", actor=account)

    parcel = Shipment.objects.get(pk=supplier_order.shipment_id)
    order.refresh_from_db()
    assert shipped.status == "shipped" and shipped.shipped_at == parcel.shipped_at
    assert (parcel.status, parcel.carrier, parcel.tracking_number) == ("shipped", "zto",
                                                                      "ZT123456789")
    assert order.status == "shipped"
    assert ledger_mismatches() == []
    with pytest.raises(SupplierOrderClosed):
        dropship.ship_supplier_order(shipped, carrier="zto", tracking_number="ZT2", actor=account)


def test_supplier_a_cannot_accept_or_ship_supplier_b_orders():
    supplier_a, supplier_b = drop_ship_supplier(), drop_ship_supplier()
    account_a = supplier_account(supplier_a)
    _order, order_b = drop_ship_order(supplier_b)

    with pytest.raises(NotSupplierAccount):
        dropship.accept_supplier_orders([order_b], actor=account_a)
    with pytest.raises(NotSupplierAccount):
        dropship.ship_supplier_order(order_b, carrier="sf", tracking_number="SF1", actor=account_a)
    order_b.refresh_from_db()
    assert order_b.status == "new"
    assert Shipment.objects.get(pk=order_b.shipment_id).status == "pending"


def test_shipping_needs_a_tracking_number_that_is_not_used_by_another_parcel():
    supplier = drop_ship_supplier()
    _o1, first = drop_ship_order(supplier)
    _o2, second = drop_ship_order(supplier)
    dropship.ship_supplier_order(first, carrier="sf", tracking_number="SF1000", actor=None)

    with pytest.raises(TrackingNumberRequired):
        dropship.ship_supplier_order(second, carrier="sf", tracking_number="  ", actor=None)
    with pytest.raises(DuplicateTrackingNumber):
        dropship.ship_supplier_order(second, carrier="sf", tracking_number="SF1000", actor=None)
    second.refresh_from_db()
    assert second.status == "new"
    # The same number at another carrier is another parcel's.
    dropship.ship_supplier_order(second, carrier="yto", tracking_number="SF1000", actor=None)


def test_a_cancelled_sales_order_cancels_its_supplier_order_and_cannot_be_shipped():
    supplier = drop_ship_supplier()
    order, supplier_order = drop_ship_order(supplier)
    aftersales_actions.issue_refund(order, amount=order.total_amount, reason="买家取消",
                                    actor=None)

    with pytest.raises(SupplierOrderClosed):
        dropship.ship_supplier_order(supplier_order, carrier="sf", tracking_number="SF9",
                                     actor=None)
    supplier_order.refresh_from_db()
    assert supplier_order.status == "cancelled"
    assert Shipment.objects.get(pk=supplier_order.shipment_id).status == "cancelled"
    assert ledger_mismatches() == []


def test_staff_shipping_the_parcel_ships_the_supplier_order_too():
    supplier = drop_ship_supplier()
    _order, supplier_order = drop_ship_order(supplier)
    shipping.ship_shipment(supplier_order.shipment, carrier="sf", tracking_number="SF77",
                           actor=None)
    supplier_order.refresh_from_db()
    assert supplier_order.status == "shipped"


def test_merging_two_drop_ship_parcels_cancels_one_supplier_order_and_reprices_the_other():
    supplier = drop_ship_supplier()
    sku = supplied_sku(supplier)
    customer = factories.make_customer()
    orders = [reviewed_order([(sku, 1)], customer=customer) for _ in range(2)]
    allocation.allocate_orders(orders, actor=None)
    parcels = list(Shipment.objects.filter(order__in=orders).order_by("pk"))

    target = allocation.merge_shipments(parcels, actor=None)

    kept = SupplierOrder.objects.get(shipment=target)
    gone = SupplierOrder.objects.get(shipment=parcels[1])
    assert (kept.status, kept.cost_amount) == ("new", Decimal("63.00"))
    assert gone.status == "cancelled"


def test_splitting_a_drop_ship_parcel_opens_a_supplier_order_for_the_new_parcel():
    supplier = drop_ship_supplier()
    _order, supplier_order = drop_ship_order(supplier, quantity=3)
    line = supplier_order.shipment.lines.get()

    new = allocation.split_shipment(supplier_order.shipment, quantities={line.pk: 1}, actor=None)

    supplier_order.refresh_from_db()
    assert supplier_order.cost_amount == Decimal("63.00")
    assert SupplierOrder.objects.get(shipment=new).cost_amount == Decimal("31.50")
