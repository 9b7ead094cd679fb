"""Setups of the permission matrix's rows for the core apps (accounts, catalog, inventory,
customers, orders, fulfillment, after-sales, traffic, analytics); each returns a ``Case``:
the path parameters, body and object of a valid call and a check of its effect. The other
areas keep theirs beside their tests (``tests/<app>/matrix_cases*.py``)."""

from decimal import Decimal
from typing import Any

from django.db import models

from tests import factories
from tests.api.case import Case
from tests.traffic.support import raw_event
from zhanggui.accounts.actions import create_api_token
from zhanggui.accounts.models import OperationLog
from zhanggui.accounts.queries import get_staff_for_token
from zhanggui.aftersales import actions as aftersales_actions
from zhanggui.aftersales.models import AftersalesRequest, Refund
from zhanggui.analytics import actions as warehouse_actions
from zhanggui.analytics.models import WarehouseRun
from zhanggui.catalog.models import AttributeDefinition, Product, Sku
from zhanggui.customers import actions as customer_actions
from zhanggui.customers.models import Customer
from zhanggui.customers.rules import PERSONAL_DATA_PERMISSION
from zhanggui.inventory.models import Stock
from zhanggui.orders.models import Order
from zhanggui.orders.queries import get_order
from zhanggui.traffic import actions as traffic_actions
from zhanggui.traffic.models import Event

V1 = "/api/v1"


def _fresh(obj: models.Model) -> models.Model:
    return type(obj)._default_manager.get(pk=obj.pk)


def _listed(data: dict, at_least: int = 1) -> None:
    assert data["count"] >= at_least and len(data["items"]) >= at_least, data


def _stocked_sku() -> tuple[Sku, Any]:
    sku = factories.make_listed_sku()
    warehouse = factories.make_warehouse()
    factories.stock_up(sku, warehouse, 10)
    return sku, warehouse


def _order(status: str) -> Order:
    return factories.make_order(status=status)


def _return_request(*, approved: bool = False) -> AftersalesRequest:
    order = _order("delivered")
    request = aftersales_actions.request_aftersales(
        order, kind="return", reason_code="quality", lines={order.lines.get().pk: 1}, actor=None)
    if approved:
        request = aftersales_actions.approve_request(request, actor=None)
    return request


# ---- accounts -------------------------------------------------------------------------

def me() -> Case:
    def check(data, staff):
        assert data["username"] == staff.username
        assert data["roles"] == sorted(staff.groups.values_list("name", flat=True))
        assert set(data["permissions"]) == staff.get_all_permissions()
    return Case(check=check)


def list_tokens() -> Case:
    def check(data, staff):
        _listed(data)
        own = set(staff.api_tokens.values_list("id", flat=True))
        assert {t["id"] for t in data["items"]} <= own
        assert all("secret" not in t for t in data["items"])
    return Case(check=check)


def create_token() -> Case:
    def check(data, staff):
        assert get_staff_for_token(data["secret"]) == staff
    return Case(body={"name": "erp"}, check=check)


def revoke_token() -> Case:
    token, _secret = create_api_token(factories.make_staff("service"), name="erp", actor=None)
    return Case(path={"token_id": token.pk}, target=token,
                check=lambda data, staff: _fresh(token).revoked_at is not None)


def list_staff() -> Case:
    return Case(check=lambda data, staff: _listed(data))


def deactivate_staff() -> Case:
    leaver = factories.make_staff("service")

    def check(data, staff):
        assert data["is_active"] is False and not _fresh(leaver).is_active
    return Case(path={"staff_id": leaver.pk}, target=leaver, check=check)


def list_operations() -> Case:
    factories.make_category()
    return Case(check=lambda data, staff: _listed(data))


# ---- catalog --------------------------------------------------------------------------

def list_categories() -> Case:
    factories.make_category()
    return Case(check=lambda data, staff: _listed(data))


def get_category() -> Case:
    category = factories.make_category()
    AttributeDefinition.objects.create(category=category, code="material", name="材质")

    def check(data, staff):
        assert [d["code"] for d in data["attribute_definitions"]] == ["material"]
    return Case(path={"category_id": category.pk}, check=check)


def list_products() -> Case:
    factories.make_product()
    return Case(check=lambda data, staff: _listed(data))


def get_product() -> Case:
    product = factories.make_product()

    def check(data, staff):
        assert data["code"] == product.code and len(data["skus"]) == 1
    return Case(path={"product_id": product.pk}, check=check)


def create_product() -> Case:
    category = factories.make_category()
    body = {"code": "SPU-NEW", "title": "新品", "category_id": category.pk,
            "option_names": ["颜色"]}

    def check(data, staff):
        assert data["status"] == "draft" and Product.objects.filter(code="SPU-NEW").exists()
    return Case(body=body, check=check)


