"""After-sales API: requests (return, exchange, refund only), decisions, receipt of returned
goods, and refunds.

Thin: parse, ``require_perm`` first, call one action or query, render.
"""

from datetime import datetime
from decimal import Decimal
from typing import Literal

from ninja import Field, FilterSchema, Query, Router, Schema, Status
from ninja.pagination import paginate
from pydantic import field_validator

from zhanggui.accounts.api_auth import require_perm
from zhanggui.aftersales import actions, queries
from zhanggui.aftersales.models import ReasonCode, RequestKind, RequestStatus
from zhanggui.core.errors import InvalidInput
from zhanggui.core.schemas import ERRORS, INT_MAX, BoundedPagination, Id
from zhanggui.orders.queries import get_order

router = Router()


class RequestOut(Schema):
    id: int
    number: str
    order_id: int
    order_number: str
    kind: RequestKind
    reason_code: ReasonCode
    status: RequestStatus
    requested_amount: Decimal
    buyer_note: str
    decision_note: str
    requested_at: datetime
    decided_at: datetime | None
    received_at: datetime | None
    closed_at: datetime | None

    @staticmethod
    def resolve_order_number(obj) -> str:
        return obj.order.number


class RequestLineOut(Schema):
    id: int
    order_line_id: int
    sku_code: str
    quantity: int
    disposition: str

    @staticmethod
    def resolve_sku_code(obj) -> str:
        return obj.order_line.sku_code


class RequestDetailOut(RequestOut):
    lines: list[RequestLineOut]


class RequestFilter(FilterSchema):
    status: RequestStatus | None = None
    order_id: Id | None = None
    reason_code: ReasonCode | None = None


class RequestLineIn(Schema):
    order_line_id: Id
    quantity: int = Field(gt=0, le=INT_MAX)


class RequestIn(Schema):
    order_id: Id
    kind: RequestKind
    reason_code: ReasonCode
    lines: list[RequestLineIn] = Field([], description="required for returns and exchanges")
    requested_amount: Decimal = Field(Decimal("0"), ge=0, max_digits=14, decimal_places=2)
    buyer_note: str = Field("", max_length=255)

    @field_validator("lines")
    @classmethod
    def _lines_are_distinct(cls, lines: list[RequestLineIn]) -> list[RequestLineIn]:
        if len({line.order_line_id for line in lines}) != len(lines):
            raise ValueError("each order line may appear once")
        return lines


class DecisionIn(Schema):
    note: str = Field("", max_length=255)


class RejectIn(Schema):
    note: str = Field(min_length=1, max_length=255, pattern=r"\S")


class DispositionIn(Schema):
    line_id: Id = Field(description="after-sales line id")
    disposition: Literal["restock", "scrap"]


class ReturnReceiveIn(Schema):
    dispositions: list[DispositionIn] = Field(min_length=1)


class RefundOut(Schema):
    id: int
    order_id: int
    order_number: str
    request_id: int | None
    amount: Decimal
    currency: str
    reason: str
    created_at: datetime
    actor_id: int | None

    @staticmethod
    def resolve_order_number(obj) -> str:
        return obj.order.number


class RefundFilter(FilterSchema):
    order_id: Id | None = None


class RefundIn(Schema):
    order_id: Id
    amount: Decimal | None = Field(
        None, gt=0, max_digits=14, decimal_places=2,
        description="omit with a request_id to refund what its lines were paid (their stored shares)")
    reason: str = Field(min_length=1, max_length=200)
    request_id: Id | None = Field(None, description="the after-sales request refunded, if any")


@router.get("/requests", response={200: list[RequestOut], **ERRORS})
@paginate(BoundedPagination, page_size=50)
def list_requests(request, filters: Query[RequestFilter]):
    require_perm(request, "aftersales.view_aftersalesrequest")
    return queries.list_requests(**filters.model_dump())


@router.get("/requests/{request_id}", response={200: RequestDetailOut, **ERRORS})
def get_request(request, request_id: int):
    require_perm(request, "aftersales.view_aftersalesrequest", "aftersales.view_aftersalesline")
    return queries.get_request_detail(request_id)


@router.post("/requests", response={201: RequestDetailOut, **ERRORS})
def create_request(request, payload: RequestIn):
    """Open a return, exchange or refund-only request on a paid order."""
    require_perm(request, "aftersales.add_aftersalesrequest")
    created = actions.request_aftersales(
        get_order(payload.order_id), kind=payload.kind, reason_code=payload.reason_code,
        lines={line.order_line_id: line.quantity for line in payload.lines},
        requested_amount=payload.requested_amount, buyer_note=payload.buyer_note,
        actor=request.user)
    return Status(201, queries.get_request_detail(created.pk))


@router.post("/requests/{request_id}/approve", response={200: RequestDetailOut, **ERRORS})
def approve_request(request, request_id: int, payload: DecisionIn):
    require_perm(request, "aftersales.decide_request")
    actions.approve_request(queries.get_request(request_id), note=payload.note, actor=request.user)
    return queries.get_request_detail(request_id)


@router.post("/requests/{request_id}/reject", response={200: RequestDetailOut, **ERRORS})
def reject_request(request, request_id: int, payload: RejectIn):
    require_perm(request, "aftersales.decide_request")
    actions.reject_request(queries.get_request(request_id), note=payload.note, actor=request.user)
    return queries.get_request_detail(request_id)


@router.post("/requests/{request_id}/receive", response={200: RequestDetailOut, **ERRORS})
def receive_return(request, request_id: int, payload: ReturnReceiveIn):
    """Book returned goods: each after-sales line is restocked or scrapped."""
    require_perm(request, "aftersales.receive_return")
    dispositions = {item.line_id: item.disposition for item in payload.dispositions}
    actions.receive_return(queries.get_request(request_id), dispositions=dispositions,
                           actor=request.user)
    return queries.get_request_detail(request_id)


@router.get("/refunds", response={200: list[RefundOut], **ERRORS})
@paginate(BoundedPagination, page_size=50)
def list_refunds(request, filters: Query[RefundFilter]):
    require_perm(request, "aftersales.view_refund")
    return queries.list_refunds(**filters.model_dump())


@router.post("/refunds", response={201: RefundOut, **ERRORS})
def issue_refund(request, payload: RefundIn):
    """Refund money to the buyer; never more than was paid minus earlier refunds."""
    require_perm(request, "aftersales.issue_refund")
    order = get_order(payload.order_id)
    aftersales_request = None
    if payload.request_id is not None:
        aftersales_request = queries.get_request(payload.request_id)
        if aftersales_request.order_id != order.pk:
            raise InvalidInput()
    refund = actions.issue_refund(order, amount=payload.amount, reason=payload.reason,
                                  request=aftersales_request, actor=request.user)
    return Status(201, refund)
