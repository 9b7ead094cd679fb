"""Returns and refunds at category-typical rates, with typical reasons, some rejected.

A request moves requested → approved/rejected → (goods received) → refunded; whatever lies
after ``now`` has not happened yet. Refund amounts follow ``aftersales.actions``: a line's
value share, split over lines with ``orders.rules.allocate``, never above what was paid
minus earlier refunds.
"""

import random
from datetime import datetime, timedelta
from decimal import Decimal

from zhanggui.aftersales.models import Disposition, ReasonCode, RequestKind, RequestStatus
from zhanggui.core.money import ZERO, to_money
from zhanggui.demo.context import Clock, minutes, weighted
from zhanggui.demo.numbers import Numbers
from zhanggui.demo.plans import OrderPlan, RequestLine, RequestPlan
from zhanggui.orders.rules import allocate

REJECTED_PCT = 8
RESTOCKABLE = frozenset({ReasonCode.SIZE_FIT, ReasonCode.CHANGED_MIND, ReasonCode.WRONG_ITEM,
                         ReasonCode.NOT_AS_DESCRIBED})
REJECT_NOTES = ("商品已使用，影响二次销售", "吊牌已拆除，不符合七天无理由退货条件",
                "未提供商品问题照片，请补充后重新申请")
BUYER_NOTES = {
    ReasonCode.SIZE_FIT: ("尺码偏小，穿着紧", "尺码偏大，想退了重新买", "版型不适合我"),
    ReasonCode.QUALITY: ("有线头开线", "用了两次就坏了", "有异味"),
    ReasonCode.DAMAGED: ("快递压坏了", "包装破损，漏了"),
    ReasonCode.NOT_AS_DESCRIBED: ("颜色和图片差别很大", "材质和描述不符"),
    ReasonCode.WRONG_ITEM: ("发错颜色了", "发错规格了"),
    ReasonCode.MISSING_PART: ("少发了配件",),
    ReasonCode.CHANGED_MIND: ("不喜欢，七天无理由退货", "买多了"),
    ReasonCode.LATE_DELIVERY: ("一直不发货，不想要了",),
    ReasonCode.NOT_RECEIVED: ("显示签收但没收到",),
}
PRESHIP_REASONS = weighted(((ReasonCode.CHANGED_MIND, 60), (ReasonCode.LATE_DELIVERY, 25),
                            (ReasonCode.WRONG_ITEM, 15)))
REFUND_REASONS = {RequestKind.RETURN: "退货退款", RequestKind.REFUND_ONLY: "仅退款"}


def line_value(line, quantity: int) -> Decimal:
    """What ``quantity`` units of an order line cost the buyer after discounts."""
    return to_money(line.total * quantity / line.quantity)


def preship_refund(rng: random.Random, clock: Clock, numbers: Numbers, order: OrderPlan,
                   requested_at: datetime) -> RequestPlan:
    """A buyer asks for the money back before the parcel leaves: refund only, in full,
    which cancels the order (as ``issue_refund`` does)."""
    reason = PRESHIP_REASONS.pick(rng)
    request = RequestPlan(
        number=numbers.aftersales(clock.local(requested_at)), kind=RequestKind.REFUND_ONLY,
        reason_code=reason, lines=[], requested_amount=order.total,
        buyer_note=rng.choice(BUYER_NOTES[reason]), requested_at=requested_at,
        refund_amount=order.total, refund_reason="未发货仅退款", cancels_order=True)
    request.decided_at = clock.during(rng, requested_at + minutes(rng, 5, 90), 8, 23)
    request.refunded_at = clock.during(rng, request.decided_at + minutes(rng, 1, 60), 9, 22)
    return request


