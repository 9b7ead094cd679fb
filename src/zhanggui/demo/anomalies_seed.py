"""Two anomalies planted on the demo's yesterday, for the anomaly detection and the briefing
to find (docs: issue 17, "the demo's seeded anomalies").

1. WeChat Pay fails all day: most attempts of the orders whose buyer chose WeChat Pay fail
   with a network (channel) error; some buyers retry with Alipay and pay, most orders stay
   unpaid and close after the timeout — the day's payment failure rate jumps, explained by
   the payment method, and GMV drops.
2. A refund spike in one category (美妆): buyers of recently delivered beauty products ask
   for the money of one item back (skin reactions) and are refunded that same day.

Played on the order plans after their lifecycles (``seed.py``), before the stock simulation
and the writes, from a random stream of its own: deterministic, and the other phases draw
the same numbers as without it.
"""

import random
from datetime import date, timedelta

from django.conf import settings

from zhanggui.aftersales.models import ReasonCode, RequestKind
from zhanggui.core.money import ZERO
from zhanggui.demo import aftersales_plan
from zhanggui.demo.context import Clock, minutes
from zhanggui.demo.numbers import Numbers
from zhanggui.demo.plans import Attempt, OrderPlan, RequestLine, RequestPlan
from zhanggui.orders.models import OrderStatus, PaymentFailureReason, PaymentMethod

FAILING_METHOD = PaymentMethod.WECHAT
FALLBACK_METHOD = PaymentMethod.ALIPAY
OUTAGE_REASON = PaymentFailureReason.NETWORK_ERROR
STILL_WORKS_PCT = 5       # attempts that go through despite the outage
RETRY_TWICE_PCT = 50      # the buyer tries WeChat Pay a second time
RECOVERED_PCT = 25        # then pays with Alipay; the others give up
SPIKE_CATEGORY = "beauty"
SPIKE_SHARE = 0.25        # refunds planted: this share of yesterday's orders (at least 5)
SPIKE_MIN = 5
SPIKE_NOTES = ("用后过敏，脸上起红疹", "用了两天皮肤发红发痒", "和之前买的味道不一样，怀疑不是正品")
DELIVERED_WITHIN = timedelta(days=14)


def plant(rng: random.Random, clock: Clock, numbers: Numbers, orders: list[OrderPlan]) -> dict:
    """Plant both anomalies on ``clock.today - 1``; returns what was planted."""
    day = clock.today - timedelta(days=1)
    outage = _payment_outage(rng, clock, numbers, orders, day)
    refunds = _refund_spike(rng, clock, numbers, orders, day)
    return {"failed_orders": outage, "refunds": refunds}


def _eligible(order: OrderPlan) -> bool:
    return not order.forced_status and not order.live


def _payment_outage(rng: random.Random, clock: Clock, numbers: Numbers,
                    orders: list[OrderPlan], day: date) -> int:
    touched = 0
    for order in orders:
        if not (_eligible(order) and order.attempts) or order.attempts[0].method != FAILING_METHOD:
            continue
        if clock.local(order.attempts[0].at).date() != day or rng.randrange(100) < STILL_WORKS_PCT:
            continue
        touched += 1
        start = order.attempts[0].at
        end = order.paid_at if order.paid_at is not None else start + timedelta(minutes=6)
        times = [start] + ([start + (end - start) / 2] if rng.randrange(100) < RETRY_TWICE_PCT else [])
        failures = [Attempt(at, FAILING_METHOD, False, OUTAGE_REASON, "") for at in times]
        if order.paid_at is not None and rng.randrange(100) < RECOVERED_PCT and order.paid_at > times[-1]:
            paid = Attempt(order.paid_at, FALLBACK_METHOD, True, "",
                           numbers.transaction(FALLBACK_METHOD, clock.local(order.paid_at)))
            order.attempts = [*failures, paid]
            continue
        order.attempts = failures
        if order.paid_at is not None:
            _close_unpaid(rng, order)
    return touched


def _close_unpaid(rng: random.Random, order: OrderPlan) -> None:
    """The buyer gave up: the order closes unpaid after the timeout (nothing after it)."""
    timeout = timedelta(minutes=settings.ZHANGGUI["UNPAID_ORDER_TIMEOUT_MINUTES"])
    order.status = OrderStatus.CLOSED
    order.closed_at = order.placed_at + timeout + timedelta(seconds=rng.randint(1, 59))
    order.paid_at = order.reviewed_at = order.shipped_at = order.delivered_at = None
    order.completed_at = order.cancelled_at = None
    order.cancel_reason = "payment timeout"  # as orders.actions.close_unpaid_order
    order.paid_amount = order.refunded_amount = ZERO
    order.carrier = ""
    order.collected_at = order.promised_at = order.failed_attempt_at = None
    order.requests = []
    for line in order.lines:
        line.returned_quantity, line.refunded = 0, ZERO


def _refund_spike(rng: random.Random, clock: Clock, numbers: Numbers,
                  orders: list[OrderPlan], day: date) -> int:
    yesterday = sum(1 for o in orders if clock.local(o.placed_at).date() == day)
    wanted = max(SPIKE_MIN, round(SPIKE_SHARE * yesterday))
    start = clock.at(day)
    candidates = [o for o in orders if _eligible(o) and not o.requests and o.delivered_at is not None
                  and start - DELIVERED_WITHIN <= o.delivered_at < start
                  and o.paid_amount > o.refunded_amount
                  and any(line.sku.top.key == SPIKE_CATEGORY for line in o.lines)]
    chosen = rng.sample(candidates, min(wanted, len(candidates)))
    chosen.sort(key=lambda o: o.placed_at)
    for order in chosen:
        order.requests.append(_request(rng, clock, numbers, order, day))
        aftersales_plan.settle(order, order.requests[-1], clock.now)
    return len(chosen)


def _request(rng: random.Random, clock: Clock, numbers: Numbers, order: OrderPlan,
             day: date) -> RequestPlan:
    line = next(line for line in order.lines if line.sku.top.key == SPIKE_CATEGORY)
    lines = [RequestLine(line=line, quantity=1)]  # the one item the buyer reacted to
    amount = min(aftersales_plan.line_value(line, 1), order.paid_amount - order.refunded_amount)
    requested = clock.at(day, rng.randint(8, 17), rng.randint(0, 59), rng.randint(0, 59))
    note = rng.choice(SPIKE_NOTES)
    request = RequestPlan(
        number=numbers.aftersales(clock.local(requested)), kind=RequestKind.REFUND_ONLY,
        reason_code=ReasonCode.QUALITY, lines=lines, requested_amount=amount, buyer_note=note,
        requested_at=requested, refund_amount=amount, refund_reason=f"仅退款：{note}")
    request.decided_at = requested + minutes(rng, 10, 90)
    request.decision_note = "同意退款"
    request.refunded_at = request.decided_at + minutes(rng, 5, 60)
    return request
