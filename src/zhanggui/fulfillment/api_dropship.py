"""Fulfillment API: drop-ship supplier orders (一件代发). A supplier's account sees and ships
its own suppliers' orders only (another supplier's order is not found); the shop's staff with
``fulfillment.view_supplierorder`` see all, the cost only with ``catalog.view_cost``.

The recipient in full (to write the label) and the CSV export are POSTs: each is logged,
since it shows a buyer's name, phone and address. Thin: ``require_perm`` first, then one
action or query."""

from datetime import datetime
from decimal import Decimal

from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate

from zhanggui.accounts.api_auth import require_perm
from zhanggui.core.schemas import ERRORS, BoundedPagination, Id
from zhanggui.fulfillment import dropship, dropship_queries
from zhanggui.fulfillment.models import Carrier, SupplierOrderStatus

router = Router()
COST_PERMISSION = "catalog.view_cost"


class SupplierOrderItemOut(Schema):
    sku_code: str
    product_title: str
    options: str
    quantity: int


class SupplierOrderOut(Schema):
    id: int
    number: str
    supplier_id: int
    supplier_name: str
    status: SupplierOrderStatus
    order_number: str
    paid_at: datetime | None
    parcel_id: int
    carrier: str
    tracking_number: str
    cost_amount: Decimal | None = Field(None, description="only with catalog.view_cost")
    created_at: datetime
    accepted_at: datetime | None
    shipped_at: datetime | None

    @staticmethod
    def resolve_supplier_name(obj) -> str:
        return obj.supplier.name

    @staticmethod
    def resolve_order_number(obj) -> str:
        return obj.shipment.order.number

    @staticmethod
    def resolve_paid_at(obj) -> datetime | None:
        return obj.shipment.order.paid_at

    @staticmethod
    def resolve_parcel_id(obj) -> int:
        return obj.shipment_id

    @staticmethod
    def resolve_carrier(obj) -> str:
        return obj.shipment.carrier

    @staticmethod
    def resolve_tracking_number(obj) -> str:
        return obj.shipment.tracking_number

    @staticmethod
    def resolve_cost_amount(obj, context) -> Decimal | None:
        return obj.cost_amount if context["request"].user.has_perm(COST_PERMISSION) else None


class SupplierOrderDetailOut(SupplierOrderOut):
    province: str
    city: str
    items: list[SupplierOrderItemOut]

    @staticmethod
    def resolve_items(obj) -> list:
        return dropship_queries.items_of([obj])[obj.pk]

    @staticmethod
    def resolve_province(obj) -> str:
        return dropship_queries.recipient_of(obj).province

    @staticmethod
    def resolve_city(obj) -> str:
        return obj.shipment.order.city


class SupplierOrderRecipientOut(Schema):
    number: str
    recipient_name: str
    recipient_phone: str
    province: str
    city: str
    district: str
    address_detail: str


class SupplierOrderFilter(Schema):
    status: SupplierOrderStatus | None = None
    supplier_id: Id | None = None


class SupplierOrderShipIn(Schema):
    carrier: Carrier
    tracking_number: str = Field(min_length=1, max_length=40, pattern=r"^\s*[A-Za-z0-9-]+\s*$")


class SupplierOrderExportIn(Schema):
    status: list[SupplierOrderStatus] = Field(
        default_factory=lambda: [SupplierOrderStatus.NEW, SupplierOrderStatus.ACCEPTED],
        description="which orders; by default those still to ship (new and accepted)")


class SupplierOrderExportOut(Schema):
    filename: str
    orders: int
    content_type: str = "text/csv"
    content: str = Field(description="the CSV text (UTF-8, with a byte-order mark)")


@router.get("/supplier-orders", response={200: list[SupplierOrderOut], **ERRORS})
@paginate(BoundedPagination, page_size=50)
def list_supplier_orders(request, filters: Query[SupplierOrderFilter]):
    """Supplier orders, newest first (a supplier's account: its own only)."""
    require_perm(request, "fulfillment.view_supplierorder")
    return dropship_queries.list_supplier_orders(request.user, **filters.model_dump())


@router.post("/supplier-orders/export", response={200: SupplierOrderExportOut, **ERRORS})
def export_supplier_orders(request, payload: SupplierOrderExportIn):
    """The orders to ship as CSV with the recipients in full (logged; the orders are marked
    exported)."""
    require_perm(request, "fulfillment.ship_supplierorder")
    orders = list(dropship_queries.supplier_orders_for(request.user)
                  .filter(status__in=payload.status)[:5000])
    content = dropship_queries.export_csv(orders)
    dropship.mark_supplier_orders_exported(orders, actor=request.user)
    return {"filename": "supplier-orders.csv", "orders": len(orders), "content": content}


@router.get("/supplier-orders/{order_id}", response={200: SupplierOrderDetailOut, **ERRORS})
def get_supplier_order(request, order_id: Id):
    """An order with what to put in the parcel; the recipient in full is a separate call."""
    require_perm(request, "fulfillment.view_supplierorder")
    return dropship_queries.get_supplier_order_for(request.user, order_id)


@router.post("/supplier-orders/{order_id}/recipient",
             response={200: SupplierOrderRecipientOut, **ERRORS})
def reveal_recipient(request, order_id: Id):
    """The recipient's name, phone and address in full, to ship the parcel (logged)."""
    require_perm(request, "fulfillment.ship_supplierorder")
    order = dropship_queries.get_supplier_order_for(request.user, order_id)
    dropship.log_recipient_view(order, actor=request.user)
    recipient = dropship_queries.recipient_of(order)
    return {"number": order.number, "recipient_name": recipient.name,
            "recipient_phone": recipient.phone, "province": recipient.province,
            "city": recipient.city, "district": recipient.district,
            "address_detail": recipient.address_detail}


@router.post("/supplier-orders/{order_id}/accept", response={200: SupplierOrderOut, **ERRORS})
def accept_supplier_order(request, order_id: Id):
    """The supplier saw the order and will ship it."""
    require_perm(request, "fulfillment.ship_supplierorder")
    order = dropship_queries.get_supplier_order_for(request.user, order_id)
    dropship.accept_supplier_orders([order], actor=request.user)
    return dropship_queries.get_supplier_order_for(request.user, order_id)


@router.post("/supplier-orders/{order_id}/ship", response={200: SupplierOrderOut, **ERRORS})
def ship_supplier_order(request, order_id: Id, payload: SupplierOrderShipIn):
    """The supplier shipped the order: carrier and tracking number; the parcel ships."""
    require_perm(request, "fulfillment.ship_supplierorder")
    order = dropship_queries.get_supplier_order_for(request.user, order_id)
    dropship.ship_supplier_order(order, carrier=payload.carrier,
                                 tracking_number=payload.tracking_number, actor=request.user)
    return dropship_queries.get_supplier_order_for(request.user, order_id)
