"""Setups of the replenishment and forecast API rows in ``tests/api/matrix.py``."""

from decimal import Decimal

from tests import factories
from tests.api.case import Case
from tests.suppliers.replenishment_support import make_fit
from zhanggui.suppliers.models import PurchaseOrder


def _due_row():
    """A SKU with nothing in stock, 4 units/day forecast, from a supplier at ¥6.50."""
    warehouse = factories.make_warehouse()
    supplier = factories.make_supplier()
    sku = factories.make_sku()
    factories.make_supplier_item(supplier, sku, unit_cost="6.50", lead_time_days="3.0",
                                 pack_size=10)
    make_fit(sku, warehouse, d=4, sigma=2, days=3)
    return sku, warehouse, supplier


def reorder_list() -> Case:
    sku, _warehouse, supplier = _due_row()
    return Case(check=lambda data, staff: [row["sku_id"] for row in data["groups"][0]["rows"]]
                == [sku.pk] and data["groups"][0]["supplier_id"] == supplier.pk
                and Decimal(data["groups"][0]["rows"][0]["unit_cost"]) == Decimal("6.50"))


def draft_purchase_orders() -> Case:
    sku, warehouse, supplier = _due_row()

    def check(data, staff):
        po = PurchaseOrder.objects.get(number=data[0]["number"])
        return (po.supplier == supplier and po.created_by == staff and po.status == "draft"
                and po.lines.get().quantity % 10 == 0)

    return Case(body={"rows": [{"sku_id": sku.pk, "warehouse_id": warehouse.pk}]}, check=check)


def sku_forecast() -> Case:
    sku, warehouse, _supplier = _due_row()
    make_fit(sku, None, d=4, sigma=2, days=2)
    return Case(path={"sku_id": sku.pk}, check=lambda data, staff: [
        fit["warehouse_id"] for fit in data["fits"]] == [None, warehouse.pk]
        and len(data["fits"][1]["days"]) == 3)
