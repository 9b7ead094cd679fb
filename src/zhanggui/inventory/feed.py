"""Drop-ship stock from the supplier's feed (CSV upload or API): the supplier says how many
units of each SKU it can ship, and the drop-ship warehouse's stock follows.

Every change goes through ``actions._apply`` as a ``feed`` movement referenced
``FEED-<run id>``, so the ledger still explains every stock row. A feed with any bad row
changes no stock at all (the rejected run is kept, with its errors, for the record).
"""

from collections.abc import Iterable, Mapping

from django.db import transaction
from django.utils import timezone

from zhanggui.accounts.actions import log_operation
from zhanggui.accounts.models import Staff
from zhanggui.accounts.roles import Role
from zhanggui.catalog.models import Sku
from zhanggui.inventory import events as inventory_events
from zhanggui.inventory import locks
from zhanggui.inventory.actions import _apply
from zhanggui.inventory.errors import FeedRejected, NotDropShipWarehouse, NotYourWarehouse
from zhanggui.inventory.models import (
    FeedSource,
    MovementKind,
    Stock,
    StockFeedRun,
    StockMovement,
    Warehouse,
    WarehouseKind,
)
from zhanggui.inventory.rules_feed import FeedRow, as_rows, check_rows, feed_delta


def supplier_warehouse_ids(staff: Staff) -> list[int] | None:
    """For a supplier's account (role "supplier", or listed on a supplier), the drop-ship
    warehouses of its suppliers; None for the shop's own staff (any warehouse)."""
    mine = list(Warehouse.objects.filter(supplier__accounts=staff).values_list("pk", flat=True))
    if mine or staff.groups.filter(name=Role.SUPPLIER).exists():
        return mine
    return None


def check_feed_access(warehouse: Warehouse, actor: Staff | None) -> None:
    """Raises:
        NotDropShipWarehouse: the warehouse is not a drop-ship warehouse.
        NotYourWarehouse: a supplier's account syncing another supplier's warehouse.
    """
    if warehouse.kind != WarehouseKind.DROP_SHIP:
        raise NotDropShipWarehouse(warehouse=warehouse.code)
    if actor is not None:
        allowed = supplier_warehouse_ids(actor)
        if allowed is not None and warehouse.pk not in allowed:
            raise NotYourWarehouse()


def sync_stock_feed(warehouse: Warehouse, *, rows: Mapping[str, object] | Iterable[FeedRow],
                    source: str = FeedSource.API, actor: Staff | None) -> StockFeedRun:
    """Set the available units of the feed's SKUs in ``warehouse`` to the feed's quantities
    (on-hand = quantity + reserved), in one transaction, and stamp
    ``Warehouse.feed_synced_at``. SKUs the feed does not name keep their stock.

    Raises:
        NotDropShipWarehouse, NotYourWarehouse: see ``check_feed_access``.
        FeedRejected: unknown or blank SKU codes, a code twice, quantities that are not whole
            numbers from 0 up: every bad row with its line; no stock changed.
    """
    check_feed_access(warehouse, actor)
    feed = as_rows(rows)
    codes = {row.sku_code.strip() for row in feed}
    sku_ids = dict(Sku.objects.filter(code__in=codes).values_list("code", "pk"))
    quantities, errors = check_rows(feed, set(sku_ids))
    if errors:
        _record_rejected(warehouse, feed, [e.as_dict() for e in errors], source, actor)
        raise FeedRejected([e.as_dict() for e in errors])
    return _apply_feed(warehouse, {sku_ids[code]: units for code, units in quantities.items()},
                       len(feed), source, actor)


@transaction.atomic
def _record_rejected(warehouse, feed, errors, source, actor) -> StockFeedRun:
    run = StockFeedRun.objects.create(warehouse=warehouse, source=source, actor=actor,
                                      synced_at=timezone.now(), rows=len(feed), changed=0,
                                      errors=errors[:500])
    log_operation(run, action="inventory.reject_stock_feed", actor=actor,
                  after={"warehouse": warehouse.code, "rows": len(feed), "errors": len(errors)})
    return run


@transaction.atomic
def _apply_feed(warehouse: Warehouse, quantities: dict[int, int], row_count: int, source: str,
                actor: Staff | None) -> StockFeedRun:
    now = timezone.now()
    run = StockFeedRun.objects.create(warehouse=warehouse, source=source, actor=actor,
                                      synced_at=now, rows=row_count)
    reference = f"FEED-{run.pk}"
    present = set(Stock.objects.filter(warehouse=warehouse, sku_id__in=quantities)
                  .values_list("sku_id", flat=True))
    Stock.objects.bulk_create([Stock(sku_id=sku, warehouse=warehouse)
                               for sku in sorted(set(quantities) - present)],
                              ignore_conflicts=True)
    ids = Stock.objects.filter(warehouse=warehouse, sku_id__in=quantities).values_list("pk", flat=True)
    movements: list[StockMovement] = []
    for stock in locks.lock_stocks(ids).values():
        delta = feed_delta(quantity=quantities[stock.sku_id], on_hand=stock.on_hand,
                           reserved=stock.reserved)
        if delta:
            movements.append(_apply(stock, kind=MovementKind.FEED, on_hand_delta=delta,
                                    reason="supplier stock feed", reference=reference,
                                    actor=actor))
    StockMovement.objects.bulk_create(movements)
    inventory_events.stock_low(movements)
    run.changed = len(movements)
    run.save(update_fields=["changed"])
    Warehouse.objects.filter(pk=warehouse.pk).update(feed_synced_at=now, updated_at=now)
    warehouse.feed_synced_at = now
    log_operation(run, action="inventory.sync_stock_feed", actor=actor,
                  after={"warehouse": warehouse.code, "rows": row_count, "changed": run.changed})
    return run
