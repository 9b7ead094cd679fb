"""Which recent orders the live phase (``demo.live``) finishes through the actions.

The bulk history stops short of today's and yesterday's orders that were paid and not yet
handed over: they are written as paid, and automatic review runs on them at the time the
history reviewed them. The showcase parcels (``orders_plan.LIVE_SHOWCASES``) are shipped in
the history — their stock left in the ledger's time order — but their carrier went quiet:
one not collected since, one stalled after its first scans, one whose failed delivery the
live phase records through the tracking action. Runs before the stock simulation.
"""

from datetime import timedelta

from zhanggui.demo.context import Clock
from zhanggui.demo.plans import OrderPlan
from zhanggui.orders.models import OrderStatus

REVIEW = "review"
NOT_COLLECTED, STALLED, FAILED = "not_collected", "stalled", "failed"
SHIPPING = (NOT_COLLECTED, STALLED, FAILED)


def mark_live(clock: Clock, orders: list[OrderPlan]) -> None:
    since = clock.at(clock.today - timedelta(days=1))
    for order in orders:
        if order.live in SHIPPING:
            if order.status != OrderStatus.SHIPPED:
                order.live = ""
        elif (order.status in (OrderStatus.PAID, OrderStatus.REVIEWED) and not order.requests
              and order.paid_at is not None and order.paid_at >= since):
            order.live = REVIEW
            order.live_review_at = order.reviewed_at
            order.reviewed_at = None
            order.status = OrderStatus.PAID


def live_orders(orders: list[OrderPlan]) -> list[OrderPlan]:
    return [order for order in orders if order.live]
