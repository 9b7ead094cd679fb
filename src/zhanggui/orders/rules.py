"""Pure order rules: the state machine and order arithmetic."""

from dataclasses import dataclass
from decimal import Decimal

from zhanggui.core.money import ZERO, to_money
from zhanggui.orders.models import OrderStatus

S = OrderStatus
TRANSITIONS: dict[str, frozenset[str]] = {
    S.PENDING_PAYMENT: frozenset({S.PAID, S.CANCELLED, S.CLOSED}),
    S.PAID: frozenset({S.REVIEWED, S.CANCELLED}),
    S.REVIEWED: frozenset({S.SHIPPED, S.CANCELLED}),
    S.SHIPPED: frozenset({S.DELIVERED}),
    S.DELIVERED: frozenset({S.COMPLETED}),
    S.COMPLETED: frozenset(),
    S.CANCELLED: frozenset(),
    S.CLOSED: frozenset(),
}
PAID_STATES = frozenset({S.PAID, S.REVIEWED, S.SHIPPED, S.DELIVERED, S.COMPLETED})
SHIPPED_STATES = frozenset({S.SHIPPED, S.DELIVERED, S.COMPLETED})
TIMESTAMP_FIELD = {S.PAID: "paid_at", S.REVIEWED: "reviewed_at", S.SHIPPED: "shipped_at",
                   S.DELIVERED: "delivered_at", S.COMPLETED: "completed_at",
                   S.CANCELLED: "cancelled_at", S.CLOSED: "closed_at"}


def can_transition(current: str, target: str) -> bool:
    return target in TRANSITIONS.get(current, frozenset())


@dataclass(frozen=True)
class PricedLine:
    quantity: int
    unit_price_amount: Decimal
    discount_amount: Decimal
    total_amount: Decimal


def allocate(total: Decimal, weights: list[Decimal]) -> list[Decimal]:
    """Split ``total`` across ``weights`` in proportion, in whole cents (largest remainder).

    The parts add up to ``total`` exactly and no part exceeds its weight when
    ``total <= sum(weights)``.
    """
    total_cents = int(to_money(total) * 100)
    weight_cents = [int(to_money(w) * 100) for w in weights]
    whole = sum(weight_cents)
    if whole == 0:
        return [ZERO for _ in weights]
    exact = [total_cents * w for w in weight_cents]  # in units of 1/whole cent
    parts = [e // whole for e in exact]
    leftover = total_cents - sum(parts)
    by_remainder = sorted(range(len(parts)), key=lambda i: (-(exact[i] % whole), i))
    for index in by_remainder[:leftover]:
        parts[index] += 1
    return [Decimal(p) / 100 for p in parts]


def price_lines(lines: list[tuple[int, Decimal]], discount_amount: Decimal) -> list[PricedLine]:
    """Line totals for (quantity, unit price) pairs with an order-level discount allocated
    to lines in proportion to their value (so a later refund of a line knows its share).

    Raises:
        ValueError: when the discount is negative or exceeds the goods total.
    """
    gross = [to_money(unit * qty) for qty, unit in lines]
    goods = sum(gross, ZERO)
    if discount_amount < 0 or discount_amount > goods:
        raise ValueError("discount must be between 0 and the goods total")
    shares = [to_money(s) for s in allocate(discount_amount, gross)]
    return [PricedLine(qty, to_money(unit), share, amount - share)
            for (qty, unit), amount, share in zip(lines, gross, shares, strict=True)]


def order_total(goods_amount: Decimal, discount_amount: Decimal, shipping_amount: Decimal) -> Decimal:
    return to_money(goods_amount - discount_amount + shipping_amount)


def line_refund_share(*, total_amount: Decimal, quantity: int, units: int,
                      refunded_amount: Decimal, is_last: bool) -> Decimal:
    """What refunding ``units`` of a line gives back: its paid amount (after its item
    discount and its shares of the order-level discounts) per unit, never more than the line
    has left; the refund that covers the line's last units gives back exactly the rest, so
    a line refunded in parts returns its paid amount to the cent."""
    remaining = max(to_money(total_amount) - to_money(refunded_amount), ZERO)
    if is_last:
        return remaining
    return min(to_money(total_amount * units / quantity), remaining)
