"""Daily and hourly KPI series from the DuckDB warehouse, for the anomaly detector.

Each KPI is a metric of the registry (``analytics.metrics``, by its code): a sum (GMV,
paid orders, visitors) or a rate (its numerator over its denominator). The warehouse's raw
tables are read through ``facts``: one SELECT per kind of fact with its time ``t`` and the
dimensions a drill-down splits by. A detection only needs the periods of one weekday
(the target day and the same weekday of the weeks before), so each query reads those days.

``series(day, grain)`` gives one row per KPI (and scope, e.g. visitors of one traffic
source), and period: ``value``, ``numerator``, ``denominator``.
"""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

import pandas as pd

from zhanggui.analytics import reader
from zhanggui.analytics.metrics import METRICS

PAID = """
    SELECT o.paid_at AS t, o.paid_amount AS amount, o.order_id, o.customer_id,
           o.customer_is_guest, o.channel, o.province_code AS province,
           pm.method AS payment_method, ev.source, ev.device
    FROM orders o
    LEFT JOIN (SELECT order_id, min(method) AS method FROM payments
               WHERE status = 'succeeded' GROUP BY order_id) pm USING (order_id)
    LEFT JOIN (SELECT order_id, min(source) AS source, min(device) AS device FROM events
               WHERE kind = 'order' AND order_id IS NOT NULL GROUP BY order_id) ev USING (order_id)
    WHERE o.paid_at IS NOT NULL AND o.status <> 'cancelled' AND {span}"""
LINES = """
    SELECT l.paid_at AS t, l.total_amount AS amount, l.order_id,
           CAST(l.top_category AS VARCHAR) AS category
    FROM line_facts l
    WHERE l.paid_at IS NOT NULL AND l.status <> 'cancelled' AND {span}"""
EVENTS = """
    SELECT e.occurred_at AS t, e.visitor_id, e.source, e.device, e.channel
    FROM events e WHERE {span}"""
PAYMENTS = """
    SELECT pa.created_at AS t, pa.order_id, pa.status, pa.method AS payment_method,
           pa.failure_reason, o.channel, o.province_code AS province, o.paid_at
    FROM payments pa JOIN orders o USING (order_id) WHERE {span}"""
# A refund's category: the top category of its request's first product, else of the
# order's most valuable line (a refund without a request).
REFUNDS = """
    SELECT r.created_at AS t, r.amount, o.channel, o.province_code AS province,
           CAST(coalesce(rc.category_id, oc.category_id) AS VARCHAR) AS category
    FROM refunds r JOIN orders o USING (order_id)
    LEFT JOIN (SELECT a.request_id, min(ct.top_id) AS category_id FROM aftersales a
               JOIN products pr ON pr.product_id = a.product_id
               JOIN category_tree ct ON ct.category_id = pr.category_id
               GROUP BY a.request_id) rc ON rc.request_id = r.request_id
    LEFT JOIN (SELECT order_id, arg_max(top_category, total_amount) AS category_id
               FROM line_facts GROUP BY order_id) oc ON oc.order_id = r.order_id
    WHERE {span}"""
FACTS = {"paid": PAID, "lines": LINES, "events": EVENTS, "payments": PAYMENTS, "refunds": REFUNDS}


@dataclass(frozen=True)
class Measure:
    """An aggregate over one fact (the registry's base metric, as the raw tables give it)."""

    fact: str
    expression: str


MEASURES = {
    "gmv": Measure("paid", "coalesce(sum(amount), 0)"),
    "orders_paid": Measure("paid", "count(*)"),
    "paying_buyers": Measure("paid", "count(DISTINCT customer_id) FILTER (WHERE NOT customer_is_guest)"),
    "visitors": Measure("events", "count(DISTINCT visitor_id)"),
    "refunds_amount": Measure("refunds", "coalesce(sum(amount), 0)"),
    "payment_attempts": Measure("payments", "count(*)"),
    "failed_payments": Measure("payments", "count(*) FILTER (WHERE status = 'failed')"),
    # Per category a GMV is that of the order lines (goods after item discounts).
    "line_gmv": Measure("lines", "coalesce(sum(amount), 0)"),
    "line_orders": Measure("lines", "count(DISTINCT order_id)"),
}
# A measure split by category is read from the order lines instead.
BY_CATEGORY = {"gmv": "line_gmv", "orders_paid": "line_orders"}


@dataclass(frozen=True)
class Kpi:
    code: str  # the metric registry's code
    numerator: str  # a measure
    denominator: str = ""  # a measure (rates)
    dimensions: tuple[str, ...] = ()
    scope: str = ""  # a dimension whose every value is a series of its own (visitors by source)
    volume: str = ""  # the key of its minimum volume in settings.ZHANGGUI_ANOMALIES["MIN_VOLUME"]
    noise: str = ""  # the detector's noise floor: "poisson" (counts), "binomial" (count rates)

    @property
    def is_rate(self) -> bool:
        return bool(self.denominator)

    @property
    def metric(self):
        return METRICS[self.code]


KPIS = (
    Kpi("gmv", "gmv", dimensions=("payment_method", "channel", "source", "category", "province"),
        volume="gmv"),
    Kpi("orders_paid", "orders_paid",
        dimensions=("payment_method", "channel", "source", "category", "province"),
        volume="orders", noise="poisson"),
    Kpi("payment_conversion_rate", "paying_buyers", "visitors",
        dimensions=("source", "device", "channel"), volume="visitors", noise="binomial"),
    Kpi("refund_amount_rate", "refunds_amount", "gmv", dimensions=("category", "channel", "province"),
        volume="gmv"),
    Kpi("visitors", "visitors", dimensions=("device", "channel"), scope="source",
        volume="source_visitors", noise="poisson"),
    Kpi("payment_failure_rate", "failed_payments", "payment_attempts",
        dimensions=("payment_method", "channel", "province"), volume="attempts", noise="binomial"),
)
KPIS_BY_CODE = {kpi.code: kpi for kpi in KPIS}
TRUNC = {"day": "day", "hour": "hour"}


