"""Setups of the drop-ship, stock-feed and ad-spend rows in ``tests/api/matrix.py``. A
caller of the supplier role is made an account of the setup's supplier (``Case.prepare``):
a supplier account sees only its own supplier's orders and warehouse."""

from datetime import date
from decimal import Decimal

from tests import factories
from tests.api.case import Case
from tests.fulfillment.dropship_support import drop_ship_order, drop_ship_supplier, supplied_sku
from zhanggui.accounts.roles import Role
from zhanggui.fulfillment.models import Shipment, SupplierOrder
from zhanggui.inventory.models import Stock
from zhanggui.marketing import actions as marketing_actions
from zhanggui.marketing.models import AdSpend


def _link(supplier):
    def prepare(staff) -> None:
        if staff.groups.filter(name=Role.SUPPLIER).exists():
            supplier.accounts.add(staff)
    return prepare


def _fresh(order: SupplierOrder) -> SupplierOrder:
    return SupplierOrder.objects.get(pk=order.pk)


def _order():
    supplier = drop_ship_supplier()
    _sales, order = drop_ship_order(supplier, quantity=2)
    return supplier, order


def list_supplier_orders() -> Case:
    supplier, order = _order()
    return Case(prepare=_link(supplier),
                check=lambda data, staff: [o["number"] for o in data["items"]] == [order.number])


def get_supplier_order() -> Case:
    supplier, order = _order()
    return Case(path={"order_id": order.pk}, prepare=_link(supplier),
                check=lambda data, staff: data["items"][0]["quantity"] == 2
                and data["number"] == order.number)


def export_supplier_orders() -> Case:
    supplier, order = _order()
    return Case(body={}, prepare=_link(supplier), target=order,
                check=lambda data, staff: data["orders"] == 1 and "张三丰" in data["content"]
                and _fresh(order).exported_at is not None)


def reveal_recipient() -> Case:
    supplier, order = _order()
    return Case(path={"order_id": order.pk}, prepare=_link(supplier), target=order,
                check=lambda data, staff: data["recipient_phone"] == "13800000000")


def accept_supplier_order() -> Case:
    supplier, order = _order()
    return Case(path={"order_id": order.pk}, prepare=_link(supplier), target=order,
                check=lambda data, staff: data["status"] == "accepted"
                and _fresh(order).status == "accepted")


def ship_supplier_order() -> Case:
    supplier, order = _order()
    return Case(path={"order_id": order.pk}, prepare=_link(supplier), target=order,
                body={"carrier": "zto", "tracking_number": f"ZT{order.pk:010d}"},
                check=lambda data, staff: data["status"] == "shipped"
                and Shipment.objects.get(pk=order.shipment_id).tracking_number
                == f"ZT{order.pk:010d}")


def sync_stock_feed() -> Case:
    supplier = drop_ship_supplier()
    sku = supplied_sku(supplier, units=5)
    return Case(path={"warehouse_id": supplier.warehouse_id}, prepare=_link(supplier),
                target=Stock.objects.get(sku=sku, warehouse=supplier.warehouse),
                body={"rows": [{"sku_code": sku.code, "quantity": 12}]},
                check=lambda data, staff: data["changed"] == 1 and Stock.objects.get(
                    sku=sku, warehouse=supplier.warehouse).available == 12)


def _spend(day: date = date(2026, 11, 11)) -> AdSpend:
    product = factories.make_product()
    return marketing_actions.record_ad_spend(day=day, channel="zhitongche", product=product,
                                             amount=Decimal("120.50"), actor=None)


def list_ad_spend() -> Case:
    spend = _spend()
    return Case(query={"day_from": "2026-11-11", "day_to": "2026-11-11"},
                check=lambda data, staff: [s["id"] for s in data["items"]] == [spend.pk])


def create_ad_spend() -> Case:
    product = factories.make_product()
    return Case(body={"day": "2026-11-12", "channel": "douyin", "product_id": product.pk,
                      "amount": "88.00"},
                check=lambda data, staff: AdSpend.objects.get(pk=data["id"]).created_by == staff)


def update_ad_spend() -> Case:
    spend = _spend()
    return Case(path={"spend_id": spend.pk}, body={"amount": "99.90"}, target=spend,
                check=lambda data, staff: AdSpend.objects.get(pk=spend.pk).amount
                == Decimal("99.90"))


def delete_ad_spend() -> Case:
    spend = _spend()
    return Case(path={"spend_id": spend.pk}, target=spend,
                check=lambda data, staff: not AdSpend.objects.filter(pk=spend.pk).exists())
