"""Daily demand and stock-out days, read from the analytics warehouse (DuckDB), as the long
DataFrames the forecasting engine takes.

Demand of a SKU on a day = units of its order lines in orders paid that day (shop-local
day of ``paid_at``; orders cancelled later still were demand). Per warehouse: the units of
those lines placed in a parcel from that warehouse (parcels not cancelled); units not yet in
a parcel count for the SKU as a whole only.

Censored (stock-out) days, from the stock ledger (``stock_movements``): the available stock
(on hand − reserved) of a stock row at the start of a day is the one after its last movement
before that moment. A SKU × warehouse day is censored when the row's available stock was ≤ 0
at the start of the day; a SKU day when that holds in every warehouse that had a stock row
for the SKU by then.
"""

from datetime import date, timedelta

import pandas as pd

from zhanggui.analytics import reader

DEMAND_SQL = """
SELECT l.sku_id, CAST(o.paid_at AS DATE) AS day, sum(l.quantity) AS units
FROM order_lines l JOIN orders o ON o.order_id = l.order_id
WHERE o.paid_at >= $start AND o.paid_at < $end
GROUP BY ALL
"""

WAREHOUSE_DEMAND_SQL = """
SELECT l.sku_id, s.warehouse_id, CAST(o.paid_at AS DATE) AS day, sum(sl.quantity) AS units
FROM shipment_lines sl
JOIN shipments s ON s.shipment_id = sl.shipment_id
JOIN order_lines l ON l.line_id = sl.line_id
JOIN orders o ON o.order_id = l.order_id
WHERE o.paid_at >= $start AND o.paid_at < $end AND s.status <> 'cancelled'
  AND s.warehouse_id IS NOT NULL
GROUP BY ALL
"""

# One row per stock row and day from the day after its first movement: the available stock
# at the start of the day (ASOF: the row's last movement before midnight).
STOCK_DAYS_SQL = """
WITH rows_ AS (
    SELECT stock_id, any_value(sku_id) AS sku_id, any_value(warehouse_id) AS warehouse_id,
           min(created_at) AS first_at
    FROM stock_movements GROUP BY stock_id),
days AS (
    SELECT r.stock_id, r.sku_id, r.warehouse_id, d.day_start
    FROM rows_ r, range($start, $end, INTERVAL 1 DAY) AS d(day_start)
    WHERE d.day_start > r.first_at)
SELECT days.sku_id, days.warehouse_id, CAST(days.day_start AS DATE) AS day,
       m.on_hand_after - m.reserved_after AS available
FROM days ASOF JOIN stock_movements m
  ON days.stock_id = m.stock_id AND days.day_start > m.created_at
"""


def sku_key(sku_id: int, warehouse_id: int | None = None) -> str:
    """The engine's series key of a SKU (all warehouses) or a SKU × warehouse pair."""
    return str(sku_id) if warehouse_id is None else f"{sku_id}@{warehouse_id}"


def parse_key(key: str) -> tuple[int, int | None]:
    sku, _sep, warehouse = key.partition("@")
    return int(sku), int(warehouse) if warehouse else None


def _frame(sql: str, params: dict) -> pd.DataFrame:
    columns, rows = reader.query_with_columns(sql, params)
    return pd.DataFrame(rows, columns=columns)


def _bounds(first: date, last: date) -> dict:
    from datetime import datetime

    return {"start": datetime.combine(first, datetime.min.time()),
            "end": datetime.combine(last + timedelta(days=1), datetime.min.time())}


def stock_days(first: date, last: date) -> pd.DataFrame:
    """sku_id, warehouse_id, day, available (at the start of the day) for every stock row and
    day of [first, last] after the row's first movement."""
    frame = _frame(STOCK_DAYS_SQL, _bounds(first, last))
    if not frame.empty:
        frame["day"] = pd.to_datetime(frame["day"])
    return frame


def load_history(first: date, last: date) -> tuple[pd.DataFrame, int]:
    """The engine's input for [first, last]: unique_id (``sku_key``), ds, y — one series per
    SKU with sales in the period and one per SKU × warehouse with parcels from there; y is
    NaN on censored days. Each series starts at its first sale or its stock row's first day
    in the period, whichever is earlier. Also returns the number of SKUs."""
    params = _bounds(first, last)
    demand = _frame(DEMAND_SQL, params)
    if demand.empty:
        return pd.DataFrame(columns=["unique_id", "ds", "y"]), 0
    by_warehouse = _frame(WAREHOUSE_DEMAND_SQL, params)
    stock = stock_days(first, last)
    sold = set(demand["sku_id"])
    frames = [_series(demand.assign(warehouse_id=None), stock, all_warehouses=True),
              _series(by_warehouse, stock[stock["sku_id"].isin(sold)] if not stock.empty
                      else stock, all_warehouses=False)]
    history = pd.concat([f for f in frames if not f.empty], ignore_index=True)
    return history, len(sold)


def _series(demand: pd.DataFrame, stock: pd.DataFrame, *, all_warehouses: bool) -> pd.DataFrame:
    if demand.empty:
        return pd.DataFrame(columns=["unique_id", "ds", "y"])
    demand = demand.assign(day=pd.to_datetime(demand["day"]), units=demand["units"].astype(float))
    if all_warehouses:
        demand["unique_id"] = demand["sku_id"].map(sku_key)
    else:
        demand["unique_id"] = [sku_key(s, w) for s, w in zip(demand["sku_id"],
                                                             demand["warehouse_id"], strict=True)]
    rows = demand[["unique_id", "day", "units"]].rename(columns={"day": "ds", "units": "y"})
    if stock.empty:
        return rows
    if all_warehouses:
        stock = stock.assign(unique_id=stock["sku_id"].map(sku_key))
    else:
        stock = stock.assign(unique_id=[sku_key(s, w) for s, w in zip(
            stock["sku_id"], stock["warehouse_id"], strict=True)])
    stock = stock[stock["unique_id"].isin(set(rows["unique_id"]))]
    # Censored: out of stock at the start of the day in every stock row of the series.
    out = stock.assign(out=stock["available"] <= 0).groupby(["unique_id", "day"])["out"].all()
    censored = out[out].reset_index()[["unique_id", "day"]].rename(columns={"day": "ds"})
    starts = stock.groupby("unique_id")["day"].min().rename("ds").reset_index()
    rows = pd.concat([rows, starts.assign(y=0.0), censored.assign(y=0.0)], ignore_index=True)
    rows = rows.groupby(["unique_id", "ds"], as_index=False)["y"].sum()
    marked = rows.merge(censored.assign(censored=True), on=["unique_id", "ds"], how="left")
    marked.loc[marked["censored"].eq(True), "y"] = float("nan")
    return marked[["unique_id", "ds", "y"]]