def local_start(day: date) -> datetime:
    """The warehouse holds naive shop-local timestamps."""
    return datetime.combine(day, time.min)


def weekday_days(day: date, weeks: int) -> list[date]:
    """``day`` and the same weekday of the ``weeks`` weeks before it, oldest first."""
    return [day - timedelta(weeks=j) for j in range(weeks, -1, -1)]


def span_condition(days: list[date], hours: tuple[int, int] = (0, 24)) -> str:
    """The rows of those days (and hours), as literal bounds DuckDB can skip row groups by."""
    parts = []
    for d in days:
        start = local_start(d) + timedelta(hours=hours[0])
        end = local_start(d) + timedelta(hours=hours[1])
        parts.append(f"(t >= TIMESTAMP '{start:%Y-%m-%d %H:%M:%S}' AND "
                     f"t < TIMESTAMP '{end:%Y-%m-%d %H:%M:%S}')")
    return "(" + " OR ".join(parts) + ")"


def measure_frame(measure: str, grain: str, days: list[date], *, by: str = "",
                  hours: tuple[int, int] = (0, 24), where: str = "") -> pd.DataFrame:
    """One measure per period (and value of ``by``): columns period, [key], value; ``where``
    restricts the fact's rows further (a scope)."""
    spec = MEASURES[measure]
    fact = FACTS[spec.fact].format(span="TRUE")
    key = f", CAST({by} AS VARCHAR) AS key" if by else ""
    sql = (f"SELECT date_trunc('{TRUNC[grain]}', t) AS period{key}, {spec.expression} AS value "
           f"FROM ({fact}) f WHERE {span_condition(days, hours)} {'AND ' + where if where else ''} "
           "GROUP BY ALL")
    columns = ["period", "key", "value"] if by else ["period", "value"]
    frame = pd.DataFrame(reader.query(sql), columns=columns)
    frame["period"] = pd.to_datetime(frame["period"])
    frame["value"] = frame["value"].astype(float)
    if by:
        frame["key"] = frame["key"].fillna("")
    return frame


def all_periods(grain: str, days: list[date], hours: tuple[int, int] = (0, 24)) -> pd.DatetimeIndex:
    if grain == "day":
        return pd.DatetimeIndex([local_start(d) for d in days])
    return pd.DatetimeIndex([local_start(d) + timedelta(hours=h) for d in days
                             for h in range(hours[0], hours[1])])


def kpi_series(kpi: Kpi, grain: str, days: list[date],
               hours: tuple[int, int] = (0, 24)) -> pd.DataFrame:
    """The KPI over every period of ``days``: columns scope_key, scope_value, period, value,
    numerator, denominator (missing periods count 0; a rate with no denominator is NaN)."""
    periods = all_periods(grain, days, hours)
    by = kpi.scope
    numerator = _spread(measure_frame(kpi.numerator, grain, days, by=by, hours=hours), periods, by)
    if kpi.is_rate:
        denominator = _spread(measure_frame(kpi.denominator, grain, days, by=by, hours=hours),
                              periods, by)
        numerator, denominator = numerator.align(denominator, fill_value=0.0)
        value = numerator / denominator.where(denominator > 0)
    else:
        denominator = pd.DataFrame(float("nan"), index=numerator.index, columns=numerator.columns)
        value = numerator
    rows = []
    for scope_value in numerator.columns:
        rows.append(pd.DataFrame({
            "scope_key": f"{by}={scope_value}" if by else "", "scope_value": scope_value,
            "period": periods, "value": value[scope_value].to_numpy(),
            "numerator": numerator[scope_value].to_numpy(),
            "denominator": denominator[scope_value].to_numpy()}))
    if not rows:
        return pd.DataFrame(columns=["scope_key", "scope_value", "period", "value", "numerator",
                                     "denominator"])
    return pd.concat(rows, ignore_index=True)


def _spread(frame: pd.DataFrame, periods: pd.DatetimeIndex, by: str) -> pd.DataFrame:
    """Periods × scope values (one column "" without a scope), zeros where nothing happened."""
    if by:
        table = frame.pivot_table(index="period", columns="key", values="value", aggfunc="sum")
    else:
        table = frame.set_index("period")[["value"]].rename(columns={"value": ""})
    return table.reindex(periods).fillna(0.0)


def series(day: date, grain: str, weeks: int, hours: tuple[int, int] = (0, 24)) -> dict[str, pd.DataFrame]:
    """Every KPI's series over ``day`` and the same weekday of the weeks before it."""
    days = weekday_days(day, weeks)
    return {kpi.code: kpi_series(kpi, grain, days, hours) for kpi in KPIS}


def unrecovered_share(grain: str, days: list[date], hours: tuple[int, int] = (0, 24)) -> dict:
    """Per period: the share of the orders with a failed payment attempt that were never
    paid (1 when none failed)."""
    fact = FACTS["payments"].format(span="TRUE")
    sql = (f"SELECT date_trunc('{TRUNC[grain]}', t) AS period, count(DISTINCT order_id), "
           f"count(DISTINCT order_id) FILTER (WHERE paid_at IS NULL) "
           f"FROM ({fact}) f WHERE status = 'failed' AND {span_condition(days, hours)} GROUP BY ALL")
    return {pd.Timestamp(period): (unpaid / failed if failed else 1.0)
            for period, failed, unpaid in reader.query(sql)}
