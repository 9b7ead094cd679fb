"""The inventory's domain event (``events.catalogue``: stock.low): a stock row whose available
units a change took below its low-stock threshold (``Stock.is_low``). Only the crossing is
announced; changes while the row stays below write nothing."""

from collections.abc import Iterable

from zhanggui.catalog.models import Sku
from zhanggui.events import actions as events
from zhanggui.events.actions import NewEvent
from zhanggui.inventory.models import StockMovement


def crossed_low(movement: StockMovement) -> bool:
    """Whether the movement took its stock row from at or above its threshold to below it."""
    after = movement.on_hand_after - movement.reserved_after
    before = after - movement.on_hand_delta + movement.reserved_delta
    threshold = movement.stock.low_stock_threshold
    return after < threshold <= before


def stock_low(movements: Iterable[StockMovement]) -> None:
    """Write one ``stock.low`` per movement that crossed (one INSERT for them all)."""
    crossed = [m for m in movements if crossed_low(m)]
    if not crossed:
        return
    codes = dict(Sku.objects.filter(pk__in={m.stock.sku_id for m in crossed})
                 .values_list("pk", "code"))
    events.record_many([NewEvent("stock.low", m.stock.pk, {
        "stock_id": m.stock.pk, "sku_id": m.stock.sku_id, "sku_code": codes[m.stock.sku_id],
        "warehouse_id": m.stock.warehouse_id, "on_hand": m.on_hand_after,
        "reserved": m.reserved_after, "available": m.on_hand_after - m.reserved_after,
        "low_stock_threshold": m.stock.low_stock_threshold, "movement_kind": m.kind,
        "reference": m.reference}, m.created_at) for m in crossed])
