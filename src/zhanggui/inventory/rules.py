"""Pure inventory rules: warehouse routing and demand aggregation."""

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass


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
