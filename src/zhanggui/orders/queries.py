"""Order reads."""

from datetime import datetime
from functools import partial

from django.db.models import Count, Q, QuerySet

from zhanggui.core.crypto import phone_index
from zhanggui.core.errors import NotFound
from zhanggui.core.search import Found, Hit, SearchQuery, code_condition, code_variants, may_view
from zhanggui.customers.queries import can_see_personal_data
from zhanggui.customers.rules import mask_phone
from zhanggui.orders.models import Order, OrderStatus


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


def search(query: SearchQuery, *, user, limit: int) -> Found:
    """Orders for the console's search box, by order number (a prefix from
    ``search.LONG_PREFIX`` characters), external id (exact) or recipient phone (exact, through
    the blind index), in number order; the phone is masked for staff who may not see
    personal data. Nothing for staff who may not view orders. A query per kind of match, each
    on its index."""
    if not may_view(user, "orders.order"):
        return Found()
    conditions = [code_condition("number", query),
                  *(Q(external_id=variant) for variant in code_variants(query.code))]
    if query.phone:
        conditions.append(Q(recipient_phone_index=phone_index(query.phone)))
    # One query per condition, each on its own index and unordered (sorted here): under
    # ORDER BY number LIMIT, PostgreSQL walks the number index in collation order filtering
    # for the prefix, which the prefix (pattern) index cannot give (0.6 s at 1 M orders).
    found: dict[int, Order] = {}
    for condition in filter(None, conditions):
        for order in (Order.objects.filter(condition).order_by()
                      .only("number", "external_id", "status", "recipient_phone")[:limit + 1]):
            found[order.pk] = order
    if not found:
        return Found()
    rows = sorted(found.values(), key=lambda order: order.number)[:limit + 1]
    show_phone = can_see_personal_data(user)
    return Found.from_rows(rows, limit, lambda order: _order_hit(order, query, show_phone))


def _order_hit(order: Order, query: SearchQuery, show_phone: bool) -> Hit:
    make = partial(Hit, "orders.order", order.pk, order.number, str(order.get_status_display()))
    code = query.code.casefold()
    if code and order.number.casefold().startswith(code):
        return make(str(Order._meta.get_field("number").verbose_name), order.number, query.code)
    if code and order.external_id.casefold() == code:
        return make(str(Order._meta.get_field("external_id").verbose_name), order.external_id,
                    query.code)
    phone = order.recipient_phone if show_phone else mask_phone(order.recipient_phone)
    return make(str(Order._meta.get_field("recipient_phone").verbose_name), phone)


def count_review_work() -> dict[str, int]:
    """The workbench's order to-dos: ``to_review`` (paid, not held by a review rule),
    ``to_ship`` (reviewed) and ``held`` (held by review rules). Two indexed counts: by
    status, and the partial index of held orders."""
    rows = (Order.objects.filter(status__in=(OrderStatus.PAID, OrderStatus.REVIEWED))
            .values("status", "is_held").annotate(n=Count("id")).order_by())
    counts = {(row["status"], row["is_held"]): row["n"] for row in rows}
    return {"to_review": counts.get((OrderStatus.PAID, False), 0),
            "to_ship": sum(n for (status, _held), n in counts.items()
                           if status == OrderStatus.REVIEWED),
            "held": Order.objects.filter(is_held=True).count()}
