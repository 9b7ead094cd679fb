"""Helpers of the drop-ship tests: a supplier with its drop-ship warehouse, stock there, its
account, and a reviewed order whose parcel goes there."""

import itertools
from decimal import Decimal

from tests import factories
from tests.fulfillment.support import reviewed_order
from zhanggui.catalog.models import Sku
from zhanggui.fulfillment import allocation
from zhanggui.fulfillment.models import Shipment, SupplierOrder
from zhanggui.inventory.models import Warehouse, WarehouseKind
from zhanggui.suppliers.models import Supplier, SupplierItem

_seq = itertools.count(1)


def drop_ship_supplier(*, name: str | None = None) -> Supplier:
    """An active supplier shipping from its own drop-ship warehouse."""
    n = next(_seq)
    warehouse = Warehouse.objects.create(code=f"DS{n:03d}", name=f"代发仓{n}",
                                         kind=WarehouseKind.DROP_SHIP, province_code="440000",
                                         city="广州")
    return Supplier.objects.create(code=f"DSUP{n:03d}", name=name or f"代发供应商{n}",
                                   warehouse=warehouse)


def supplied_sku(supplier: Supplier, *, units: int = 50, unit_cost: str | None = "31.50",
                 cost: str = "40.00") -> Sku:
    """A listed SKU stocked only at the supplier's warehouse, at the supplier's price
    (``unit_cost`` None: the supplier has no item for it)."""
    sku = factories.make_listed_sku(cost=cost)
    factories.stock_up(sku, supplier.warehouse, units)
    if unit_cost is not None:
        SupplierItem.objects.create(supplier=supplier, sku=sku, unit_cost=Decimal(unit_cost))
    return sku


def supplier_account(supplier: Supplier):
    staff = factories.make_staff("supplier")
    supplier.accounts.add(staff)
    return staff


def drop_ship_order(supplier: Supplier, *, quantity: int = 2, sku: Sku | None = None):
    """A reviewed order of one SKU of the supplier, allocated: (sales order, supplier order)."""
    sku = sku or supplied_sku(supplier)
    order = reviewed_order([(sku, quantity)])
    allocation.allocate_orders([order], actor=None)
    parcel = Shipment.objects.get(order=order)
    return order, SupplierOrder.objects.get(shipment=parcel)
