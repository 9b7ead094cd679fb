"""What happens to each order after it is placed, up to ``now``.

Payment attempts (about 5 % fail, with a reason; the buyer retries or the order closes
unpaid after the timeout), cancellations, review, shipping, delivery and completion.
Every step moves along ``orders.rules.TRANSITIONS`` and comes strictly after the previous
one; steps later than ``now`` have not happened, which leaves recent orders in every state.
"""

import random
from datetime import datetime, timedelta

from django.conf import settings

from zhanggui.core.regions import RegionGroup, get_province
from zhanggui.demo import aftersales_plan, timeline
from zhanggui.demo.context import Clock, minutes, weighted
from zhanggui.demo.logistics_plan import Logistics
from zhanggui.demo.numbers import Numbers
from zhanggui.demo.plans import Attempt, OrderPlan
from zhanggui.orders.models import OrderStatus, PaymentFailureReason, PaymentMethod
from zhanggui.orders.rules import TIMESTAMP_FIELD, can_transition

S = OrderStatus
FAIL_PERMILLE = (46, 150, 150)   # first attempt, retries
GIVE_UP_PCT = 20                 # after a failure, the buyer walks away
ABANDON_PERMILLE = 30            # never tries to pay; closed by the timeout
CANCEL_UNPAID_PERMILLE = 15      # buyer cancels before paying
CANCEL_PAID_PERMILLE = 12        # paid, then refunded in full before shipping
BUYER_CONFIRMS_PCT = 40          # otherwise the system completes after AUTO_COMPLETE_DAYS
METHODS = weighted(((PaymentMethod.ALIPAY, 55), (PaymentMethod.WECHAT, 38),
                    (PaymentMethod.UNIONPAY, 4), (PaymentMethod.CARD, 3)))
FAILURES = weighted((
    (PaymentFailureReason.INSUFFICIENT_FUNDS, 28), (PaymentFailureReason.USER_CANCELLED, 18),
    (PaymentFailureReason.BANK_DECLINED, 14), (PaymentFailureReason.WRONG_PASSWORD, 13),
    (PaymentFailureReason.TIMEOUT, 12), (PaymentFailureReason.NETWORK_ERROR, 8),
    (PaymentFailureReason.RISK_CONTROL, 7)))
UNPAID_CANCEL_REASONS = ("拍错了/多拍了", "不想要了", "地址填写错误，重新下单",
                         "价格不合适，再看看")
NEAR_REGIONS = frozenset({RegionGroup.EAST, RegionGroup.SOUTH, RegionGroup.SOUTHWEST})
PATH = (S.PAID, S.REVIEWED, S.SHIPPED, S.DELIVERED, S.COMPLETED)

Steps = list[tuple[str, datetime]]