def plan_return(rng: random.Random, clock: Clock, numbers: Numbers,
                order: OrderPlan) -> RequestPlan | None:
    """A return or refund-only request on a delivered order, or None (most orders)."""
    chosen = [RequestLine(line=line, quantity=_returned_units(rng, line.quantity))
              for line in order.lines if rng.randrange(1000) < line.sku.top.return_rate_pct * 10]
    if not chosen:
        return None
    top = chosen[0].line.sku.top  # one request per kind of goods; other lines stay
    chosen = [rl for rl in chosen if rl.line.sku.top is top]
    reason = weighted(top.reasons).pick(rng)
    keeps_goods = rng.randrange(100) < top.refund_only_pct
    kind = RequestKind.REFUND_ONLY if keeps_goods else RequestKind.RETURN
    requested_at = order.delivered_at + minutes(rng, 60, 6 * 24 * 60)
    amount = sum((line_value(rl.line, rl.quantity) for rl in chosen), ZERO)
    if kind == RequestKind.REFUND_ONLY and rng.randrange(100) < 30:
        amount = to_money(amount / 2)  # partial compensation, the goods stay with the buyer
    request = RequestPlan(
        number=numbers.aftersales(clock.local(requested_at)), kind=kind, reason_code=reason,
        lines=chosen, requested_amount=amount, buyer_note=rng.choice(BUYER_NOTES[reason]),
        requested_at=requested_at, refund_amount=amount,
        refund_reason=f"{REFUND_REASONS[kind]}：{rng.choice(BUYER_NOTES[reason])}")
    _schedule(rng, clock, request, top.key)
    return request


def _returned_units(rng: random.Random, quantity: int) -> int:
    return quantity if quantity == 1 or rng.randrange(2) else rng.randint(1, quantity - 1)


def _schedule(rng: random.Random, clock: Clock, request: RequestPlan, top_key: str) -> None:
    request.decided_at = clock.during(rng, request.requested_at + minutes(rng, 10, 20 * 60), 8, 23)
    if rng.randrange(100) < REJECTED_PCT:
        request.decision = RequestStatus.REJECTED
        request.decision_note = rng.choice(REJECT_NOTES)
        return
    request.decision_note = ("同意，请按页面地址寄回" if request.kind == RequestKind.RETURN
                             else "同意退款")
    after = request.decided_at
    if request.kind == RequestKind.RETURN:
        request.received_at = clock.during(
            rng, after + timedelta(days=rng.randint(2, 6), minutes=rng.randint(0, 300)), 9, 18)
        after = request.received_at
        for rl in request.lines:
            restock = request.reason_code in RESTOCKABLE and top_key != "food"
            rl.disposition = Disposition.RESTOCK if restock else Disposition.SCRAP
    request.refunded_at = clock.during(rng, after + minutes(rng, 30, 24 * 60), 9, 22)


def settle(order: OrderPlan, request: RequestPlan, now: datetime) -> None:
    """Keep what happened by ``now`` and apply it to the order and its lines."""
    if request.decided_at is not None and request.decided_at > now:
        request.decided_at = request.received_at = request.refunded_at = None
    if request.received_at is not None and request.received_at > now:
        request.received_at = request.refunded_at = None
    if request.refunded_at is not None and request.refunded_at > now:
        request.refunded_at = None
    if request.decided_at is None:
        request.status = RequestStatus.REQUESTED
    elif request.decision == RequestStatus.REJECTED:
        request.status = RequestStatus.REJECTED
    elif request.refunded_at is not None:
        request.status = RequestStatus.REFUNDED
    elif request.received_at is not None:
        request.status = RequestStatus.RECEIVED
    else:
        request.status = RequestStatus.APPROVED
    if request.received_at is None:
        for rl in request.lines:
            rl.disposition = Disposition.PENDING
    _apply(order, request)


def _apply(order: OrderPlan, request: RequestPlan) -> None:
    if request.received_at is not None:
        for rl in request.lines:
            if rl.line.returned_quantity + rl.quantity > rl.line.quantity:
                raise ValueError(f"{order.number}: more units returned than sold")
            rl.line.returned_quantity += rl.quantity
    if request.refunded_at is None:
        return
    if request.refund_amount > order.paid_amount - order.refunded_amount:
        raise ValueError(f"{order.number}: refund above what can still be refunded")
    order.refunded_amount += request.refund_amount
    if request.lines:
        weights = [rl.line.total * rl.quantity / rl.line.quantity for rl in request.lines]
        for rl, part in zip(request.lines, allocate(request.refund_amount, weights), strict=True):
            rl.line.refunded += to_money(part)
