"""Units sold per day: the demand history the SKU forecast page draws."""

from datetime import date

from django.db.models import Sum
from django.db.models.functions import TruncDate
from django.utils import timezone

from zhanggui.core.timeutil import day_range
from zhanggui.orders.models import OrderLine, OrderStatus

# Orders that never became a sale: not paid, closed unpaid, or cancelled.
NOT_SOLD = (OrderStatus.PENDING_PAYMENT, OrderStatus.CLOSED, OrderStatus.CANCELLED)


def daily_units_sold(sku_id: int, *, start: date, end: date,
                     warehouse_id: int | None = None) -> dict[date, int]:
    """Shop day → units of ``sku_id`` on orders placed that day in [start, end) and not
    unpaid or cancelled (``warehouse_id``: only the lines routed to that warehouse). Days
    without a sale are absent."""
    since, until = day_range(start, end)
    lines = OrderLine.objects.filter(sku_id=sku_id, order__placed_at__gte=since,
                                     order__placed_at__lt=until).exclude(
        order__status__in=NOT_SOLD)
    if warehouse_id:
        lines = lines.filter(warehouse_id=warehouse_id)
    rows = (lines.annotate(day=TruncDate("order__placed_at",
                                         tzinfo=timezone.get_current_timezone()))
            .order_by().values("day").annotate(units=Sum("quantity")))
    return {row["day"]: int(row["units"]) for row in rows}
