"""Which dimension explains an anomaly: the one value whose own deviation carries most of it.

For each dimension that applies to the KPI (channel, traffic source, category, province,
device, payment method), the KPI is split by the dimension's values over the anomaly's
period and the same periods of the weeks before. Each value is compared with its own
baseline:

- a sum (GMV, orders, visitors): deviation = actual − median of its history periods;
- a rate (numerator / denominator): its baseline rate is its pooled history rate
  (Σ numerators / Σ denominators) and its contribution to the KPI's deviation is
  (numerator − baseline rate × denominator) / the KPI's denominator of the period.

A value's share = its deviation (in the KPI's units) / the KPI's deviation. The dimension
whose best value (same direction) has the largest share explains the anomaly; its table
lists the values with the largest deviations. A dimension with a single value (a shop selling
in one channel) splits nothing and is left out. ``explain`` is pure (pandas); ``drill_down``
reads the split series from the warehouse (``kpi_series``).
"""

from dataclasses import dataclass, field
from datetime import date

import numpy as np
import pandas as pd

from zhanggui.insights import kpi_series
from zhanggui.insights.dimension_labels import label_for

TOP_VALUES = 8


@dataclass
class Explanation:
    dimension: str = ""
    value: str = ""
    label: str = ""
    share: float | None = None
    tables: list[dict] = field(default_factory=list)  # one per dimension, the chosen first


def _value_rows(table: pd.DataFrame, target: pd.Timestamp, is_rate: bool,
                kpi_denominator: float, scale: float) -> pd.DataFrame:
    """Per value: actual, expected, deviation (KPI units) and volume at ``target``."""
    numerator = table.pivot_table(index="period", columns="key", values="numerator",
                                  aggfunc="sum").fillna(0.0)
    if target not in numerator.index:
        numerator.loc[target] = 0.0
    history = numerator.drop(index=target)
    if not is_rate:
        actual = numerator.loc[target]
        expected = (history.median(axis=0) if len(history) else actual * 0)
        return pd.DataFrame({"actual": actual, "expected": expected,
                             "deviation": (actual - expected) * scale, "volume": actual})
    denominator = table.pivot_table(index="period", columns="key", values="denominator",
                                    aggfunc="sum").reindex(index=numerator.index,
                                                           columns=numerator.columns).fillna(0.0)
    pooled_den = denominator.drop(index=target).sum(axis=0)
    rate = history.sum(axis=0) / pooled_den.where(pooled_den > 0)
    den_now, num_now = denominator.loc[target], numerator.loc[target]
    actual = num_now / den_now.where(den_now > 0)
    expected = rate.fillna(0.0)
    contribution = (num_now - expected * den_now) / kpi_denominator if kpi_denominator else 0.0 * num_now
    return pd.DataFrame({"actual": actual, "expected": expected, "deviation": contribution,
                         "volume": den_now})


def explain(tables: dict[str, pd.DataFrame], target: pd.Timestamp, *, deviation: float,
            is_rate: bool, kpi_denominator: float = 0.0,
            scales: dict[str, float] | None = None) -> Explanation:
    """The dimension and value that explain ``deviation`` (the KPI's actual − expected).

    ``tables``: per dimension, rows of period, key, numerator (and denominator for rates).
    ``scales``: per dimension, a factor turning its values into the KPI's units (order
    lines' GMV into paid GMV); 1 by default.
    """
    result = Explanation()
    if not deviation or not np.isfinite(deviation):
        return result
    candidates = []
    for dimension, table in tables.items():
        if table["key"].nunique() < 2:  # one value (one channel) splits nothing
            continue
        rows = _value_rows(table, target, is_rate, kpi_denominator, (scales or {}).get(dimension, 1.0))
        rows["share"] = rows["deviation"] / deviation
        rows = rows.replace([np.inf, -np.inf], np.nan)
        best_key = rows["share"].fillna(-np.inf).idxmax()
        best = float(rows.loc[best_key, "share"]) if np.isfinite(rows.loc[best_key, "share"]) else None
        top = rows.reindex(rows["deviation"].abs().sort_values(ascending=False).index[:TOP_VALUES])
        candidates.append((best if best is not None else -np.inf, dimension, str(best_key), top))
    if not candidates:
        return result
    # The largest share wins; on a tie the dimension listed first (stable sort).
    order = sorted(range(len(candidates)), key=lambda i: -candidates[i][0])
    share, dimension, key, _top = candidates[order[0]]
    if share <= 0:
        result.tables = [_table(candidates[i]) for i in order]
        return result
    result.dimension, result.value = dimension, key
    result.label = label_for(dimension, key)
    result.share = float(min(share, 1.0))
    result.tables = [_table(candidates[i]) for i in order]
    return result


def _num(value) -> str | None:
    return None if value is None or not np.isfinite(value) else f"{float(value):.4f}"


def _table(candidate) -> dict:
    share, dimension, _key, top = candidate
    return {"dimension": dimension,
            "share": _num(share if np.isfinite(share) else None),
            "rows": [{"value": str(key), "label": label_for(dimension, str(key)),
                      "actual": _num(row.actual), "expected": _num(row.expected),
                      "deviation": _num(row.deviation), "share": _num(row.share),
                      "volume": _num(row.volume)}
                     for key, row in top.iterrows()]}


def split_tables(kpi: kpi_series.Kpi, grain: str, days: list[date], hours: tuple[int, int],
                 scope: tuple[str, str] | None = None) -> dict[str, pd.DataFrame]:
    """Per dimension of ``kpi``: its numerator (and denominator) per period and value."""
    tables = {}
    for dimension in kpi.dimensions:
        numerator = _measure(kpi.numerator, dimension)
        frame = kpi_series.measure_frame(numerator, grain, days, by=dimension, hours=hours,
                                         where=_scope_condition(scope))
        frame = frame.rename(columns={"value": "numerator"})
        if kpi.is_rate:
            den = kpi_series.measure_frame(_measure(kpi.denominator, dimension), grain, days,
                                           by=dimension, hours=hours, where=_scope_condition(scope))
            frame = frame.merge(den.rename(columns={"value": "denominator"}),
                                on=["period", "key"], how="outer").fillna(0.0)
        tables[dimension] = frame
    return tables


def _measure(measure: str, dimension: str) -> str:
    return kpi_series.BY_CATEGORY.get(measure, measure) if dimension == "category" else measure


def _scope_condition(scope: tuple[str, str] | None) -> str:
    if not scope:
        return ""
    column, value = scope
    escaped = value.replace("'", "''")
    return f"CAST({column} AS VARCHAR) = '{escaped}'"


def line_scale(kpi: kpi_series.Kpi, tables: dict[str, pd.DataFrame], target: pd.Timestamp,
               kpi_actual: float) -> dict[str, float]:
    """For a sum split by category (order lines): the KPI's total over the lines' total."""
    if kpi.is_rate or "category" not in tables:
        return {}
    lines = tables["category"]
    total = float(lines.loc[lines["period"] == target, "numerator"].sum())
    return {"category": kpi_actual / total} if total > 0 else {}
