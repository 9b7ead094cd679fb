"""Censored days from the stock rows (the frames demand.py builds from the warehouse)."""

import math

import pandas as pd

from zhanggui.insights import demand


def _stock(rows):
    return pd.DataFrame(rows, columns=["sku_id", "warehouse_id", "day", "available"]).assign(
        day=lambda f: pd.to_datetime(f["day"]))


SALES = pd.DataFrame({"sku_id": [7, 7], "warehouse_id": [1, 2],
                      "day": ["2026-11-02", "2026-11-03"], "units": [3, 4]})
STOCK = _stock([
    (7, 1, "2026-11-01", 5), (7, 2, "2026-11-01", 0),   # one warehouse still has some
    (7, 1, "2026-11-02", 0), (7, 2, "2026-11-02", 0),   # none anywhere: censored
    (7, 1, "2026-11-03", 0), (7, 2, "2026-11-03", 9),
])


def _values(frame: pd.DataFrame, key: str) -> dict:
    rows = frame[frame["unique_id"] == key].sort_values("ds")
    return {d.strftime("%m-%d"): y for d, y in zip(rows["ds"], rows["y"], strict=True)}


def test_a_sku_day_is_censored_only_when_every_warehouse_was_out():
    series = demand._series(SALES.assign(warehouse_id=None), STOCK, all_warehouses=True)
    values = _values(series, "7")
    assert values["11-01"] == 0
    assert math.isnan(values["11-02"])  # 3 units sold, but nothing was available at the start
    assert values["11-03"] == 4


def test_a_sku_warehouse_day_is_censored_when_that_warehouse_was_out():
    series = demand._series(SALES, STOCK, all_warehouses=False)
    first, second = _values(series, "7@1"), _values(series, "7@2")
    assert first["11-01"] == 0 and math.isnan(first["11-02"]) and math.isnan(first["11-03"])
    assert math.isnan(second["11-01"]) and math.isnan(second["11-02"]) and second["11-03"] == 4


def test_series_keys_round_trip():
    assert demand.parse_key(demand.sku_key(7)) == (7, None)
    assert demand.parse_key(demand.sku_key(7, 3)) == (7, 3)