def update_product() -> Case:
    product = factories.make_product()
    return Case(path={"product_id": product.pk}, body={"title": "新标题"}, target=product,
                check=lambda data, staff: _fresh(product).title == "新标题")


def set_listing() -> Case:
    product = factories.make_product(listed=True)

    def check(data, staff):
        assert _fresh(product).status == "delisted"
    return Case(path={"product_id": product.pk}, target=product,
                body={"status": "delisted", "reason": "slow_seller"}, check=check)


def create_sku() -> Case:
    product = factories.make_product(listed=False)
    body = {"code": "SKU-NEW", "option_values": {"颜色": "红"}, "price_amount": "59.00"}

    def check(data, staff):
        assert Sku.objects.get(code="SKU-NEW").price_amount == Decimal("59.00")
    return Case(path={"product_id": product.pk}, body=body, target=product, check=check)


def update_sku() -> Case:
    sku = factories.make_sku()
    return Case(path={"sku_id": sku.pk}, body={"price_amount": "79.00"}, target=sku,
                check=lambda data, staff: _fresh(sku).price_amount == Decimal("79.00"))


# ---- inventory ------------------------------------------------------------------------

def list_warehouses() -> Case:
    factories.make_warehouse()
    return Case(check=lambda data, staff: _listed(data))


def list_stock() -> Case:
    _stocked_sku()
    return Case(check=lambda data, staff: _listed(data))


def receive_stock() -> Case:
    sku, warehouse = _stocked_sku()
    stock = Stock.objects.get(sku=sku, warehouse=warehouse)
    body = {"sku_id": sku.pk, "warehouse_id": warehouse.pk, "quantity": 5, "reason": "到货"}
    return Case(body=body, target=stock, check=lambda data, staff: _fresh(stock).on_hand == 15)


def adjust_stock() -> Case:
    sku, warehouse = _stocked_sku()
    stock = Stock.objects.get(sku=sku, warehouse=warehouse)
    body = {"sku_id": sku.pk, "warehouse_id": warehouse.pk, "delta": -2, "reason": "破损"}
    return Case(body=body, target=stock, check=lambda data, staff: _fresh(stock).on_hand == 8)


def list_movements() -> Case:
    _stocked_sku()
    return Case(check=lambda data, staff: _listed(data))


# ---- customers ------------------------------------------------------------------------

def _customer_with_email() -> Customer:
    customer = customer_actions.create_customer(
        "C-MASK", name="张三丰", phone="13812345678", email="zhang.san@example.com",
        province_code="330000", city="杭州", actor=None)
    customer_actions.add_address(customer, recipient_name="李四光", phone="13912345678",
                                 province_code="330000", city="杭州",
                                 detail="西湖区文三路 100 号", actor=None)
    return customer


def list_customers() -> Case:
    _customer_with_email()

    def check(data, staff):
        _listed(data)
        assert data["items"][0]["is_masked"] == (not staff.has_perm(PERSONAL_DATA_PERMISSION))
    return Case(check=check)


def get_customer() -> Case:
    customer = _customer_with_email()

    def check(data, staff):
        assert data["code"] == customer.code
        assert data["is_masked"] == (not staff.has_perm(PERSONAL_DATA_PERMISSION))
        if staff.has_perm("customers.view_address"):
            assert len(data["addresses"]) == 1
        else:
            assert data["addresses"] is None
    return Case(path={"customer_id": customer.pk}, check=check)


def create_customer() -> Case:
    body = {"code": "C-NEW", "nickname": "新买家", "phone": "13912345678",
            "province_code": "330000"}
    return Case(body=body, check=lambda data, staff: Customer.objects.filter(code="C-NEW").exists())


def add_address() -> Case:
    customer = factories.make_customer()
    body = {"recipient_name": "李四", "phone": "13912345678", "province_code": "310000",
            "city": "上海", "detail": "浦东新区世纪大道 1 号"}
    return Case(path={"customer_id": customer.pk}, body=body, target=customer,
                check=lambda data, staff: customer.addresses.count() == 2)


# ---- orders ---------------------------------------------------------------------------

def list_orders() -> Case:
    _order("pending_payment")
    return Case(check=lambda data, staff: _listed(data))


def get_order_detail() -> Case:
    order = _order("paid")
    return Case(path={"order_id": order.pk},
                check=lambda data, staff: data["number"] == order.number)


def place_order() -> Case:
    sku, _warehouse = _stocked_sku()
    customer = factories.make_customer()
    body = {"customer_id": customer.pk, "lines": [{"sku_id": sku.pk, "quantity": 2}],
            "recipient": {"name": "张三", "phone": "13800000000", "province_code": "330000",
                          "city": "杭州", "address_detail": "文三路 1 号"}}

    def check(data, staff):
        assert data["status"] == "pending_payment" and data["total_amount"] == "198.00"
    return Case(body=body, check=check)


