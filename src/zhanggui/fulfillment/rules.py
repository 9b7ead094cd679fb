"""Pure fulfillment rules: how an order's remaining units become parcels, which parcels
may be merged, and when an order has left the warehouse. No database here."""

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

Part = tuple[int, int]  # (SKU id, warehouse id)


@dataclass(frozen=True)
class OpenLine:
    """An order line's units not yet in a parcel."""

    line_id: int
    sku_id: int
    remaining: int


@dataclass
class ParcelPlan:
    warehouse_id: int
    lines: dict[int, int] = field(default_factory=dict)  # order line id → units
    skus: dict[int, int] = field(default_factory=dict)  # order line id → SKU id

    def add(self, line: OpenLine, units: int) -> None:
        self.lines[line.line_id] = self.lines.get(line.line_id, 0) + units
        self.skus[line.line_id] = line.sku_id


@dataclass
class OrderPlan:
    parcels: list[ParcelPlan]
    unplaced: dict[int, int]  # order line id → units with no free reservation


def free_reserved(active: Mapping[Part, int], in_open_parcels: Mapping[Part, int]) -> dict[Part, int]:
    """Reserved units not yet in a waiting parcel: active reservations (units not shipped)
    minus the units that pending, picking or packed parcels already hold."""
    free = {part: units - in_open_parcels.get(part, 0) for part, units in active.items()}
    return {part: units for part, units in free.items() if units > 0}


def plan_parcels(lines: Iterable[OpenLine], free: Mapping[Part, int]) -> OrderPlan:
    """Place each line's remaining units on the warehouses that hold a free reservation of
    its SKU: one parcel per warehouse. A warehouse that can take every remaining unit alone
    is used alone; otherwise warehouses are drawn in order of the most free units (then the
    lowest id). Units without a free reservation stay unplaced."""
    lines = [line for line in lines if line.remaining > 0]
    left = dict(free)
    demand: dict[int, int] = defaultdict(int)
    for line in lines:
        demand[line.sku_id] += line.remaining
    warehouses = sorted({warehouse for _sku, warehouse in left})
    whole = [w for w in warehouses if all(left.get((sku, w), 0) >= units for sku, units in demand.items())]
    parcels: dict[int, ParcelPlan] = {}
    unplaced: dict[int, int] = {}
    for line in lines:
        need = line.remaining
        order = whole[:1] or sorted(warehouses, key=lambda w: (-left.get((line.sku_id, w), 0), w))
        for warehouse in order:
            take = min(need, left.get((line.sku_id, warehouse), 0))
            if take <= 0:
                continue
            parcels.setdefault(warehouse, ParcelPlan(warehouse)).add(line, take)
            left[(line.sku_id, warehouse)] -= take
            need -= take
            if need == 0:
                break
        if need:
            unplaced[line.line_id] = need
    return OrderPlan([parcels[w] for w in sorted(parcels)], unplaced)


def address_key(*, customer_id: int, name: str, phone: str, province_code: str, city: str,
                district: str, street: str) -> tuple:
    """What must be equal for two orders to travel in one parcel: the same buyer and the
    same recipient at the same address (spaces and case ignored)."""
    def norm(text: str) -> str:
        return "".join((text or "").split()).casefold()
    return (customer_id, norm(name), norm(phone), province_code, norm(city), norm(district),
            norm(street))


def fully_shipped(quantities: Mapping[int, int], shipped: Mapping[int, int]) -> bool:
    """True when every order line (id → quantity) has all its units in shipped parcels."""
    return all(shipped.get(line_id, 0) >= quantity for line_id, quantity in quantities.items())


def split_quantities(lines: Mapping[int, int],
                     take: Mapping[int, int]) -> tuple[dict[int, int], dict[int, int]]:
    """Split a parcel's lines (line id → units) in two: ``take`` moves to a new parcel.

    Returns (stay, move). Raises ValueError when ``take`` names a line the parcel lacks,
    a non-positive quantity, more units than the line holds, or the whole parcel.
    """
    move: dict[int, int] = {}
    for line_id, units in take.items():
        if units <= 0 or line_id not in lines or units > lines[line_id]:
            raise ValueError(line_id)
        move[line_id] = units
    stay = {line_id: units - move.get(line_id, 0) for line_id, units in lines.items()}
    stay = {line_id: units for line_id, units in stay.items() if units > 0}
    if not move or not stay:
        raise ValueError("a split leaves both parcels with units")
    return stay, move
