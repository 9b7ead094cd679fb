"""Order reads."""

from datetime import datetime

from django.db.models import QuerySet

from zhanggui.core.errors import NotFound
from zhanggui.orders.models import Order


def get_order(order_id: int) -> Order:
    try:
        return (Order.objects.select_related("customer")
                .prefetch_related("lines", "payments").get(pk=order_id))
    except Order.DoesNotExist:
        raise NotFound() from None


def list_orders(*, status: str | None = None, customer_id: int | None = None,
                channel: str | None = None, placed_from: datetime | None = None,
                placed_to: datetime | None = None, number: str | None = None,
                recipient_phone: str | None = None) -> QuerySet[Order]:
    """Orders, newest first. ``recipient_phone`` is an exact number, however formatted,
    matched through its blind index (the column itself is encrypted)."""
    qs = Order.objects.select_related("customer")
    if status:
        qs = qs.filter(status=status)
    if customer_id:
        qs = qs.filter(customer_id=customer_id)
    if channel:
        qs = qs.filter(channel=channel)
    if placed_from:
        qs = qs.filter(placed_at__gte=placed_from)
    if placed_to:
        qs = qs.filter(placed_at__lt=placed_to)
    if number:
        qs = qs.filter(number__icontains=number)
    if recipient_phone:
        qs = qs.with_exact(recipient_phone=recipient_phone)
    return qs.order_by("-placed_at", "-id")
