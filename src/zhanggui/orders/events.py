"""The orders' domain events (``events.catalogue``: order.placed, paid, reviewed, held,
cancelled): their data built from an order, written in the transaction of the change."""

from zhanggui.events import actions as events
from zhanggui.events.actions import NewEvent
from zhanggui.orders.models import Order, OrderStatus

# The order fields an event reads (a bulk path loading orders with ``only`` includes them).
EVENT_FIELDS = ("number", "status", "channel", "customer_id", "currency", "goods_amount",
                "discount_amount", "shipping_amount", "total_amount", "paid_amount", "placed_at",
                "cancel_reason")
# The event of a status change made by ``actions._transition``.
TRANSITION_EVENTS = {OrderStatus.PAID: "order.paid", OrderStatus.REVIEWED: "order.reviewed",
                     OrderStatus.CANCELLED: "order.cancelled", OrderStatus.CLOSED: "order.cancelled"}


def order_data(order: Order) -> dict:
    return {"order_id": order.pk, "number": order.number, "status": order.status,
            "channel": order.channel, "customer_id": order.customer_id, "currency": order.currency,
            "goods_amount": order.goods_amount, "discount_amount": order.discount_amount,
            "shipping_amount": order.shipping_amount, "total_amount": order.total_amount,
            "paid_amount": order.paid_amount, "placed_at": order.placed_at}


def _extra(order: Order, type_name: str) -> dict:
    return {"reason": order.cancel_reason} if type_name == "order.cancelled" else {}


def order_placed(order: Order, lines: list[dict]) -> None:
    """``lines``: sku_id, sku_code, quantity, unit_price_amount, total_amount of each line."""
    events.record("order.placed", subject_id=order.pk, data={**order_data(order), "lines": lines},
                  occurred_at=order.placed_at)


def status_changed(order: Order) -> None:
    """The event of the order's new status, if it has one."""
    type_name = TRANSITION_EVENTS.get(order.status)
    if type_name:
        events.record(type_name, subject_id=order.pk, data={**order_data(order), **_extra(order, type_name)})


def reviewed_and_held(reviewed: list[Order], held: list[tuple[Order, list[str]]], at) -> None:
    """The automatic review's batch: one INSERT for its reviewed and held orders' events."""
    events.record_many(
        [NewEvent("order.reviewed", o.pk, {**order_data(o), "status": OrderStatus.REVIEWED}, at)
         for o in reviewed]
        + [NewEvent("order.held", o.pk, {**order_data(o), "holds": holds}, at) for o, holds in held])
