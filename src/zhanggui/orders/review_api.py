"""API of automatic review (mounted at /api/v1/orders/review) and of payment-provider
callbacks (/api/v1/orders/payment-callbacks). Thin: parse, authorise, call, render."""

from datetime import datetime
from decimal import Decimal

from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate

from zhanggui.accounts.api_auth import require_perm
from zhanggui.core.schemas import ERRORS, BoundedPagination, Id
from zhanggui.customers import rules as customer_rules
from zhanggui.customers.queries import can_see_personal_data, get_customer
from zhanggui.orders import actions, callbacks, queries, review, review_config, review_queries
from zhanggui.orders.api import OrderOut, RecipientIn
from zhanggui.orders.models import (
    PaymentCallbackStatus,
    PaymentFailureReason,
    PaymentMethod,
)
from zhanggui.orders.review_kinds import RuleKind

router = Router()
callbacks_router = Router()


class RuleOut(Schema):
    id: int
    kind: RuleKind
    name: str
    position: int
    is_active: bool
    params: dict


class RuleIn(Schema):
    name: str | None = Field(None, min_length=1, max_length=80)
    is_active: bool | None = None
    position: int | None = Field(None, ge=0, le=1_000_000)
    params: dict | None = Field(None, description="the kind's parameters (see docs/review.md); "
                                                  "those not given keep their value")


class HoldOut(Schema):
    id: int
    order_id: int
    order_number: str = Field(alias="order.number")
    rule_id: int | None
    kind: RuleKind
    reason: str
    created_at: datetime
    released_at: datetime | None
    released_by_id: int | None
    release_note: str


class HoldFilter(Schema):
    order_id: Id | None = None
    open_only: bool = False
    kind: RuleKind | None = None


class ReviewNoteIn(Schema):
    note: str = Field("", max_length=255)


class ReviewSummaryOut(Schema):
    reviewed: int
    held: int
    order: OrderOut
    holds: list[HoldOut]


class SellerNoteIn(Schema):
    seller_note: str = Field("", max_length=255)


class BlockedIn(Schema):
    customer_id: Id | None = None
    phone: str = Field("", max_length=20)
    reason: str = Field(min_length=1, max_length=200)


class BlockedUpdateIn(Schema):
    reason: str = Field(min_length=1, max_length=200)


class BlockedOut(Schema):
    id: int
    customer_id: int | None
    phone: str
    reason: str
    created_at: datetime
    created_by_id: int | None

    @staticmethod
    def resolve_phone(obj, context):
        if can_see_personal_data(context["request"].user):
            return obj.phone
        return customer_rules.mask_phone(obj.phone)


class CallbackIn(Schema):
    order_number: str = Field(min_length=1, max_length=40)
    transaction_id: str = Field(min_length=1, max_length=64)
    amount: Decimal = Field(ge=0, max_digits=14, decimal_places=2)
    method: PaymentMethod
    succeeded: bool
    failure_reason: PaymentFailureReason = PaymentFailureReason.NONE


class CallbackOut(Schema):
    id: int
    transaction_id: str
    order_number: str
    order_id: int | None
    amount: Decimal
    method: str
    succeeded: bool
    status: PaymentCallbackStatus
    error_code: str
    error_message: str
    payment_id: int | None
    original_id: int | None
    received_at: datetime


class CallbackFilter(Schema):
    status: PaymentCallbackStatus | None = None


# ---- rules ---------------------------------------------------------------------------------

@router.get("/rules", response={200: list[RuleOut], **ERRORS})
def list_rules(request):
    require_perm(request, "orders.view_reviewrule")
    return list(review_queries.list_rules())


@router.patch("/rules/{rule_id}", response={200: RuleOut, **ERRORS})
def update_rule(request, rule_id: int, payload: RuleIn):
    require_perm(request, "orders.change_reviewrule")
    changes = payload.model_dump(exclude_unset=True)
    return review_config.update_rule(review_queries.get_rule(rule_id), actor=request.user, **changes)


# ---- holds and fixing ----------------------------------------------------------------------

