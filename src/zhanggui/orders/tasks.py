"""Background tasks of the orders app (eager in-process unless REDIS_URL is set)."""

import logging

from celery import shared_task

from zhanggui.orders.actions import expire_unpaid_orders

logger = logging.getLogger(__name__)

SWEEP_BATCH = 5000


@shared_task(name="zhanggui.orders.tasks.expire_unpaid_orders_task")
def expire_unpaid_orders_task(timeout_minutes: int | None = None) -> int:
    """Close orders left unpaid past the timeout; scheduled every minute by celery beat."""
    return expire_unpaid_orders(timeout_minutes=timeout_minutes)


@shared_task(name="zhanggui.orders.tasks.auto_review_order")
def auto_review_order(order_id: int) -> dict:
    """Evaluate one newly paid order against the review rules (queued on the payment's
    commit by ``actions.record_payment``)."""
    from zhanggui.orders.review import auto_review_orders

    summary = auto_review_orders([order_id])
    return {"reviewed": summary.reviewed, "held": summary.held}


@shared_task(name="zhanggui.orders.tasks.review_unchecked_orders")
def review_unchecked_orders(limit: int = SWEEP_BATCH) -> dict:
    """Every 5 minutes (beat): the paid orders the rules never looked at — imported orders,
    or a payment whose review task was lost — are evaluated in bulk."""
    from zhanggui.orders.review import auto_review_orders
    from zhanggui.orders.review_queries import unchecked_paid_order_ids

    summary = auto_review_orders(unchecked_paid_order_ids(limit=limit))
    return {"reviewed": summary.reviewed, "held": summary.held}


def queue_auto_review(order_id: int) -> None:
    """Queue the review of a paid order. A failure to queue (broker down) or of an eager run
    never undoes the payment: the order stays unchecked and the beat sweep reviews it."""
    try:
        auto_review_order.delay(order_id)
    except Exception:
        logger.exception("automatic review of order %s not run; the sweep will", order_id)


@shared_task(name="zhanggui.orders.tasks.reconcile_flash_sales_task")
def reconcile_flash_sales_task() -> dict:
    """Every 30 s (beat): settle stale flash-sale reservations in Redis and re-derive the
    counters from the database (``flash_sale_reconcile``); a no-op without Redis."""
    from zhanggui.orders.flash_sale_reconcile import reconcile_flash_sales

    summary = reconcile_flash_sales()
    return {k: len(v) if isinstance(v, list) else v for k, v in summary.items()}
