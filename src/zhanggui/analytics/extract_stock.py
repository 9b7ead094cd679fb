"""The stock ledger in the warehouse: every movement of every stock row with the row's
figures after it, so the stock level at any moment (and the stock-out days the demand
forecasts must not read as zero demand) can be found without the OLTP database.

Append-only (read by id). Imported by ``extract`` at the end of its list; import ``extract``,
not this module, to get ``EXTRACTS``.
"""

from zhanggui.analytics.extract import TS, Extract

STOCK_MOVEMENTS = Extract(
    table="stock_movements", key="movement_id", mode="by_id", watermark="m.id",
    select="""SELECT m.id, m.stock_id, s.sku_id, s.warehouse_id, m.kind, m.on_hand_delta,
                     m.reserved_delta, m.on_hand_after, m.reserved_after, m.created_at
              FROM inventory_stockmovement m JOIN inventory_stock s ON s.id = m.stock_id""",
    columns=(("movement_id", "BIGINT"), ("stock_id", "BIGINT"), ("sku_id", "BIGINT"),
             ("warehouse_id", "BIGINT"), ("kind", "VARCHAR"), ("on_hand_delta", "INTEGER"),
             ("reserved_delta", "INTEGER"), ("on_hand_after", "INTEGER"),
             ("reserved_after", "INTEGER"), ("created_at", TS)),
)
