"""Schemas of the suppliers API (``api.py``). Names are prefixed (Supplier…, Purchase…):
they must be unique across the whole API.

Cost fields (names holding ``cost``) are ``null`` for callers without ``catalog.view_cost``.
"""

from datetime import date, datetime
from decimal import Decimal

from ninja import Field, Schema

from zhanggui.core.money import MAX_AMOUNT
from zhanggui.core.schemas import INT_MAX, Id, Moment
from zhanggui.suppliers.models import (
    MessageDirection,
    PaymentTerms,
    PurchaseOrderSource,
    PurchaseOrderStatus,
    RejectReason,
)

COST = "catalog.view_cost"
MAX_LINES = 500
Money = Decimal
LEAD_MAX = Decimal("9999.9")


def cost_or_none(context, value):
    return value if context["request"].user.has_perm(COST) else None


# ---- suppliers ----------------------------------------------------------------------------

class SupplierContactOut(Schema):
    id: int
    name: str
    title: str
    phone_number: str = Field(description="the contact's work phone")
    email: str
    wechat: str
    is_primary: bool

    @staticmethod
    def resolve_phone_number(obj) -> str:
        return obj.phone


class SupplierOut(Schema):
    id: int
    code: str
    name: str
    payment_terms: PaymentTerms
    is_active: bool
    note: str
    drop_ship_warehouse_id: int | None = Field(None, description="drop-ship suppliers only")
    created_at: datetime
    updated_at: datetime

    @staticmethod
    def resolve_drop_ship_warehouse_id(obj) -> int | None:
        return obj.warehouse_id


class SupplierDetailOut(SupplierOut):
    contacts: list[SupplierContactOut]

    @staticmethod
    def resolve_contacts(obj) -> list:
        return list(obj.contacts.all())


class SupplierFilter(Schema):
    is_active: bool | None = None
    q: str = Field("", max_length=40, description="part of the code or name")


class SupplierIn(Schema):
    code: str = Field(min_length=1, max_length=20)
    name: str = Field(min_length=1, max_length=80)
    payment_terms: PaymentTerms = PaymentTerms.NET_30
    is_active: bool = True
    note: str = Field("", max_length=2000)


class SupplierPatchIn(Schema):
    code: str | None = Field(None, min_length=1, max_length=20)
    name: str | None = Field(None, min_length=1, max_length=80)
    payment_terms: PaymentTerms | None = None
    is_active: bool | None = None
    note: str | None = Field(None, max_length=2000)


class SupplierContactIn(Schema):
    name: str = Field(min_length=1, max_length=40)
    title: str = Field("", max_length=40)
    phone_number: str = Field("", max_length=30)
    email: str = Field("", max_length=254)
    wechat: str = Field("", max_length=40)
    is_primary: bool = False


class SupplierItemOut(Schema):
    id: int
    sku_id: int
    sku_code: str
    supplier_code: str
    unit_cost: Decimal | None = Field(description="null without catalog.view_cost")
    moq: int
    pack_size: int
    lead_time_days: Decimal = Field(description="promised lead time")
    lead_time_std_days: Decimal = Field(description="observed spread (standard deviation)")
    is_preferred: bool

    @staticmethod
    def resolve_sku_code(obj) -> str:
        return obj.sku.code

    @staticmethod
    def resolve_unit_cost(obj, context) -> Decimal | None:
        return cost_or_none(context, obj.unit_cost)


class SupplierItemIn(Schema):
    unit_cost: Decimal = Field(ge=0, le=MAX_AMOUNT, decimal_places=2)
    moq: int = Field(1, ge=1, le=INT_MAX)
    pack_size: int = Field(1, ge=1, le=INT_MAX)
    lead_time_days: Decimal = Field(Decimal("7.0"), ge=0, le=LEAD_MAX, decimal_places=1)
    supplier_code: str = Field("", max_length=60)
    is_preferred: bool = True


class SupplierDeletedOut(Schema):
    id: int = Field(description="the id the deleted record had")


class SupplierMessageOut(Schema):
    id: int
    direction: MessageDirection
    sent_at: datetime
    body: str
    purchase_order_id: int | None
    staff_id: int | None


class SupplierMessageIn(Schema):
    direction: MessageDirection
    body: str = Field(min_length=1, max_length=5000)
    sent_at: Moment | None = Field(None, description="when it was sent; now if not given")
    purchase_order_id: Id | None = None


# ---- purchase orders ----------------------------------------------------------------------

