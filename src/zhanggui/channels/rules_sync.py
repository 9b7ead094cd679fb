"""Stock allocation (库存分配): how many units of one SKU each channel is told it may sell.
Pure: no database.

Given the SKU's sellable stock ``available`` (Σ available over active warehouses, never below
0) and the rule that applies on each synced channel (docs/channel-sync.md):

1. **Reserved pools first**, in the channels' priority order (channel id): each reserved
   channel wants ``floor(available × percent) + fixed``, clamped to ``[min, max]``, and gets
   it from what the reserved channels before it left over (first come, first served), so
   the reserved quantities never add up to more than ``available``.
2. **The shared pool** is what is left: ``shared = available − Σ reserved``. Each shared
   channel publishes ``floor(shared × percent) + fixed``, clamped to ``[min, max]``, and never
   more than ``shared`` (shared channels sell the same units, so each may show all of them).
3. **Oversell guard** (防超卖): a slow channel (its sync delay at least
   ``CHANNEL_SLOW_MINUTES``) never shows the last ``guard_units`` of its pool:
   ``quantity ≤ pool − guard_units`` (0 when the pool holds no more than the guard).

The pool is a hard cap: ``min`` never lifts a quantity above it, and no quantity is negative.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import ROUND_FLOOR, Decimal


@dataclass(frozen=True)
class Rule:
    """The sync rule that applies to one SKU on one channel, with the channel's guard."""

    channel_id: int
    percent: Decimal  # a fraction: 0.6 = 60 %
    fixed: int = 0
    min_quantity: int = 0
    max_quantity: int | None = None
    reserved: bool = False
    guard_units: int = 0  # held back on a slow channel (0 on a fast one)


def wanted(rule: Rule, base: int) -> int:
    """``floor(base × percent) + fixed`` clamped to ``[min, max]`` (may still exceed the pool)."""
    raw = int((Decimal(base) * rule.percent).to_integral_value(rounding=ROUND_FLOOR)) + rule.fixed
    raw = max(raw, rule.min_quantity)
    if rule.max_quantity is not None:
        raw = min(raw, rule.max_quantity)
    return raw


def capped(quantity: int, pool: int, guard_units: int) -> int:
    """``quantity`` within ``[0, pool − guard_units]`` (the pool is a hard cap)."""
    return max(0, min(quantity, pool - guard_units))


def allocate(available: int, rules: Iterable[Rule]) -> dict[int, int]:
    """Channel id → the quantity to publish for this SKU (every channel of ``rules``)."""
    available = max(0, available)
    ordered = sorted(rules, key=lambda r: r.channel_id)
    result: dict[int, int] = {}
    left = available
    for rule in ordered:
        if rule.reserved:
            quantity = capped(wanted(rule, available), left, rule.guard_units)
            result[rule.channel_id] = quantity
            left -= quantity
    for rule in ordered:
        if not rule.reserved:
            result[rule.channel_id] = capped(wanted(rule, left), left, rule.guard_units)
    return result


def allocate_all(available: Mapping[int, int], rules: Mapping[int, list[Rule]]) -> dict[tuple[int, int], int]:
    """(channel id, SKU id) → quantity for every SKU of ``rules`` (SKU id → its rules);
    a SKU missing from ``available`` has no stock."""
    return {(channel_id, sku_id): quantity
            for sku_id, sku_rules in rules.items()
            for channel_id, quantity in allocate(available.get(sku_id, 0), sku_rules).items()}


def is_slow(sync_lag_minutes: int, slow_minutes: int) -> bool:
    """A channel whose pushes take ``slow_minutes`` or longer to apply is slow."""
    return sync_lag_minutes >= slow_minutes
