"""The permission matrix: every API operation, the permission it needs, and what it shows.

Each row names the operation (method and path template exactly as in the OpenAPI schema),
a ``setup`` that builds what a valid call needs (path parameters, body, the object it
changes, and a check of the expected effect), the permission(s) the operation needs
(``None``: authentication alone is enough), and, for reads that show customers' personal
data or cost prices, the fields masked for roles without ``customers.view_personal_data`` or
``catalog.view_cost``. The roles allowed are derived from ``accounts/roles.py``: the owner
and every role granted all of the row's permissions. ``test_permissions.py`` calls every
row as anonymous and as every role (and as staff without any role) and fails when an
operation has no row.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db import models

from tests import factories
from tests.api.support import NOBODY
from tests.fulfillment import matrix_cases_carriers as carrier_cases
from tests.fulfillment import matrix_cases_parcels as parcel_cases
from tests.fulfillment import matrix_cases_waves as wave_cases
from tests.listing import matrix_cases as listing_cases
from tests.orders import review_matrix_cases as review_cases
from tests.pricing import matrix_cases as pricing_cases
from tests.tasks import matrix_cases as tasks_cases
from tests.traffic.support import raw_event
from zhanggui.accounts.actions import create_api_token
from zhanggui.accounts.models import OperationLog, Staff
from zhanggui.accounts.queries import get_staff_for_token
from zhanggui.accounts.roles import ROLE_PERMISSIONS, Role
from zhanggui.aftersales import actions as aftersales_actions
from zhanggui.aftersales.models import AftersalesRequest, Refund
from zhanggui.analytics import actions as warehouse_actions
from zhanggui.analytics.models import WarehouseRun
from zhanggui.catalog.models import AttributeDefinition, Product, Sku
from zhanggui.customers import actions as customer_actions
from zhanggui.customers.models import Customer
from zhanggui.customers.rules import PERSONAL_DATA_PERMISSION, mask_address, mask_email, mask_name, mask_phone
from zhanggui.inventory.models import Stock
from zhanggui.orders.models import Order
from zhanggui.orders.queries import get_order
from zhanggui.traffic import actions as traffic_actions
from zhanggui.traffic.models import Event

V1 = "/api/v1"


@dataclass
class Case:
    path: dict[str, Any] = field(default_factory=dict)
    body: dict[str, Any] | None = None
    query: dict[str, Any] | None = None  # the query string of a GET
    target: models.Model | None = None
    # Asserts the expected effect of an allowed call, given the response body and the caller;
    # it may also just return a bool (False fails the test).
    check: Callable[[Any, Staff], bool | None] = lambda data, staff: None


COST_PERMISSION = "catalog.view_cost"


@dataclass(frozen=True)
class Mask:
    """A field of a response (``items.*.phone``: ``*`` runs over a list) that a caller
    without ``permission`` sees as ``mask(full value)``."""

    path: str
    permission: str
    mask: Callable[[Any], Any]


def personal(path: str, mask: Callable[[str], str]) -> Mask:
    return Mask(path, PERSONAL_DATA_PERMISSION, mask)


def cost(path: str) -> Mask:
    return Mask(path, COST_PERMISSION, lambda value: None)


@dataclass(frozen=True)
class Row:
    method: str
    path: str
    setup: Callable[[], Case]
    permission: str | tuple[str, ...] | None
    status: int = 200
    masks: tuple[Mask, ...] = ()

    @property
    def id(self) -> str:
        return f"{self.method} {self.path.removeprefix(V1)}"

    @property
    def permissions(self) -> tuple[str, ...]:
        if self.permission is None:
            return ()
        return (self.permission,) if isinstance(self.permission, str) else self.permission

    @property
    def allowed(self) -> list[str]:
        """The roles that may call it (``NOBODY`` too when authentication is enough)."""
        return [role for role in [*ROLES, NOBODY] if holds(role, self.permissions)]

    @property
    def denied(self) -> list[str]:
        return [role for role in [*ROLES, NOBODY] if role not in self.allowed]


ROLES = [role.value for role in Role]


def holds(role: str, permissions: tuple[str, ...]) -> bool:
    """Whether ``role`` is granted every one of ``permissions`` in ``accounts/roles.py``
    (the owner is granted every permission; ``NOBODY`` none)."""
    if role == Role.OWNER:
        return True
    granted = set(ROLE_PERMISSIONS.get(role, ()))
    return set(permissions) <= granted


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


ACC, CAT, INV, CUS = f"{V1}/accounts", f"{V1}/catalog", f"{V1}/inventory", f"{V1}/customers"
ORD, FUL, AFT = f"{V1}/orders", f"{V1}/fulfillment", f"{V1}/aftersales"
LST = f"{V1}/listing"

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


ROWS: list[Row] = [
    Row("GET", f"{ACC}/me", me, None),
    Row("GET", f"{ACC}/tokens", list_tokens, "accounts.view_apitoken"),
    Row("POST", f"{ACC}/tokens", create_token, "accounts.add_apitoken", 201),
    Row("POST", f"{ACC}/tokens/{{token_id}}/revoke", revoke_token, "accounts.add_apitoken"),
    Row("GET", f"{ACC}/staff", list_staff, "accounts.view_staff"),
    Row("POST", f"{ACC}/staff/{{staff_id}}/deactivate", deactivate_staff, "accounts.change_staff"),
    Row("GET", f"{ACC}/operation-log", list_operations, "accounts.view_operationlog"),
    Row("GET", f"{CAT}/categories", list_categories, "catalog.view_category"),
    Row("GET", f"{CAT}/categories/{{category_id}}", get_category,
        ("catalog.view_category", "catalog.view_attributedefinition")),
    Row("GET", f"{CAT}/products", list_products, "catalog.view_product"),
    Row("GET", f"{CAT}/products/{{product_id}}", get_product,
        ("catalog.view_product", "catalog.view_sku"), masks=(cost("skus.*.cost_amount"),)),
    Row("POST", f"{CAT}/products", create_product, "catalog.add_product", 201),
    Row("PATCH", f"{CAT}/products/{{product_id}}", update_product, "catalog.change_product"),
    Row("POST", f"{CAT}/products/{{product_id}}/listing", set_listing, "catalog.change_product"),
    Row("POST", f"{CAT}/products/{{product_id}}/skus", create_sku, "catalog.add_sku", 201),
    Row("PATCH", f"{CAT}/skus/{{sku_id}}", update_sku, "catalog.change_sku"),
    Row("POST", f"{LST}/check", listing_cases.check_draft, "listing.run_audit"),
    Row("GET", f"{LST}/scores", listing_cases.list_scores,
        ("listing.view_productscore", "listing.view_finding")),
    Row("GET", f"{LST}/products/{{product_id}}", listing_cases.get_product_audit,
        ("listing.view_productscore", "listing.view_finding")),
    Row("POST", f"{LST}/products/{{product_id}}/audit", listing_cases.audit_product,
        ("listing.run_audit", "listing.view_productscore", "listing.view_finding")),
    Row("POST", f"{LST}/products/{{product_id}}/list", listing_cases.list_product,
        "catalog.change_product"),
    Row("POST", f"{LST}/audit-runs", listing_cases.start_audit_run, "listing.run_audit", 201),
    Row("GET", f"{INV}/warehouses", list_warehouses, "inventory.view_warehouse"),
    Row("GET", f"{INV}/stock", list_stock, "inventory.view_stock"),
    Row("POST", f"{INV}/stock/receive", receive_stock, "inventory.receive_stock", 201),
    Row("POST", f"{INV}/stock/adjust", adjust_stock, "inventory.adjust_stock", 201),
    Row("GET", f"{INV}/movements", list_movements, "inventory.view_stockmovement"),
    Row("GET", CUS, list_customers, "customers.view_customer", masks=(
        personal("items.*.name", mask_name), personal("items.*.phone", mask_phone),
        personal("items.*.email", mask_email))),
    Row("GET", f"{CUS}/{{customer_id}}", get_customer, "customers.view_customer", masks=(
        personal("name", mask_name), personal("phone", mask_phone),
        personal("email", mask_email), personal("addresses.*.recipient_name", mask_name),
        personal("addresses.*.phone", mask_phone), personal("addresses.*.detail", mask_address))),
    Row("POST", CUS, create_customer, "customers.add_customer", 201),
    Row("POST", f"{CUS}/{{customer_id}}/addresses", add_address, "customers.add_address", 201),
    Row("GET", ORD, list_orders, "orders.view_order", masks=(
        personal("items.*.recipient_name", mask_name),
        personal("items.*.recipient_phone", mask_phone),
        personal("items.*.address_detail", mask_address))),
    Row("GET", f"{ORD}/{{order_id}}", get_order_detail, "orders.view_order", masks=(
        personal("recipient_name", mask_name), personal("recipient_phone", mask_phone),
        personal("address_detail", mask_address))),
    Row("POST", ORD, place_order, "orders.place_order", 201),
    Row("GET", f"{V1}/pricing/promotions", pricing_cases.list_promotions, "pricing.view_promotion"),
    Row("POST", f"{V1}/pricing/promotions", pricing_cases.create_promotion,
        "pricing.add_promotion", 201),
    Row("GET", f"{V1}/pricing/promotions/{{promotion_id}}", pricing_cases.get_promotion,
        "pricing.view_promotion"),
    Row("PATCH", f"{V1}/pricing/promotions/{{promotion_id}}", pricing_cases.update_promotion,
        "pricing.change_promotion"),
    Row("GET", f"{V1}/pricing/coupon-templates", pricing_cases.list_coupon_templates,
        "pricing.view_coupontemplate"),
    Row("POST", f"{V1}/pricing/coupon-templates", pricing_cases.create_coupon_template,
        "pricing.add_coupontemplate", 201),
    Row("POST", f"{V1}/pricing/coupon-templates/{{template_id}}/issue", pricing_cases.issue_coupons,
        "pricing.add_coupon", 201),
    Row("GET", f"{V1}/pricing/shipping-templates", pricing_cases.list_shipping_templates,
        "pricing.view_shippingtemplate"),
    Row("POST", f"{V1}/pricing/shipping-templates", pricing_cases.create_shipping_template,
        "pricing.add_shippingtemplate", 201),
    Row("POST", f"{V1}/pricing/price-cart", pricing_cases.price_cart, "pricing.price_cart"),
    Row("POST", f"{ORD}/{{order_id}}/payments", record_payment, "orders.record_payment", 201),
    Row("POST", f"{ORD}/{{order_id}}/review", review_order, "orders.review_order"),
    Row("POST", f"{ORD}/{{order_id}}/cancel", cancel_order, "orders.cancel_order"),
    Row("POST", f"{ORD}/{{order_id}}/complete", complete_order, "orders.complete_order"),
    Row("GET", f"{ORD}/review/rules", review_cases.list_rules, "orders.view_reviewrule"),
    Row("PATCH", f"{ORD}/review/rules/{{rule_id}}", review_cases.update_rule,
        "orders.change_reviewrule"),
    Row("GET", f"{ORD}/review/holds", review_cases.list_holds, "orders.view_orderhold"),
    Row("POST", f"{ORD}/review/holds/{{hold_id}}/release", review_cases.release_hold,
        "orders.release_hold"),
    Row("POST", f"{ORD}/review/orders/{{order_id}}/recheck", review_cases.recheck_order,
        "orders.review_order"),
    Row("POST", f"{ORD}/review/orders/{{order_id}}/recipient", review_cases.update_recipient,
        "orders.change_order"),
    Row("POST", f"{ORD}/review/orders/{{order_id}}/seller-note", review_cases.update_seller_note,
        "orders.change_order"),
    Row("GET", f"{ORD}/review/blocked", review_cases.list_blocked, "orders.view_blockedbuyer",
        masks=(personal("items.*.phone", mask_phone),)),
    Row("POST", f"{ORD}/review/blocked", review_cases.block_buyer, "orders.add_blockedbuyer", 201),
    Row("PATCH", f"{ORD}/review/blocked/{{entry_id}}", review_cases.update_blocked,
        "orders.change_blockedbuyer"),
    Row("DELETE", f"{ORD}/review/blocked/{{entry_id}}", review_cases.unblock_buyer,
        "orders.delete_blockedbuyer"),
    Row("POST", f"{ORD}/payment-callbacks", review_cases.receive_callback, "orders.record_payment"),
    Row("GET", f"{ORD}/payment-callbacks", review_cases.list_callbacks,
        "orders.view_paymentcallback"),
    Row("GET", f"{FUL}/shipments", list_shipments, "fulfillment.view_shipment"),
    Row("POST", f"{FUL}/orders/{{order_id}}/ship", ship_order, "fulfillment.ship_order", 201),
    Row("POST", f"{FUL}/shipments/{{shipment_id}}/deliver", mark_delivered,
        "fulfillment.mark_delivered"),
    Row("POST", f"{FUL}/parcels/allocate", parcel_cases.allocate, "fulfillment.plan_shipments"),
    Row("GET", f"{FUL}/parcels/merge-candidates", parcel_cases.merge_candidates,
        "fulfillment.view_shipment"),
    Row("POST", f"{FUL}/parcels/merge", parcel_cases.merge, "fulfillment.plan_shipments"),
    Row("GET", f"{FUL}/parcels/{{shipment_id}}", parcel_cases.get_parcel,
        "fulfillment.view_shipment"),
    Row("POST", f"{FUL}/parcels/{{shipment_id}}/split", parcel_cases.split,
        "fulfillment.plan_shipments", 201),
    Row("POST", f"{FUL}/parcels/{{shipment_id}}/ship", parcel_cases.ship,
        "fulfillment.ship_order"),
    Row("GET", f"{FUL}/carrier-services", carrier_cases.list_carrier_services,
        ("fulfillment.view_carrierservice", "fulfillment.view_ratecardrow")),
    Row("POST", f"{FUL}/carrier-services", carrier_cases.create_carrier_service,
        "fulfillment.manage_carriers", 201),
    Row("PATCH", f"{FUL}/carrier-services/{{service_id}}", carrier_cases.update_carrier_service,
        "fulfillment.manage_carriers"),
    Row("PUT", f"{FUL}/carrier-services/{{service_id}}/rates", carrier_cases.set_rate_card,
        "fulfillment.manage_carriers"),
    Row("POST", f"{FUL}/carrier-services/{{service_id}}/waybill-range",
        carrier_cases.load_waybill_range, "fulfillment.manage_carriers"),
    Row("GET", f"{FUL}/carrier-services/quote", carrier_cases.quote,
        ("fulfillment.view_carrierservice", "fulfillment.view_ratecardrow")),
    Row("POST", f"{FUL}/tracking-events", carrier_cases.record_tracking_events,
        "fulfillment.record_tracking"),
    Row("GET", f"{FUL}/shipments/{{shipment_id}}/tracking-events",
        carrier_cases.list_tracking_events,
        ("fulfillment.view_shipment", "fulfillment.view_trackingevent")),
    Row("POST", f"{FUL}/shipments/{{shipment_id}}/tracking-events",
        carrier_cases.record_console_event, "fulfillment.record_tracking", 201),
    Row("POST", f"{FUL}/waves", wave_cases.build_waves, "fulfillment.build_waves", 201),
    Row("GET", f"{FUL}/waves", wave_cases.list_waves, "fulfillment.view_wave"),
    Row("GET", f"{FUL}/waves/{{wave_id}}", wave_cases.get_wave, "fulfillment.view_wave"),
    Row("GET", f"{FUL}/waves/{{wave_id}}/pick-list", wave_cases.pick_list,
        "fulfillment.view_wave"),
    Row("GET", f"{FUL}/waves/{{wave_id}}/pick-list/pdf", wave_cases.pick_list_pdf,
        "fulfillment.view_wave"),
    Row("POST", f"{FUL}/waves/{{wave_id}}/picked", wave_cases.confirm_picked,
        "fulfillment.build_waves"),
    Row("POST", f"{FUL}/waves/{{wave_id}}/remove", wave_cases.remove_from_wave,
        "fulfillment.build_waves"),
    Row("POST", f"{FUL}/waves/{{wave_id}}/cancel", wave_cases.cancel_wave,
        "fulfillment.build_waves"),
    Row("GET", f"{FUL}/shipments/{{shipment_id}}/packing", wave_cases.get_packing,
        "fulfillment.view_shipment"),
    Row("POST", f"{FUL}/shipments/{{shipment_id}}/scan", wave_cases.scan,
        "fulfillment.pack_shipment"),
    Row("POST", f"{FUL}/shipments/{{shipment_id}}/finish-packing", wave_cases.finish_packing,
        "fulfillment.pack_shipment"),
    Row("POST", f"{FUL}/shipments/{{shipment_id}}/unpack", wave_cases.unpack,
        "fulfillment.pack_shipment"),
    Row("POST", f"{FUL}/shipments/tracking-numbers", wave_cases.assign_tracking_numbers,
        "fulfillment.pack_shipment"),
    Row("POST", f"{FUL}/shipments/{{shipment_id}}/tracking-number",
        wave_cases.set_tracking_number, "fulfillment.pack_shipment"),
    Row("POST", f"{FUL}/shipments/labels", wave_cases.labels,
        ("fulfillment.pack_shipment", "fulfillment.print_labels")),
    Row("POST", f"{FUL}/shipments/packing-slips", wave_cases.packing_slips,
        "fulfillment.pack_shipment"),
    Row("GET", f"{AFT}/requests", list_requests, "aftersales.view_aftersalesrequest"),
    Row("GET", f"{AFT}/requests/{{request_id}}", get_request,
        ("aftersales.view_aftersalesrequest", "aftersales.view_aftersalesline")),
    Row("POST", f"{AFT}/requests", create_request, "aftersales.add_aftersalesrequest", 201),
    Row("POST", f"{AFT}/requests/{{request_id}}/approve", approve_request,
        "aftersales.decide_request"),
    Row("POST", f"{AFT}/requests/{{request_id}}/reject", reject_request,
        "aftersales.decide_request"),
    Row("POST", f"{AFT}/requests/{{request_id}}/receive", receive_return,
        "aftersales.receive_return"),
    Row("GET", f"{AFT}/refunds", list_refunds, "aftersales.view_refund"),
    Row("POST", f"{AFT}/refunds", issue_refund, "aftersales.issue_refund", 201),
    Row("POST", f"{V1}/traffic/events", ingest_events, "traffic.add_event"),
    Row("GET", f"{V1}/traffic/events", list_events, "traffic.view_event"),
    Row("GET", f"{V1}/analytics/metrics", analytics_metrics, "analytics.view_reports"),
    Row("GET", f"{V1}/analytics/reports/{{name}}", analytics_report, "analytics.view_reports"),
    Row("POST", f"{V1}/analytics/refresh", analytics_refresh, "analytics.refresh_warehouse"),
    Row("GET", f"{V1}/tasks", tasks_cases.list_tasks, "tasks.view_task"),
    Row("GET", f"{V1}/tasks/{{task_id}}", tasks_cases.get_task, "tasks.view_task"),
    Row("POST", f"{V1}/tasks/{{task_id}}/assign", tasks_cases.assign_task,
        ("tasks.view_task", "tasks.change_task")),
    Row("POST", f"{V1}/tasks/{{task_id}}/comment", tasks_cases.comment_task,
        ("tasks.view_task", "tasks.change_task")),
    Row("POST", f"{V1}/tasks/{{task_id}}/resolve", tasks_cases.resolve_task,
        ("tasks.view_task", "tasks.change_task")),
    Row("GET", f"{V1}/tasks/routes", tasks_cases.list_routes, "tasks.change_taskroute"),
    Row("PUT", f"{V1}/tasks/routes/{{kind}}", tasks_cases.save_route, "tasks.change_taskroute"),
]
