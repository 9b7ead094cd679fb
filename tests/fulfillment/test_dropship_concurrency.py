"""Concurrency on PostgreSQL: allocations at the same moment open one supplier order per
drop-ship parcel, numbered without collisions; two supplier accounts shipping the same order
at once ship it once."""

import pytest

from tests.concurrency import run_in_threads
from tests.fulfillment.dropship_support import (
    drop_ship_order,
    drop_ship_supplier,
    supplied_sku,
    supplier_account,
)
from tests.fulfillment.support import reviewed_order
from zhanggui.fulfillment import allocation, dropship
from zhanggui.fulfillment.models import Shipment, SupplierOrder
from zhanggui.inventory.queries import ledger_mismatches

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True),
              pytest.mark.usefixtures("postgres_only")]


def test_concurrent_allocations_number_supplier_orders_without_collisions():
    supplier = drop_ship_supplier()
    sku = supplied_sku(supplier, units=100)
    orders = [reviewed_order([(sku, 1)]) for _ in range(8)]

    results = run_in_threads(4, lambda index: allocation.allocate_orders(
        orders[index * 2:index * 2 + 2], actor=None))

    assert not [r for r in results if isinstance(r, Exception)], results
    numbers = list(SupplierOrder.objects.values_list("number", flat=True))
    assert len(numbers) == len(set(numbers)) == 8
    assert SupplierOrder.objects.values("shipment").distinct().count() == 8
    assert Shipment.objects.count() == 8


def test_two_accounts_shipping_one_order_at_once_ship_it_once():
    supplier = drop_ship_supplier()
    _sales, order = drop_ship_order(supplier)
    accounts = [supplier_account(supplier) for _ in range(2)]

    results = run_in_threads(2, lambda index: dropship.ship_supplier_order(
        order, carrier="zto", tracking_number=f"ZT{index}0001", actor=accounts[index]))

    shipped = [r for r in results if isinstance(r, SupplierOrder)]
    assert len(shipped) == 1, results
    parcel = Shipment.objects.get(pk=order.shipment_id)
    assert parcel.status == "shipped" and parcel.tracking_number == shipped[0].shipment.tracking_number
    assert ledger_mismatches() == []