class PurchaseOrderOut(Schema):
    id: int
    number: str
    supplier_id: int
    supplier_code: str
    supplier_name: str
    warehouse_id: int
    warehouse_code: str
    status: PurchaseOrderStatus
    source: PurchaseOrderSource
    expected_on: date | None
    sent_at: datetime | None
    received_at: datetime | None
    closed_at: datetime | None
    cancelled_at: datetime | None
    cancel_reason: str
    note: str
    created_at: datetime
    units_ordered: int
    units_received: int
    total_cost: Decimal | None = Field(description="Σ quantity × unit cost; null without "
                                                   "catalog.view_cost")

    @staticmethod
    def resolve_supplier_code(obj) -> str:
        return obj.supplier.code

    @staticmethod
    def resolve_supplier_name(obj) -> str:
        return obj.supplier.name

    @staticmethod
    def resolve_warehouse_code(obj) -> str:
        return obj.warehouse.code

    @staticmethod
    def resolve_units_ordered(obj) -> int:
        return sum(line.quantity for line in obj.lines.all())

    @staticmethod
    def resolve_units_received(obj) -> int:
        return sum(line.received_quantity for line in obj.lines.all())

    @staticmethod
    def resolve_total_cost(obj, context) -> Decimal | None:
        total = sum((line.unit_cost * line.quantity for line in obj.lines.all()), Decimal("0"))
        return cost_or_none(context, total)


class PurchaseOrderLineOut(Schema):
    id: int
    sku_id: int
    sku_code: str
    quantity: int
    received_quantity: int
    rejected_quantity: int
    open_quantity: int
    unit_cost: Decimal | None = Field(description="null without catalog.view_cost")

    @staticmethod
    def resolve_sku_code(obj) -> str:
        return obj.sku.code

    @staticmethod
    def resolve_unit_cost(obj, context) -> Decimal | None:
        return cost_or_none(context, obj.unit_cost)


class PurchaseReceiptLineOut(Schema):
    id: int
    line_id: int
    sku_code: str
    accepted: int
    rejected: int
    reject_reason: str
    short: int
    landed_unit_cost: Decimal | None = Field(description="null without catalog.view_cost")

    @staticmethod
    def resolve_sku_code(obj) -> str:
        return obj.line.sku.code

    @staticmethod
    def resolve_landed_unit_cost(obj, context) -> Decimal | None:
        return cost_or_none(context, obj.landed_unit_cost)


class PurchaseReceiptOut(Schema):
    id: int
    number: str
    received_at: datetime
    received_by_id: int | None
    allow_over_receipt: bool
    freight_cost: Decimal | None = Field(description="this delivery's freight and other "
                                                     "landed costs; null without "
                                                     "catalog.view_cost")
    note: str
    lines: list[PurchaseReceiptLineOut]

    @staticmethod
    def resolve_freight_cost(obj, context) -> Decimal | None:
        return cost_or_none(context, obj.freight_amount)

    @staticmethod
    def resolve_lines(obj) -> list:
        return list(obj.lines.all())


class PurchaseOrderDetailOut(PurchaseOrderOut):
    freight_cost: Decimal | None = Field(description="the receipts' landed costs so far; null "
                                                     "without catalog.view_cost")
    lines: list[PurchaseOrderLineOut]
    receipts: list[PurchaseReceiptOut]

    @staticmethod
    def resolve_freight_cost(obj, context) -> Decimal | None:
        return cost_or_none(context, obj.freight_amount)

    @staticmethod
    def resolve_lines(obj) -> list:
        return list(obj.lines.all())

    @staticmethod
    def resolve_receipts(obj) -> list:
        return list(obj.receipts.all())


class PurchaseOrderFilter(Schema):
    status: PurchaseOrderStatus | None = None
    supplier_id: Id | None = None
    warehouse_id: Id | None = None


class PurchaseOrderLineIn(Schema):
    sku_id: Id
    quantity: int = Field(ge=1, le=INT_MAX)
    unit_cost: Decimal | None = Field(None, ge=0, le=MAX_AMOUNT, decimal_places=2,
                                      description="the supplier item's cost if not given")


class PurchaseOrderIn(Schema):
    supplier_id: Id
    warehouse_id: Id
    lines: list[PurchaseOrderLineIn] = Field(min_length=1, max_length=MAX_LINES)
    note: str = Field("", max_length=2000)


class PurchaseOrderLinesIn(Schema):
    lines: list[PurchaseOrderLineIn] = Field(min_length=1, max_length=MAX_LINES)
    note: str | None = Field(None, max_length=2000)


class PurchaseReceiveLineIn(Schema):
    line_id: Id
    accepted: int = Field(0, ge=0, le=INT_MAX)
    rejected: int = Field(0, ge=0, le=INT_MAX)
    reject_reason: RejectReason | None = None
    short: int = Field(0, ge=0, le=INT_MAX)


class PurchaseReceiveIn(Schema):
    lines: list[PurchaseReceiveLineIn] = Field(min_length=1, max_length=MAX_LINES)
    allow_over_receipt: bool = Field(False, description="accept more than is open; needs "
                                                        "suppliers.accept_over_receipt")
    freight_amount: Decimal = Field(Decimal("0"), ge=0, le=MAX_AMOUNT, decimal_places=2)
    received_at: Moment | None = None
    note: str = Field("", max_length=200)


class PurchaseCancelIn(Schema):
    reason: str = Field(min_length=1, max_length=200)


class PurchaseCloseIn(Schema):
    note: str = Field("", max_length=200)


class PurchaseOrderPdfOut(Schema):
    filename: str
    content_type: str = "application/pdf"
    content_base64: str
