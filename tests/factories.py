"""Explicit factories for tests: each builds a valid object through the real actions."""

import itertools
from decimal import Decimal

from django.conf import settings
from django.test import override_settings

from zhanggui.accounts.actions import create_staff
from zhanggui.accounts.models import Staff
from zhanggui.catalog import actions as catalog_actions
from zhanggui.catalog.models import Category, Product, Sku
from zhanggui.customers.actions import add_address, create_customer
from zhanggui.customers.models import Customer
from zhanggui.fulfillment import actions as fulfillment_actions
from zhanggui.inventory import actions as inventory_actions
from zhanggui.inventory.models import Warehouse
from zhanggui.orders import actions as order_actions
from zhanggui.orders.models import Order

_seq = itertools.count(1)
PASSWORD = "Correct-Horse-42"


def make_staff(role: str, username: str | None = None) -> Staff:
    return create_staff(username or f"{role}{next(_seq)}", password=PASSWORD, roles=[role],
                        actor=None, display_name=role)


def make_category(name: str | None = None, parent: Category | None = None) -> Category:
    level = parent.level + 1 if parent else 1
    return Category.objects.create(name=name or f"类目{next(_seq)}", parent=parent, level=level)


def make_product(*, category: Category | None = None, listed: bool = True,
                 option_names: list[str] | None = None) -> Product:
    n = next(_seq)
    product = catalog_actions.create_product(
        f"SPU{n:05d}", title=f"测试商品{n}", category=category or make_category(),
        option_names=option_names if option_names is not None else ["颜色"], actor=None)
    if listed:
        make_sku(product)
        catalog_actions.set_listing_status(product, status="listed", reason="new", actor=None)
    return product


def make_sku(product: Product | None = None, *, price: str = "99.00", cost: str = "40.00") -> Sku:
    product = product or make_product(listed=False)
    n = next(_seq)
    options = {name: f"值{n}" for name in product.option_names}
    return catalog_actions.create_sku(product, code=f"SKU{n:06d}", option_values=options,
                                      price_amount=Decimal(price), cost_amount=Decimal(cost),
                                      actor=None)


def make_listed_sku(*, price: str = "99.00", cost: str = "40.00") -> Sku:
    product = make_product(listed=True)
    sku = product.skus.first()
    if Decimal(price) != sku.price_amount or Decimal(cost) != sku.cost_amount:
        sku = catalog_actions.update_sku(sku, price_amount=Decimal(price),
                                         cost_amount=Decimal(cost), actor=None)
    return sku


def make_warehouse(province_code: str = "330000", code: str | None = None) -> Warehouse:
    n = next(_seq)
    return Warehouse.objects.create(code=code or f"WH{n}", name=f"仓库{n}",
                                    province_code=province_code, city="杭州")


def stock_up(sku: Sku, warehouse: Warehouse, quantity: int) -> None:
    inventory_actions.receive_stock(sku, warehouse=warehouse, quantity=quantity,
                                    reason="test receipt", actor=None)


def make_customer(province_code: str = "330000") -> Customer:
    n = next(_seq)
    customer = create_customer(f"C{n:06d}", nickname=f"买家{n}", name="张三丰",
                               phone=f"138{n:08d}", province_code=province_code, city="杭州",
                               actor=None)
    add_address(customer, recipient_name="张三丰", phone=f"138{n:08d}",
                province_code=province_code, city="杭州", detail="西湖区文三路 100 号",
                actor=None)
    return customer


def recipient(province_code: str = "330000") -> order_actions.Recipient:
    return order_actions.Recipient(name="张三丰", phone="13800000000",
                                   province_code=province_code, city="杭州",
                                   address_detail="西湖区文三路 100 号")


def make_order(*, sku: Sku | None = None, quantity: int = 1, customer: Customer | None = None,
               status: str = "pending_payment", shipping: str = "0.00") -> Order:
    """An order driven through the real actions up to ``status``."""
    if sku is None:
        sku = make_listed_sku()
        stock_up(sku, make_warehouse(), 100)
    order = order_actions.place_order(
        customer or make_customer(), lines=[order_actions.LineRequest(sku.pk, quantity)],
        recipient=recipient(), actor=None, shipping_amount=Decimal(shipping))
    steps = ["paid", "reviewed", "shipped", "delivered", "completed"]
    if status in ("pending_payment",):
        return order
    if status in ("cancelled", "closed"):
        if status == "cancelled":
            return order_actions.cancel_order(order, reason="test", actor=None)
        return order_actions.close_unpaid_order(order)
    for step in steps[: steps.index(status) + 1]:
        _advance(order, step)
        order.refresh_from_db()
    return order


