"""Reads of automatic review: the active rules, the facts of a batch of orders in a handful
of queries (never one per order), holds, the block list and payment callbacks."""

from bisect import bisect_left, bisect_right
from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta

from django.db.models import Max, Min, Q, QuerySet

from zhanggui.core.errors import NotFound
from zhanggui.customers.models import Customer
from zhanggui.inventory.models import Reservation, ReservationStatus, Stock
from zhanggui.orders import review_rules
from zhanggui.orders.models import (
    BlockedBuyer,
    Order,
    OrderHold,
    OrderLine,
    OrderStatus,
    PaymentCallback,
    ReviewRule,
)
from zhanggui.orders.review_rules import LineFacts, OrderFacts, RuleSpec
from zhanggui.orders.rules import PAID_STATES

# The order columns evaluation reads (the rest of the row is never decrypted).
FACT_FIELDS = ("id", "number", "status", "currency", "total_amount", "buyer_note", "seller_note",
               "province_code", "city", "district", "address_detail", "customer_id",
               "recipient_phone_index", "recipient_address_index", "placed_at", "paid_at",
               "is_held")


def active_rules() -> list[RuleSpec]:
    """The active rules in order, parameters validated (a rule whose stored parameters no
    longer validate takes its kind's defaults for the missing or wrong ones)."""
    specs = []
    for rule in ReviewRule.objects.filter(is_active=True).order_by("position", "id"):
        try:
            params = review_rules.validate_params(rule.kind, rule.params)
        except Exception:
            params = review_rules.validate_params(rule.kind, {})
        specs.append(RuleSpec(rule.pk, rule.kind, rule.name, params))
    return specs


def list_rules() -> QuerySet[ReviewRule]:
    return ReviewRule.objects.order_by("position", "id")


def get_rule(rule_id: int) -> ReviewRule:
    try:
        return ReviewRule.objects.get(pk=rule_id)
    except ReviewRule.DoesNotExist:
        raise NotFound() from None


def get_hold(hold_id: int) -> OrderHold:
    try:
        return OrderHold.objects.select_related("order").get(pk=hold_id)
    except OrderHold.DoesNotExist:
        raise NotFound() from None


def list_holds(*, order_id: int | None = None, open_only: bool = False,
               kind: str | None = None) -> QuerySet[OrderHold]:
    qs = OrderHold.objects.select_related("order", "rule", "released_by")
    if order_id:
        qs = qs.filter(order_id=order_id)
    if open_only:
        qs = qs.filter(released_at=None)
    if kind:
        qs = qs.filter(kind=kind)
    return qs.order_by("-created_at", "id")


def open_holds(order: Order) -> list[OrderHold]:
    return list(order.holds.filter(released_at=None).select_related("rule").order_by("id"))


def held_orders() -> QuerySet[Order]:
    return Order.objects.filter(is_held=True)


def list_blocked() -> QuerySet[BlockedBuyer]:
    return BlockedBuyer.objects.select_related("customer", "created_by")


def get_blocked(entry_id: int) -> BlockedBuyer:
    try:
        return BlockedBuyer.objects.select_related("customer").get(pk=entry_id)
    except BlockedBuyer.DoesNotExist:
        raise NotFound() from None


def list_callbacks(*, status: str | None = None) -> QuerySet[PaymentCallback]:
    qs = PaymentCallback.objects.select_related("order")
    if status:
        qs = qs.filter(status=status)
    return qs.order_by("-received_at", "-id")


def get_callback(callback_id: int) -> PaymentCallback:
    try:
        return PaymentCallback.objects.select_related("order").get(pk=callback_id)
    except PaymentCallback.DoesNotExist:
        raise NotFound() from None


def unchecked_paid_order_ids(*, limit: int) -> list[int]:
    """Paid orders the rules never looked at (imported orders, a task lost on the way)."""
    return list(Order.objects.filter(status=OrderStatus.PAID, review_checked_at=None)
                .order_by("paid_at", "id").values_list("pk", flat=True)[:limit])


# ---- facts of a batch ----------------------------------------------------------------------


def _line_facts(orders: Sequence[Order]) -> dict[int, list[LineFacts]]:
    """Lines with their SKU's list price, reservation and best warehouse (3 queries)."""
    lines = list(OrderLine.objects.filter(order_id__in=[o.pk for o in orders]).order_by()
                 .values_list("order_id", "sku_id", "sku_code", "quantity", "unit_price_amount",
                              "total_amount", "unit_cost_amount", "sku__price_amount"))
    references = {f"order:{o.number}": o.pk for o in orders}
    reserved = set(Reservation.objects.filter(reference__in=references,
                                              status=ReservationStatus.ACTIVE).order_by()
                   .values_list("reference", "stock__sku_id"))
    reserved = {(references[ref], sku_id) for ref, sku_id in reserved}
    unreserved_skus = {line[1] for line in lines if (line[0], line[1]) not in reserved}
    best = {}
    if unreserved_skus:
        best = dict(Stock.objects.filter(sku_id__in=unreserved_skus, warehouse__is_active=True)
                    .order_by().values("sku_id").annotate(best=Max("available"))
                    .values_list("sku_id", "best"))
    by_order: dict[int, list[LineFacts]] = defaultdict(list)
    for order_id, sku_id, code, quantity, unit_price, total, cost, usual in lines:
        by_order[order_id].append(LineFacts(
            sku_id=sku_id, sku_code=code, quantity=quantity, list_unit_price=unit_price,
            paid_amount=total, unit_cost=cost, usual_price=usual,
            reserved=(order_id, sku_id) in reserved, best_available=best.get(sku_id) or 0))
    return by_order


