"""Row locks on stock. Always lock in primary-key order so that two transactions
touching the same rows wait for each other instead of deadlocking.

On PostgreSQL this is ``SELECT … FOR UPDATE ORDER BY id``. SQLite ignores the clause;
there every write transaction starts IMMEDIATE (see settings), which serialises writers.
"""

from collections.abc import Iterable

from zhanggui.inventory.models import Stock


def lock_stocks(stock_ids: Iterable[int]) -> dict[int, Stock]:
    """Lock the given stock rows in primary-key order and return them by id."""
    ids = sorted(set(stock_ids))
    rows = Stock.objects.select_for_update().filter(pk__in=ids).order_by("pk")
    return {row.pk: row for row in rows}


def lock_stocks_of_skus(sku_ids: Iterable[int]) -> list[Stock]:
    """Lock every stock row of the given SKUs (all warehouses), in primary-key order."""
    rows = (Stock.objects.select_for_update().filter(sku_id__in=sorted(set(sku_ids)))
            .select_related("warehouse").order_by("pk"))
    return list(rows)


def lock_stock(sku_id: int, warehouse_id: int) -> Stock:
    """Lock (creating it empty when missing) the stock row of a SKU in a warehouse."""
    stock, _created = Stock.objects.get_or_create(sku_id=sku_id, warehouse_id=warehouse_id)
    return Stock.objects.select_for_update().get(pk=stock.pk)
