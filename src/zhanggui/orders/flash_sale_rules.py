"""Pure parts of the Redis flash-sale path (``orders.flash_sale``): which live flash sales
cover which lines, the request the reservation script is given, and the flash units an
order actually took (read back from its price breakdown)."""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class Sale:
    """A flash sale as the hot path sees it (cached briefly per process)."""

    pk: int
    scope: str
    scope_ids: frozenset[int]
    starts_at: datetime | None
    ends_at: datetime | None

    def is_live(self, at: datetime) -> bool:
        started = self.starts_at is None or self.starts_at <= at
        return started and (self.ends_at is None or at < self.ends_at)


@dataclass(frozen=True)
class SkuFacts:
    """What coverage and the refusal need of a SKU."""

    code: str
    product_id: int
    category_ids: frozenset[int]
    is_sellable: bool


def covers(sale: Sale, sku_id: int, facts: SkuFacts | None) -> bool:
    """Whether ``sale``'s scope takes in the SKU (same rule as the price engine's scopes)."""
    if sale.scope == "all":
        return True
    if sale.scope == "skus":
        return sku_id in sale.scope_ids
    if facts is None:
        return False
    if sale.scope == "products":
        return facts.product_id in sale.scope_ids
    if sale.scope == "categories":
        return bool(facts.category_ids & sale.scope_ids)
    return False


def needs_facts(sales: Iterable[Sale]) -> bool:
    """Scopes by product or category need the SKU's product and categories."""
    return any(sale.scope in ("products", "categories") for sale in sales)


def request(demand: Mapping[int, int], sales: list[Sale],
            facts: Mapping[int, SkuFacts]) -> dict | None:
    """The reservation script's request: per SKU (ascending, the engine's line order) its
    units and the flash sales covering it; None when no line is covered (the order takes the
    database path)."""
    lines, touched = [], []
    for sku_id in sorted(demand):
        pks = [s.pk for s in sales if covers(s, sku_id, facts.get(sku_id))]
        lines.append([str(sku_id), int(demand[sku_id]), [str(pk) for pk in pks]])
        touched.extend(pk for pk in pks if str(pk) not in touched)
    if not touched:
        return None
    return {"lines": lines, "sales": sorted({str(pk) for pk in touched}, key=int)}


def units_taken(breakdown: Mapping, sale_pks: Iterable[int]) -> dict[str, int]:
    """Flash units the priced order took per sale (``Breakdown.as_dict`` of the order)."""
    taken = {str(pk): 0 for pk in sale_pks}
    for line in breakdown.get("lines", ()):
        key = line.get("item_offer") or ""
        kind, _sep, ident = key.partition(":")
        if kind == "promotion" and ident in taken:
            taken[ident] += int(line.get("offer_units") or 0)
    return taken
