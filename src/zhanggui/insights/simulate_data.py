"""The historical baskets a promotion simulation replays: the paid orders of a period, read
once from the order tables (read-only), each as engine cart lines at the prices recorded on
its lines, with its cost and the buyer context the promotion's eligibility needs.

- A basket is an order paid within [start, end] (shop days) whose status still counts as
  paid (``orders.rules.PAID_STATES``: cancelled and closed orders are left out).
- Item price: the line's recorded unit price (the list price of the SKU at the time). Two
  lines of one SKU become one engine line (the engine wants one line per SKU) at their
  quantity-weighted price, rounded to the cent.
- Cost: the line's cost snapshot; a line without one (0) takes the SKU's current cost.
- Buyer: what the offer's eligibility reads, loaded for every customer at once. Member tier,
  tags and segments are those of today (their history is not kept); "new customer" is
  historical: the order was the customer's first order that counts.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from zhanggui.catalog.models import Category, Sku
from zhanggui.core.money import ZERO, to_money
from zhanggui.core.timeutil import day_range
from zhanggui.customers.models import Customer
from zhanggui.customers.models_segments import SegmentMember
from zhanggui.orders.models import Order, OrderLine
from zhanggui.orders.rules import PAID_STATES
from zhanggui.pricing import rules
from zhanggui.pricing.models import CustomerMembership
from zhanggui.pricing.queries import NOT_COUNTED_STATUSES

BATCH = 20_000  # rows fetched at a time


@dataclass
class Basket:
    order_id: int
    customer_id: int
    channel: str
    paid_at: datetime
    lines: list[rules.CartLine]
    cost: Decimal  # the cost of the goods (quantity × unit cost, summed)


@dataclass
class Baskets:
    """The baskets of a period (in paid order) and the buyers the offer needs."""

    baskets: list[Basket]
    buyers: dict[int, rules.Buyer] = field(default_factory=dict)
    sku_codes: dict[int, str] = field(default_factory=dict)


def _bounds(start: date, end: date):
    return day_range(start, end.fromordinal(end.toordinal() + 1))


def paid_orders(start: date, end: date):
    """Orders paid within [start, end] (shop days) that still count as paid."""
    since, until = _bounds(start, end)
    return Order.objects.filter(paid_at__gte=since, paid_at__lt=until, status__in=PAID_STATES)


def load_baskets(start: date, end: date, *, needs: set[str] = frozenset()) -> Baskets:
    """Every paid basket of [start, end] with the buyer context in ``needs``
    (``pricing.queries.context_needs`` of the promotion)."""
    orders = list(paid_orders(start, end).order_by("paid_at", "pk")
                  .values_list("pk", "customer_id", "channel", "paid_at"))
    if not orders:
        return Baskets([])
    lines_by_order: dict[int, list[tuple]] = defaultdict(list)
    since, until = _bounds(start, end)
    rows = (OrderLine.objects.filter(order__paid_at__gte=since, order__paid_at__lt=until,
                                     order__status__in=PAID_STATES)
            .values_list("order_id", "sku_id", "quantity", "unit_price_amount", "unit_cost_amount"))
    for row in rows.iterator(chunk_size=BATCH):
        lines_by_order[row[0]].append(row[1:])
    skus = _skus({sku for rows in lines_by_order.values() for sku, *_rest in rows})
    baskets, shared = [], {}
    for order_id, customer_id, channel, paid_at in orders:
        rows = lines_by_order.get(order_id)
        if rows:
            lines, cost = _cart(rows, skus, shared)
            baskets.append(Basket(order_id, customer_id, channel, paid_at, lines, cost))
    buyers = buyer_contexts(baskets, needs) if needs else {}
    return Baskets(baskets, buyers, {pk: sku[3] for pk, sku in skus.items()})


def _skus(sku_ids: set[int]) -> dict[int, tuple]:
    """sku id -> (product id, category chain, current cost, code, weight)."""
    parents = dict(Category.objects.values_list("pk", "parent_id"))
    chains: dict[int | None, frozenset[int]] = {None: frozenset()}

    def chain(category_id: int | None) -> frozenset[int]:
        found = chains.get(category_id)
        if found is None:
            seen, node = [], category_id
            while node is not None and node not in seen:
                seen.append(node)
                node = parents.get(node)
            found = chains[category_id] = frozenset(seen)
        return found

    found = {}
    rows = Sku.objects.filter(pk__in=sku_ids).values_list(
        "pk", "product_id", "product__category_id", "cost_amount", "code", "weight_grams")
    for pk, product_id, category_id, cost, code, weight in rows.iterator(chunk_size=5000):
        found[pk] = (product_id, chain(category_id), cost, code, weight)
    return found


def _cart(rows: list[tuple], skus: dict[int, tuple],
          shared: dict | None = None) -> tuple[list[rules.CartLine], Decimal]:
    """Engine lines (sorted by SKU, one per SKU) and the cost of an order's line rows.
    ``shared``: the lines already made; lines are immutable, so baskets holding the same
    line share one (most baskets hold the same popular SKUs)."""
    shared = {} if shared is None else shared
    cost = ZERO
    for sku_id, quantity, _price, unit_cost in rows:
        cost += (unit_cost or skus[sku_id][2]) * quantity
    if len(rows) > 1 and len({row[0] for row in rows}) < len(rows):
        rows = _merged(rows)
    lines = []
    for sku_id, quantity, price, _cost in sorted(rows):
        line = shared.get((sku_id, quantity, price))
        if line is None:
            product_id, categories, _current, _code, weight = skus[sku_id]
            line = shared[sku_id, quantity, price] = rules.CartLine(
                sku_id, quantity, price, product_id, categories, weight)
        lines.append(line)
    return lines, cost


def _merged(rows: list[tuple]) -> list[tuple]:
    """One row per SKU: quantities summed, the price weighted by quantity (to the cent)."""
    merged: dict[int, list] = {}
    for sku_id, quantity, price, _cost in rows:
        entry = merged.setdefault(sku_id, [0, ZERO])
        entry[0] += quantity
        entry[1] += price * quantity
    return [(sku_id, quantity, to_money(amount / quantity), ZERO)
            for sku_id, (quantity, amount) in merged.items()]


def buyer_contexts(baskets: list[Basket], needs: set[str]) -> dict[int, rules.Buyer]:
    """Per order id, the buyer as the engine sees it (only the parts in ``needs``)."""
    customer_ids = {b.customer_id for b in baskets}
    tiers = (dict(CustomerMembership.objects.filter(customer_id__in=customer_ids)
                  .values_list("customer_id", "tier__code"))
             if needs & {"tier", "birthday"} else {})
    tags = _grouped(Customer.tags.through.objects.filter(customer_id__in=customer_ids)
                    .values_list("customer_id", "customertag__name")) if "tags" in needs else {}
    segments = _grouped(SegmentMember.objects.filter(
        customer_id__in=customer_ids, segment__is_active=True).values_list(
        "customer_id", "segment__code")) if "segments" in needs else {}
    birthdays = (dict(Customer.objects.filter(pk__in=customer_ids, birthday__isnull=False)
                      .values_list("pk", "birthday")) if "birthday" in needs else {})
    first_orders = _first_orders(customer_ids) if "new" in needs else set()
    buyers = {}
    for basket in baskets:
        cid = basket.customer_id
        birthday = birthdays.get(cid)
        buyers[basket.order_id] = rules.Buyer(
            customer_id=cid, member_tier=tiers.get(cid) or "", tags=tags.get(cid, frozenset()),
            is_new_customer=basket.order_id in first_orders, segments=segments.get(cid, frozenset()),
            birthday_month=birthday.month if birthday else None, is_member=cid in tiers)
    return buyers


def _grouped(pairs) -> dict[int, frozenset[str]]:
    found: dict[int, set[str]] = defaultdict(set)
    for key, value in pairs:
        found[key].add(value)
    return {key: frozenset(values) for key, values in found.items()}


def _first_orders(customer_ids: set[int]) -> set[int]:
    """Ids of each customer's first counted order (the earliest placed; the lower id on a tie)."""
    first: dict[int, tuple] = {}
    rows = (Order.objects.filter(customer_id__in=customer_ids).exclude(status__in=NOT_COUNTED_STATUSES)
            .values_list("customer_id", "placed_at", "pk"))
    for customer_id, placed_at, pk in rows.iterator(chunk_size=5000):
        if customer_id not in first or (placed_at, pk) < first[customer_id]:
            first[customer_id] = (placed_at, pk)
    return {pk for _placed, pk in first.values()}
