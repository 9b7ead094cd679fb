"""Pure rules about prices themselves (not carts): the 30-day lowest price, whether a SKU may
join a promotion event, and whether a bulk price change should alert the owner."""

from collections.abc import Iterable
from datetime import datetime
from decimal import Decimal


def eligibility_problems(*, event_price: Decimal, lowest_30_days: Decimal | None,
                         units_sold: int, min_sales: int) -> list[str]:
    """Why a SKU may not join a promotion event: the event price must be at or below the
    30-day lowest price, and the SKU must have sold at least ``min_sales`` units."""
    problems = []
    if lowest_30_days is not None and event_price > lowest_30_days:
        problems.append("price_above_30_day_lowest")
    if units_sold < min_sales:
        problems.append("not_enough_sales")
    return problems


def lowest_price(history: Iterable[tuple[datetime, Decimal]], *, since: datetime,
                 current: Decimal) -> Decimal:
    """The lowest price in force at any moment from ``since`` until now.

    ``history`` is (recorded_at, price) entries; the entry in force at ``since`` (the last
    one before it) counts too, and so does the current price.
    """
    entries = sorted(history)
    before = [price for at, price in entries if at < since]
    within = [price for at, price in entries if at >= since]
    candidates = [current, *within, *before[-1:]]
    return min(candidates)


def price_change_is_risky(changes: list[tuple[Decimal, Decimal]], *, max_items: int,
                          max_rate: Decimal) -> bool:
    """Whether a bulk price change should alert the owner: more than ``max_items`` SKUs, or
    any price moving by more than ``max_rate`` (a fraction) of its old value."""
    if len(changes) > max_items:
        return True
    return any(old > 0 and abs(new - old) / old > max_rate for old, new in changes)