@router.get("/holds", response={200: list[HoldOut], **ERRORS})
@paginate(BoundedPagination, page_size=50)
def list_holds(request, filters: Query[HoldFilter]):
    require_perm(request, "orders.view_orderhold")
    return review_queries.list_holds(**filters.model_dump())


@router.post("/holds/{hold_id}/release", response={200: HoldOut, **ERRORS})
def release_hold(request, hold_id: int, payload: ReviewNoteIn):
    require_perm(request, "orders.release_hold")
    return review.release_hold(review_queries.get_hold(hold_id), actor=request.user,
                               note=payload.note)


def _summary(order_id: int, summary) -> dict:
    order = queries.get_order(order_id)
    return {"reviewed": summary.reviewed, "held": summary.held, "order": order,
            "holds": review_queries.open_holds(order)}


@router.post("/orders/{order_id}/recheck", response={200: ReviewSummaryOut, **ERRORS})
def recheck_order(request, order_id: int):
    require_perm(request, "orders.review_order")
    summary = review.recheck_order(queries.get_order(order_id), actor=request.user)
    return _summary(order_id, summary)


@router.post("/orders/{order_id}/recipient", response={200: OrderOut, **ERRORS})
def update_recipient(request, order_id: int, payload: RecipientIn):
    require_perm(request, "orders.change_order")
    return review.update_recipient(queries.get_order(order_id), actor=request.user,
                                   recipient=actions.Recipient(**payload.model_dump()))


@router.post("/orders/{order_id}/seller-note", response={200: OrderOut, **ERRORS})
def update_seller_note(request, order_id: int, payload: SellerNoteIn):
    require_perm(request, "orders.change_order")
    return review.update_seller_note(queries.get_order(order_id), note=payload.seller_note,
                                     actor=request.user)


# ---- block list ----------------------------------------------------------------------------

@router.get("/blocked", response={200: list[BlockedOut], **ERRORS})
@paginate(BoundedPagination, page_size=50)
def list_blocked(request):
    require_perm(request, "orders.view_blockedbuyer")
    return review_queries.list_blocked()


@router.post("/blocked", response={201: BlockedOut, **ERRORS})
def block_buyer(request, payload: BlockedIn):
    require_perm(request, "orders.add_blockedbuyer")
    customer = get_customer(payload.customer_id) if payload.customer_id else None
    entry = review_config.block_buyer(customer=customer, phone=payload.phone,
                                      reason=payload.reason, actor=request.user)
    return Status(201, entry)


@router.patch("/blocked/{entry_id}", response={200: BlockedOut, **ERRORS})
def update_blocked(request, entry_id: int, payload: BlockedUpdateIn):
    require_perm(request, "orders.change_blockedbuyer")
    return review_config.update_blocked_buyer(review_queries.get_blocked(entry_id),
                                              reason=payload.reason, actor=request.user)


@router.delete("/blocked/{entry_id}", response={200: BlockedOut, **ERRORS})
def unblock_buyer(request, entry_id: int):
    """Take the entry off the block list; answers the entry as it was."""
    require_perm(request, "orders.delete_blockedbuyer")
    entry = review_queries.get_blocked(entry_id)
    review_config.unblock_buyer(entry, actor=request.user)
    return entry


# ---- payment callbacks ---------------------------------------------------------------------

@callbacks_router.post("", response={200: CallbackOut, **ERRORS})
def receive_callback(request, payload: CallbackIn):
    """A payment provider's notification. Idempotent on ``transaction_id``: a repeat is
    recorded as a duplicate and answered as the first delivery was. A callback that cannot
    be applied is recorded as refused and answered with its error."""
    require_perm(request, "orders.record_payment")
    result = callbacks.receive_payment_callback(
        actor=request.user, payload=payload.model_dump(mode="json"), **payload.model_dump())
    if result.error is not None:
        raise result.error
    return result.callback


@callbacks_router.get("", response={200: list[CallbackOut], **ERRORS})
@paginate(BoundedPagination, page_size=50)
def list_callbacks(request, filters: Query[CallbackFilter]):
    require_perm(request, "orders.view_paymentcallback")
    return review_queries.list_callbacks(**filters.model_dump())
