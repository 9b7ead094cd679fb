"""The after-sales domain event (``events.catalogue``: refund.issued), written in the
transaction of the refund. The refund's free-text reason stays out of it."""

from zhanggui.aftersales.models import Refund
from zhanggui.events import actions as events
from zhanggui.orders.models import Order


def refund_issued(refund: Refund, order: Order) -> None:
    """``order``: the refund's order with its amounts after the refund."""
    request = refund.request
    events.record("refund.issued", subject_id=refund.pk, occurred_at=refund.created_at, data={
        "refund_id": refund.pk, "order_id": order.pk, "order_number": order.number,
        "request_id": request.pk if request else None,
        "request_kind": request.kind if request else None, "currency": refund.currency,
        "amount": refund.amount, "order_paid_amount": order.paid_amount,
        "order_refunded_amount": order.refunded_amount, "issued_at": refund.created_at})