def _blocked(orders: Sequence[Order]) -> dict[int, str]:
    """Order id → the reason of the block-list entry naming its customer or a phone of it
    (the recipient's or the customer's own): 2 queries."""
    customer_ids = {o.customer_id for o in orders}
    phones = {o.recipient_phone_index for o in orders if o.recipient_phone_index}
    customer_phone = dict(Customer.objects.filter(pk__in=customer_ids).exclude(phone_index="")
                          .values_list("pk", "phone_index"))
    phones |= set(customer_phone.values())
    entries = list(BlockedBuyer.objects.filter(Q(customer_id__in=customer_ids)
                                               | Q(phone_index__in=phones))
                   .values_list("customer_id", "phone_index", "reason"))
    if not entries:
        return {}
    by_customer = {c: reason for c, _p, reason in entries if c}
    by_phone = {p: reason for _c, p, reason in entries if p}
    found = {}
    for order in orders:
        reason = (by_customer.get(order.customer_id) or by_phone.get(order.recipient_phone_index)
                  or by_phone.get(customer_phone.get(order.customer_id, "")))
        if reason is not None:
            found[order.pk] = reason
    return found


def _first_orders(orders: Sequence[Order]) -> set[int]:
    """The orders that are their customer's first paid order (1 query)."""
    first = dict(Order.objects.filter(customer_id__in={o.customer_id for o in orders},
                                      status__in=PAID_STATES).order_by()
                 .values("customer_id").annotate(first=Min("placed_at"))
                 .values_list("customer_id", "first"))
    return {o.pk for o in orders if first.get(o.customer_id) is None
            or o.placed_at <= first[o.customer_id]}


def _repeat_counts(orders: Sequence[Order], windows: set[int], field: str
                   ) -> dict[int, dict[int, int]]:
    """Order id → {hours: paid orders with the same ``field`` value paid in the ``hours``
    before it, itself included} (1 query)."""
    if not windows:
        return {}
    keys = {getattr(o, field) for o in orders if getattr(o, field)}
    stamps = [o.paid_at for o in orders if o.paid_at]
    if not keys or not stamps:
        return {}
    since = min(stamps) - timedelta(hours=max(windows))
    times: dict[str, list[datetime]] = defaultdict(list)
    rows = (Order.objects.filter(**{f"{field}__in": keys}, paid_at__gte=since,
                                 paid_at__lte=max(stamps), status__in=PAID_STATES)
            .order_by().values_list(field, "paid_at"))
    for key, paid_at in rows:
        times[key].append(paid_at)
    for values in times.values():
        values.sort()
    counts: dict[int, dict[int, int]] = {}
    for order in orders:
        values = times.get(getattr(order, field))
        if not values or not order.paid_at:
            continue
        end = bisect_right(values, order.paid_at)
        counts[order.pk] = {hours: end - bisect_left(values, order.paid_at - timedelta(hours=hours))
                            for hours in windows}
    return counts


def load_facts(orders: Sequence[Order], rules: Iterable[RuleSpec]) -> dict[int, OrderFacts]:
    """The facts of ``orders`` (loaded with ``FACT_FIELDS``) for ``rules``: a fixed number
    of queries whatever the number of orders; a kind no rule needs is not queried."""
    rules = list(rules)
    kinds = {rule.kind for rule in rules}
    K = review_rules.K
    needs_lines = kinds & {K.PRICE_ANOMALY, K.STOCK_SHORT, K.QUANTITY_ABOVE}
    lines = _line_facts(orders) if needs_lines else {}
    blocked = _blocked(orders) if K.BLOCKED_BUYER in kinds else {}
    first = _first_orders(orders) if K.NEW_BUYER_AMOUNT in kinds else set()
    windows = review_rules.repeat_windows(rules)
    by_address = _repeat_counts(orders, windows, "recipient_address_index")
    by_phone = _repeat_counts(orders, windows, "recipient_phone_index")
    return {o.pk: OrderFacts(
        order_id=o.pk, number=o.number, currency=o.currency, total_amount=o.total_amount,
        buyer_note=o.buyer_note, seller_note=o.seller_note, province_code=o.province_code,
        city=o.city, district=o.district, address_detail=o.address_detail,
        lines=tuple(lines.get(o.pk, ())), blocked_reason=blocked.get(o.pk),
        is_first_order=o.pk in first, orders_from_address=by_address.get(o.pk, {}),
        orders_from_phone=by_phone.get(o.pk, {})) for o in orders}

