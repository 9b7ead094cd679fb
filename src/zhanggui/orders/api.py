"""Orders API: list/detail reads and the order actions. Thin: parse, authorise, call, render."""

from datetime import datetime
from decimal import Decimal

from ninja import Field, FilterSchema, Query, Router, Schema, Status
from ninja.pagination import paginate

from zhanggui.accounts.api_auth import require_perm
from zhanggui.core.schemas import ERRORS, BoundedPagination, Id, Moment
from zhanggui.customers import rules as customer_rules
from zhanggui.customers.queries import can_see_personal_data, get_customer
from zhanggui.orders import actions, queries
from zhanggui.orders.models import OrderStatus, PaymentFailureReason, PaymentMethod, PaymentStatus

router = Router()


class OrderLineOut(Schema):
    id: int
    sku_id: int
    sku_code: str
    product_title: str
    option_values: dict
    quantity: int
    unit_price_amount: Decimal
    discount_amount: Decimal
    item_discount_amount: Decimal
    allocations: dict
    total_amount: Decimal
    returned_quantity: int
    refunded_amount: Decimal
    warehouse_id: int | None


class PaymentOut(Schema):
    id: int
    method: PaymentMethod
    amount: Decimal
    status: PaymentStatus
    failure_reason: str
    transaction_id: str
    created_at: datetime


class OrderOut(Schema):
    id: int
    number: str
    customer_id: int
    channel: str
    status: OrderStatus
    currency: str
    goods_amount: Decimal
    discount_amount: Decimal
    shipping_amount: Decimal
    total_amount: Decimal
    points_redeemed: int = Field(description="loyalty points paid with (积分抵扣)")
    points_amount: Decimal = Field(description="their value, part of discount_amount")
    paid_amount: Decimal
    refunded_amount: Decimal
    recipient_name: str
    recipient_phone: str
    province_code: str
    city: str
    district: str
    address_detail: str
    buyer_note: str
    seller_note: str
    placed_at: datetime
    paid_at: datetime | None
    shipped_at: datetime | None
    is_held: bool = Field(description="held by automatic-review rules (see /orders/review/holds)")

    @staticmethod
    def resolve_recipient_name(obj, context):
        return _personal(context, obj.recipient_name, customer_rules.mask_name)

    @staticmethod
    def resolve_recipient_phone(obj, context):
        return _personal(context, obj.recipient_phone, customer_rules.mask_phone)

    @staticmethod
    def resolve_address_detail(obj, context):
        return _personal(context, obj.address_detail, customer_rules.mask_address)


class OrderDetailOut(OrderOut):
    lines: list[OrderLineOut]
    pricing_breakdown: dict = Field(description="the price engine's breakdown (see docs/pricing.md)")
    payments: list[PaymentOut] | None = Field(
        description="null unless you may view payments (orders.view_payment)")

    @staticmethod
    def resolve_payments(obj, context):
        if not context["request"].user.has_perm("orders.view_payment"):
            return None
        return list(obj.payments.all())


def _personal(context, value: str, mask) -> str:
    return value if can_see_personal_data(context["request"].user) else mask(value)


class OrderFilter(FilterSchema):
    status: OrderStatus | None = None
    customer_id: Id | None = None
    channel: str | None = None
    number: str | None = None
    recipient_phone: str | None = Field(None, max_length=30, description=(
        "exact recipient phone number, however formatted (spaces, dashes, +86)"))
    placed_from: Moment | None = None
    placed_to: Moment | None = None


class LineIn(Schema):
    sku_id: Id
    quantity: int = Field(gt=0, le=10000)


class RecipientIn(Schema):
    name: str = Field(min_length=1, max_length=60)
    phone: str = Field(min_length=5, max_length=20)
    province_code: str = Field(min_length=6, max_length=6)
    city: str = Field(min_length=1, max_length=40)
    district: str = ""
    address_detail: str = Field(min_length=1, max_length=200)


class PlaceOrderIn(Schema):
    customer_id: Id
    lines: list[LineIn] = Field(min_length=1)
    recipient: RecipientIn
    shipping_amount: Decimal | None = Field(
        default=None, ge=0, max_digits=14, decimal_places=2,
        description="overrides the shipping template's fee; omit to price it by the template")
    discount_amount: Decimal = Field(default=Decimal("0"), ge=0, max_digits=14, decimal_places=2,
                                     description="manual seller discount, after coupons")
    buyer_note: str = Field("", max_length=255)
    channel: str = Field("own", min_length=1, max_length=30)
    coupon_codes: list[str] = Field(default_factory=list, max_length=5)
    points: int = Field(0, ge=0, le=2**31 - 1, description=(
        "loyalty points to pay with (积分抵扣): the engine takes what the balance and the "
        "points policy allow"))


class PaymentIn(Schema):
    method: PaymentMethod
    amount: Decimal = Field(ge=0, max_digits=14, decimal_places=2)
    succeeded: bool
    failure_reason: PaymentFailureReason = PaymentFailureReason.NONE
    transaction_id: str = Field("", max_length=64)


class NoteIn(Schema):
    note: str = Field("", max_length=255)


class CancelIn(Schema):
    reason: str = Field(min_length=1, max_length=200)


@router.get("", response={200: list[OrderOut], **ERRORS})
@paginate(BoundedPagination, page_size=50)
def list_orders(request, filters: Query[OrderFilter]):
    require_perm(request, "orders.view_order")
    return queries.list_orders(**filters.model_dump())


@router.get("/{order_id}", response={200: OrderDetailOut, **ERRORS})
def get_order(request, order_id: int):
    require_perm(request, "orders.view_order")
    return queries.get_order(order_id)


@router.post("", response={201: OrderDetailOut, **ERRORS})
def place_order(request, payload: PlaceOrderIn):
    require_perm(request, "orders.place_order")
    order = actions.place_order(
        get_customer(payload.customer_id),
        lines=[actions.LineRequest(line.sku_id, line.quantity) for line in payload.lines],
        recipient=actions.Recipient(**payload.recipient.model_dump()), actor=request.user,
        shipping_amount=payload.shipping_amount, discount_amount=payload.discount_amount,
        buyer_note=payload.buyer_note, channel=payload.channel,
        coupon_codes=payload.coupon_codes, points=payload.points)
    return Status(201, queries.get_order(order.pk))


@router.post("/{order_id}/payments", response={201: PaymentOut, **ERRORS})
def record_payment(request, order_id: int, payload: PaymentIn):
    require_perm(request, "orders.record_payment")
    payment = actions.record_payment(queries.get_order(order_id), actor=request.user,
                                     **payload.model_dump())
    return Status(201, payment)


@router.post("/{order_id}/review", response={200: OrderOut, **ERRORS})
def review_order(request, order_id: int, payload: NoteIn):
    require_perm(request, "orders.review_order")
    return actions.review_order(queries.get_order(order_id), actor=request.user, note=payload.note)


@router.post("/{order_id}/cancel", response={200: OrderOut, **ERRORS})
def cancel_order(request, order_id: int, payload: CancelIn):
    require_perm(request, "orders.cancel_order")
    return actions.cancel_order(queries.get_order(order_id), reason=payload.reason,
                                actor=request.user)


@router.post("/{order_id}/complete", response={200: OrderOut, **ERRORS})
def complete_order(request, order_id: int):
    require_perm(request, "orders.complete_order")
    return actions.complete_order(queries.get_order(order_id), actor=request.user)