class Lifecycle:
    def __init__(self, rng: random.Random, clock: Clock, numbers: Numbers,
                 logistics: Logistics):
        self.rng, self.clock, self.numbers, self.logistics = rng, clock, numbers, logistics
        self.timeout = timedelta(minutes=settings.ZHANGGUI["UNPAID_ORDER_TIMEOUT_MINUTES"])
        self.auto_complete = timedelta(days=settings.ZHANGGUI["AUTO_COMPLETE_DAYS"])

    def run(self, order: OrderPlan) -> None:
        steps = self._steps(order)
        if order.forced_status:
            steps = self._force(order, steps)
        self._settle(order, steps)

    def _steps(self, order: OrderPlan) -> Steps:
        outcome, at = self._payment(order)
        if outcome == S.CANCELLED:
            order.cancel_reason = self.rng.choice(UNPAID_CANCEL_REASONS)
        elif outcome == S.CLOSED:
            order.cancel_reason = "payment timeout"  # as orders.actions.close_unpaid_order
        if outcome != S.PAID:
            return [(outcome, at)]
        rng, clock = self.rng, self.clock
        review = clock.during(rng, at + minutes(rng, 1, 30), 8, 23)
        if not order.forced_status and rng.randrange(1000) < CANCEL_PAID_PERMILLE:
            return [(S.PAID, at), *self._refund_before_shipping(order, at, review)]
        shipped = self._ship_time(order, at, review)
        delivered = self._delivery_time(order, shipped)
        if rng.randrange(100) < BUYER_CONFIRMS_PCT:
            completed = delivered + minutes(rng, 30, 4 * 24 * 60)
        else:
            completed = delivered + self.auto_complete + minutes(rng, 1, 60)
        return [(S.PAID, at), (S.REVIEWED, review), (S.SHIPPED, shipped),
                (S.DELIVERED, delivered), (S.COMPLETED, completed)]

    def _payment(self, order: OrderPlan) -> tuple[str, datetime]:
        """Attempts until one succeeds, the buyer gives up, or the window closes."""
        rng, placed = self.rng, order.placed_at
        closes = placed + self.timeout + timedelta(seconds=rng.randint(1, 59))
        roll = 1000 if order.forced_status else rng.randrange(1000)
        if roll < ABANDON_PERMILLE:
            return S.CLOSED, closes
        if roll < ABANDON_PERMILLE + CANCEL_UNPAID_PERMILLE:
            return S.CANCELLED, placed + minutes(rng, 1, 25)
        method, at = METHODS.pick(rng), placed + minutes(rng, 0.2, 8)
        for failure_permille in FAIL_PERMILLE:
            if at >= placed + self.timeout:
                break
            if order.forced_status or rng.randrange(1000) >= failure_permille:
                local = self.clock.local(at)
                order.attempts.append(Attempt(at, method, True, "",
                                              self.numbers.transaction(method, local)))
                return S.PAID, at
            order.attempts.append(Attempt(at, method, False, FAILURES.pick(rng), ""))
            if rng.randrange(100) < GIVE_UP_PCT:
                break
            at += minutes(rng, 0.5, 6)
            method = METHODS.pick(rng) if rng.randrange(100) < 40 else method
        return S.CLOSED, closes

    def _refund_before_shipping(self, order: OrderPlan, paid_at: datetime,
                                review: datetime) -> Steps:
        requested = paid_at + minutes(self.rng, 5, 150)
        request = aftersales_plan.preship_refund(self.rng, self.clock, self.numbers, order,
                                                 requested)
        order.requests.append(request)
        order.cancel_reason = "refunded before shipping"  # as aftersales.actions.issue_refund
        steps = [(S.REVIEWED, review)] if review < requested else []
        return [*steps, (S.CANCELLED, request.refunded_at)]

    def _ship_time(self, order: OrderPlan, paid_at: datetime, reviewed: datetime) -> datetime:
        rng, clock = self.rng, self.clock
        shipped = clock.during(rng, reviewed + minutes(rng, 30, 18 * 60), 9, 19)
        if timeline.festival_pct(clock.local(shipped).date()) >= 200:
            shipped = clock.during(rng, shipped + timedelta(days=rng.randint(0, 2)), 9, 19)
        if self.logistics.ships_late(order, paid_at):
            shipped = max(shipped, self.logistics.late_ship_time(paid_at))
        return shipped

    def _delivery_time(self, order: OrderPlan, shipped: datetime) -> datetime:
        """When the road brings the parcel (a day or two near the warehouses, more to remote
        regions), then as its carrier keeps its promise or not (``logistics_plan``)."""
        province = get_province(order.address.province_code)
        if order.address.is_remote:
            days = self.rng.randint(3, 6)
        elif province.group in NEAR_REGIONS:
            days = self.rng.randint(1, 2)
        else:
            days = self.rng.randint(2, 4)
        arrival = shipped + timedelta(days=days) + minutes(self.rng, -240, 240)
        natural = self.clock.during(self.rng, max(arrival, shipped + timedelta(hours=8)), 8, 21)
        journey = self.logistics.journey(order, shipped, natural)
        order.carrier = journey.carrier
        order.collected_at, order.promised_at = journey.collected_at, journey.promised_at
        order.failed_attempt_at = None
        first_try = journey.delivered_at - timedelta(days=1) - minutes(self.logistics.rng, 0, 60)
        if (not order.forced_status and journey.delivered_at <= self.clock.now
                and first_try > journey.collected_at + timedelta(hours=6)
                and self.logistics.failed_attempt(order)):
            order.failed_attempt_at = first_try
        return journey.delivered_at

    def _force(self, order: OrderPlan, steps: Steps) -> Steps:
        """Move a showcase order so that it reached ``forced_status`` minutes ago."""
        rng, now = self.rng, self.clock.now
        if order.forced_status == S.PENDING_PAYMENT:
            self._shift(order, now - minutes(rng, 2, 25) - order.placed_at)
            order.attempts.clear()
            return []
        target = PATH.index(order.forced_status)
        if order.forced_age is not None:
            reached = now - order.forced_age
        else:
            reached = now - (minutes(rng, 60, 3 * 24 * 60) if order.forced_status == S.DELIVERED
                             else minutes(rng, 3, 40))
        shift = reached - steps[target][1]
        self._shift(order, shift)
        order.shift_journey(shift)
        return [(status, at + shift) for status, at in steps[: target + 1]]

    @staticmethod
    def _shift(order: OrderPlan, shift: timedelta) -> None:
        order.placed_at += shift
        for attempt in order.attempts:
            attempt.at += shift

    def _settle(self, order: OrderPlan, steps: Steps) -> None:
        now = self.clock.now
        order.attempts = [a for a in order.attempts if a.at <= now]
        current = S.PENDING_PAYMENT
        for status, at in steps:
            if at > now:
                break
            if not can_transition(current, status):
                raise ValueError(f"demo order cannot move from {current} to {status}")
            setattr(order, TIMESTAMP_FIELD[status], at)
            current = status
        order.status = current
        if order.shipped_at is None:  # never handed over: no carrier yet
            order.carrier = ""
            order.collected_at = order.promised_at = order.failed_attempt_at = None
        if current not in (S.CANCELLED, S.CLOSED):
            order.cancel_reason = ""
        if order.paid_at is not None:
            order.paid_amount = order.total
        for request in order.requests:
            aftersales_plan.settle(order, request, now)
        order.requests = [r for r in order.requests if r.requested_at <= now]


def run_lifecycles(rng: random.Random, clock: Clock, numbers: Numbers, orders: list[OrderPlan],
                   logistics: Logistics) -> None:
    """Play every order forward, add returns on delivered ones, then number the orders in
    the order they were placed."""
    lifecycle = Lifecycle(rng, clock, numbers, logistics)
    for order in orders:
        lifecycle.run(order)
        if order.delivered_at is not None and not order.forced_status:
            request = aftersales_plan.plan_return(rng, clock, numbers, order)
            if request is not None and request.requested_at <= clock.now:
                order.requests.append(request)
                aftersales_plan.settle(order, request, clock.now)
    orders.sort(key=lambda o: o.placed_at)
    for order in orders:
        order.number = numbers.order(clock.local(order.placed_at))