def _advance(order: Order, step: str) -> None:
    if step == "paid":
        # A paid order, as asked: not reviewed automatically on commit (transactional tests).
        with override_settings(ZHANGGUI={**settings.ZHANGGUI, "AUTO_REVIEW_ON_PAYMENT": False}):
            order_actions.record_payment(order, method="alipay", amount=order.total_amount,
                                         succeeded=True, actor=None)
    elif step == "reviewed":
        order_actions.review_order(order, actor=None)
    elif step == "shipped":
        fulfillment_actions.ship_order(order, carrier="sf", tracking_number=f"SF{next(_seq)}",
                                       actor=None)
    elif step == "delivered":
        fulfillment_actions.mark_delivered(order.shipments.get(), actor=None)
    elif step == "completed":
        order_actions.complete_order(order, actor=None)


# ---- pricing (added by the pricing app) ---------------------------------------------------

def make_promotion(kind: str, **fields):
    """A live promotion of ``kind`` saved through ``pricing.actions.save_promotion``."""
    from zhanggui.pricing import actions as pricing_actions

    return pricing_actions.create_promotion(fields.pop("name", f"活动{next(_seq)}"), kind=kind,
                                            actor=None, **fields)


def make_coupon(*, kind: str = "fixed", customer: Customer | None = None, **fields):
    """One issued coupon of a new template (``fields`` go to the template)."""
    from zhanggui.pricing import actions as pricing_actions

    if kind == "fixed":
        fields.setdefault("discount_amount", Decimal("10.00"))
    template = pricing_actions.create_coupon_template(fields.pop("name", f"券{next(_seq)}"), kind=kind,
                                                      actor=None, **fields)
    return pricing_actions.issue_coupons(template, customers=[customer] if customer else [],
                                         count=0 if customer else 1, actor=None)[0]


def make_received_return(order: Order, *, quantity: int = 1, reason_code: str = "size_fit",
                         disposition: str = "restock"):
    """A return of ``quantity`` units of the order's first line: requested, approved and
    received back (not yet refunded)."""
    from zhanggui.aftersales import actions as aftersales_actions

    line = order.lines.order_by("pk").first()
    request = aftersales_actions.request_aftersales(
        order, kind="return", reason_code=reason_code, lines={line.pk: quantity},
        requested_amount=line.unit_price_amount * quantity, actor=None)
    aftersales_actions.approve_request(request, actor=None)
    return aftersales_actions.receive_return(
        request, dispositions={request.lines.get().pk: disposition}, actor=None)


# ---- suppliers (issue 15) -------------------------------------------------------------------

def make_supplier(*, code: str | None = None, name: str | None = None, **fields):
    from zhanggui.suppliers.models import Supplier

    n = next(_seq)
    return Supplier.objects.create(code=code or f"SUP{n:04d}", name=name or f"供应商{n}",
                                   **fields)


def make_supplier_item(supplier, sku: Sku, *, unit_cost: str = "30.00",
                       lead_time_days: str = "7.0", **fields):
    from zhanggui.suppliers.models import SupplierItem

    return SupplierItem.objects.create(supplier=supplier, sku=sku, unit_cost=Decimal(unit_cost),
                                       lead_time_days=Decimal(lead_time_days), **fields)


def make_purchase_order(*, supplier=None, warehouse: Warehouse | None = None,
                        lines: list[tuple[Sku, int]] | None = None, sent: bool = False,
                        actor: Staff | None = None):
    """A draft PO (sent when ``sent``); the supplier gets an item for each SKU it lacks."""
    from zhanggui.suppliers import actions as supplier_actions
    from zhanggui.suppliers.models import SupplierItem

    supplier = supplier or make_supplier()
    lines = lines or [(make_sku(), 10)]
    for sku, _quantity in lines:
        if not SupplierItem.objects.filter(supplier=supplier, sku=sku).exists():
            make_supplier_item(supplier, sku)
    po = supplier_actions.create_purchase_order(supplier, warehouse=warehouse or make_warehouse(),
                                                lines=lines, actor=actor)
    if sent:
        po = supplier_actions.send_purchase_order(po, actor=actor)
    return po
