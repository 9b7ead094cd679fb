"""Pure inventory rules: warehouse routing, demand aggregation and demand variability (XYZ)."""

import math
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal

from zhanggui.core.money import to_money
from zhanggui.core.regions import RegionGroup, get_province

_R = RegionGroup
# Region groups that share a border (the usual express networks' next-day ring): a parcel
# from a neighbouring region is slower than from its own, faster than from across the country.
REGION_NEIGHBOURS: dict[str, frozenset[str]] = {
    _R.NORTH: frozenset({_R.NORTHEAST, _R.EAST, _R.CENTRAL, _R.NORTHWEST}),
    _R.NORTHEAST: frozenset({_R.NORTH}),
    _R.EAST: frozenset({_R.NORTH, _R.CENTRAL, _R.SOUTH}),
    _R.CENTRAL: frozenset({_R.NORTH, _R.EAST, _R.SOUTH, _R.SOUTHWEST, _R.NORTHWEST}),
    _R.SOUTH: frozenset({_R.EAST, _R.CENTRAL, _R.SOUTHWEST, _R.HK_MO_TW}),
    _R.SOUTHWEST: frozenset({_R.CENTRAL, _R.SOUTH, _R.NORTHWEST}),
    _R.NORTHWEST: frozenset({_R.NORTH, _R.CENTRAL, _R.SOUTHWEST}),
    _R.HK_MO_TW: frozenset({_R.SOUTH}),
}
FAR = 3


def region_distance(origin_code: str, destination_code: str) -> int:
    """Distance class from a warehouse's province to a destination province: 0 the same
    province, 1 the same region group, 2 a neighbouring group, 3 farther (or unknown)."""
    origin, destination = get_province(origin_code), get_province(destination_code)
    if origin is None or destination is None:
        return FAR
    if origin.code == destination.code:
        return 0
    if origin.group == destination.group:
        return 1
    if destination.group in REGION_NEIGHBOURS.get(origin.group, frozenset()):
        return 2
    return FAR


def whole_order_warehouse(demand: Mapping[int, int],
                          available: Mapping[tuple[int, int], int],
                          distances: Mapping[int, int]) -> int | None:
    """The nearest warehouse that can ship every unit of ``demand`` (SKU id → units), or None.

    ``available`` maps (SKU id, warehouse id) → available units; ``distances`` maps each
    candidate warehouse id → its ``region_distance`` to the destination. Ties go to the
    lowest warehouse id so routing is deterministic.
    """
    able = [warehouse for warehouse in distances
            if all(available.get((sku, warehouse), 0) >= units for sku, units in demand.items())]
    if not able:
        return None
    return min(able, key=lambda warehouse: (distances[warehouse], warehouse))


@dataclass(frozen=True)
class Candidate:
    """A stock row that could serve a demand."""

    stock_id: int
    warehouse_id: int
    available: int
    same_region: bool
    same_province: bool


def sum_demand(lines: Iterable[tuple[int, int]]) -> dict[int, int]:
    """Total quantity per SKU id from (sku_id, quantity) pairs; several lines of one SKU add up."""
    total: Counter[int] = Counter()
    for sku_id, quantity in lines:
        total[sku_id] += quantity
    return dict(total)


def choose_stock(candidates: Iterable[Candidate], quantity: int) -> Candidate | None:
    """The stock row to reserve ``quantity`` from, or None when no single row has enough.

    Prefers the buyer's province, then the buyer's region, then the most available
    units; ties go to the lowest warehouse id so routing is deterministic.
    """
    enough = [c for c in candidates if c.available >= quantity]
    if not enough:
        return None
    return min(enough, key=lambda c: (not c.same_province, not c.same_region, -c.available,
                                      c.warehouse_id))


def moving_average_cost(*, on_hand_before: int, cost_before: Decimal, quantity: int,
                        unit_landed_cost: Decimal) -> Decimal:
    """A SKU's cost after receiving ``quantity`` units at ``unit_landed_cost``: the moving
    average ``(on_hand × cost + quantity × landed) / (on_hand + quantity)``, to the cent
    (ROUND_HALF_UP). Stock below zero counts as none (nothing to average with), so with
    nothing on hand the result is the landed cost.

    Raises:
        ValueError: when ``quantity`` is not positive or a cost is negative.
    """
    if quantity <= 0:
        raise ValueError("a receipt brings at least one unit")
    if cost_before < 0 or unit_landed_cost < 0:
        raise ValueError("costs are never negative")
    held = max(on_hand_before, 0)
    total = Decimal(held) * cost_before + Decimal(quantity) * unit_landed_cost
    return to_money(total / Decimal(held + quantity))


# XYZ by the coefficient of variation (sample std / mean) of weekly units over the last 13
# weeks: X steady (< 0.5), Y varying (< 1.0), Z erratic. One rule for the forecasts
# (insights) and the stock report (analytics), which both sit above inventory.
XYZ_X_BELOW = 0.5
XYZ_Y_BELOW = 1.0
XYZ_WEEKS = 13


def coefficient_of_variation(values: Iterable[float]) -> float | None:
    """Sample standard deviation / mean of ``values``; None when the mean is not positive
    (nothing sold: no variability to speak of) or there are fewer than two values."""
    numbers = [float(v) for v in values]
    if len(numbers) < 2:
        return None
    mean = sum(numbers) / len(numbers)
    if mean <= 0 or not math.isfinite(mean):
        return None
    variance = sum((v - mean) ** 2 for v in numbers) / (len(numbers) - 1)
    return math.sqrt(variance) / mean


def xyz_class(cv: float | None) -> str:
    """X when cv < 0.5, Y when cv < 1.0, Z otherwise; "" when the variability is unknown
    (too little history or no demand)."""
    if cv is None or not math.isfinite(cv):
        return ""
    if cv < XYZ_X_BELOW:
        return "X"
    return "Y" if cv < XYZ_Y_BELOW else "Z"
