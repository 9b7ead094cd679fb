"""What changed: the briefing's KPIs of a day against the day before, the same weekday a
week earlier and the same day a year earlier, computed in the warehouse by the metric
registry (``analytics.engine``), so every figure is the report's figure with its formula.

A comparison day before the warehouse's first day of data has no value (``None``): "no data
a year ago" is not "zero sales a year ago". Values and changes are JSON strings of
``Decimal`` (rates are fractions); a change is relative (``(value − base) / base``), or the
difference in points for a rate, and ``None`` when the base is missing or zero.
"""

from datetime import date, timedelta
from decimal import Decimal, InvalidOperation

from zhanggui.analytics import engine
from zhanggui.analytics.errors import WarehouseEmpty
from zhanggui.analytics.metrics import METRICS
from zhanggui.analytics.rules import Period, same_period_last_year

# The briefing's KPIs, in the order the page shows them (codes of the metric registry).
KPI_CODES = ("gmv", "orders_paid", "visitors", "payment_conversion_rate", "aov", "refund_rate",
             "payment_failure_rate", "ship_within_48h_rate")
COMPARISONS = ("previous_day", "last_week", "last_year")
FIRST_DAY_SQL = ("SELECT min(CAST(paid_at AS DATE)) FROM orders WHERE paid_at IS NOT NULL")


def periods_of(day: date) -> list[Period]:
    """The reported day and the three days it is compared with."""
    current = Period("day", day, day + timedelta(days=1))
    year = same_period_last_year(current)
    return [current,
            Period("previous_day", day - timedelta(days=1), day),
            Period("last_week", day - timedelta(days=7), day - timedelta(days=6)),
            Period("last_year", year.start, year.start + timedelta(days=1))]


def _decimal(value) -> Decimal | None:
    if value is None:
        return None
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None
    return number if number.is_finite() else None


def change(value: Decimal | None, base: Decimal | None, unit: str) -> Decimal | None:
    """Relative change (a fraction), or for a rate the difference of the two fractions."""
    if value is None or base is None:
        return None
    if unit == "rate":
        return (value - base).quantize(Decimal("0.0001"))
    if base == 0:
        return None
    return ((value - base) / base).quantize(Decimal("0.0001"))


def _text(value: Decimal | None, unit: str) -> str | None:
    if value is None:
        return None
    if unit == "rate":
        return str(value.quantize(Decimal("0.0001")))
    if unit == "count" and value == value.to_integral_value():
        return str(int(value))
    return str(value.quantize(Decimal("0.01")))


def kpi_rows(values: dict, day: date, first_day: date | None) -> list[dict]:
    """The KPI rows from ``values`` (``{period label: {code: value}}``); a comparison period
    before ``first_day`` (or any, when the warehouse has no orders) has no value."""
    starts = {period.label: period.start for period in periods_of(day)}
    rows = []
    for code in KPI_CODES:
        metric = METRICS[code]
        current = _decimal(values.get("day", {}).get(code))
        row = {"code": code, "name": str(metric.name), "unit": metric.unit,
               "formula": metric.formula, "value": _text(current, metric.unit)}
        for label in COMPARISONS:
            known = first_day is not None and starts[label] >= first_day
            base = _decimal(values.get(label, {}).get(code)) if known else None
            row[label] = {"value": _text(base, metric.unit),
                          "change": _text(change(current, base, metric.unit), "rate")}
        rows.append(row)
    return rows


def kpi_changes(day: date) -> list[dict]:
    """The KPI rows of ``day`` (empty before the warehouse's first build)."""
    try:
        values, first = engine.compute_many([
            engine.query(list(KPI_CODES), periods_of(day)), engine.Rows(FIRST_DAY_SQL)])
    except WarehouseEmpty:
        return []
    first_day = first[0][0] if first and first[0] else None
    if first_day is not None and not isinstance(first_day, date):
        first_day = date.fromisoformat(str(first_day)[:10])
    return kpi_rows(values, day, first_day)