def record_payment() -> Case:
    order = _order("pending_payment")
    body = {"method": "alipay", "amount": str(order.total_amount), "succeeded": True}
    return Case(path={"order_id": order.pk}, body=body, target=order,
                check=lambda data, staff: _fresh(order).status == "paid")


def review_order() -> Case:
    order = _order("paid")
    return Case(path={"order_id": order.pk}, body={"note": "ok"}, target=order,
                check=lambda data, staff: _fresh(order).status == "reviewed")


def cancel_order() -> Case:
    order = _order("pending_payment")
    return Case(path={"order_id": order.pk}, body={"reason": "买家不要了"}, target=order,
                check=lambda data, staff: _fresh(order).status == "cancelled")


def complete_order() -> Case:
    order = _order("delivered")
    return Case(path={"order_id": order.pk}, target=order,
                check=lambda data, staff: _fresh(order).status == "completed")


# ---- fulfillment ----------------------------------------------------------------------

def list_shipments() -> Case:
    _order("shipped")
    return Case(check=lambda data, staff: _listed(data))


def ship_order() -> Case:
    order = _order("reviewed")
    return Case(path={"order_id": order.pk}, body={"carrier": "sf", "tracking_number": "SF1"},
                target=order, check=lambda data, staff: _fresh(order).status == "shipped")


def mark_delivered() -> Case:
    shipment = _order("shipped").shipments.get()
    return Case(path={"shipment_id": shipment.pk}, target=shipment,
                check=lambda data, staff: _fresh(shipment).status == "delivered")


# ---- aftersales -----------------------------------------------------------------------

def list_requests() -> Case:
    _return_request()
    return Case(check=lambda data, staff: _listed(data))


def get_request() -> Case:
    request = _return_request()
    return Case(path={"request_id": request.pk},
                check=lambda data, staff: len(data["lines"]) == 1)


def create_request() -> Case:
    order = _order("delivered")
    body = {"order_id": order.pk, "kind": "return", "reason_code": "size_fit",
            "lines": [{"order_line_id": order.lines.get().pk, "quantity": 1}]}
    return Case(body=body, target=order,
                check=lambda data, staff: AftersalesRequest.objects.filter(order=order).exists())


def approve_request() -> Case:
    request = _return_request()
    return Case(path={"request_id": request.pk}, body={}, target=request,
                check=lambda data, staff: _fresh(request).status == "approved")


def reject_request() -> Case:
    request = _return_request()
    return Case(path={"request_id": request.pk}, body={"note": "已超过七天"}, target=request,
                check=lambda data, staff: _fresh(request).status == "rejected")


def receive_return() -> Case:
    request = _return_request(approved=True)
    body = {"dispositions": [{"line_id": request.lines.get().pk, "disposition": "restock"}]}
    return Case(path={"request_id": request.pk}, body=body, target=request,
                check=lambda data, staff: _fresh(request).status == "received")


def list_refunds() -> Case:
    order = _order("paid")
    aftersales_actions.issue_refund(order, amount=Decimal("1.00"), reason="补差价", actor=None)
    return Case(check=lambda data, staff: _listed(data))


def issue_refund() -> Case:
    order = _order("delivered")
    body = {"order_id": order.pk, "amount": "10.00", "reason": "补偿运费"}

    def check(data, staff):
        assert get_order(order.pk).refunded_amount == Decimal("10.00")
        assert Refund.objects.get(order=order).actor == staff
        assert OperationLog.objects.filter(action="aftersales.issue_refund", actor=staff).exists()
    return Case(body=body, target=order, check=check)


# ---- traffic --------------------------------------------------------------------------

def ingest_events() -> Case:
    body = {"events": [raw_event(), raw_event(kind="search", search_term="无", result_count=0)]}

    def check(data, staff):
        assert data == {"received": 2, "accepted": 2, "duplicates": 0}
        assert Event.objects.count() == 2
        assert OperationLog.objects.get(action="traffic.ingest_events").actor == staff
    return Case(body=body, check=check)


def list_events() -> Case:
    traffic_actions.ingest_events([raw_event()], actor=None)
    return Case(check=lambda data, staff: _listed(data))



# ---- analytics ------------------------------------------------------------------------
def analytics_metrics() -> Case:
    return Case(check=lambda data, staff: any(m["code"] == "gmv" for m in data))


def analytics_report() -> Case:
    factories.make_order(status="paid")
    warehouse_actions.refresh_warehouse(actor=None)
    return Case(path={"name": "overview"},
                check=lambda data, staff: data["report"] == "overview" and bool(data["kpis"]))


def analytics_refresh() -> Case:
    factories.make_order(status="paid")
    return Case(check=lambda data, staff: WarehouseRun.objects.filter(actor=staff).exists()
                and data["rows"]["orders"] >= 1)
