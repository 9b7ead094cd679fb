"""The customers report: new and returning buyers, monthly cohorts, RFM segments and member
tiers (split out of ``reports``, which still offers these names)."""

from datetime import timedelta

from django.utils.translation import gettext_lazy as _

from zhanggui.analytics import engine, rules
from zhanggui.analytics.engine import Filters
from zhanggui.analytics.metrics import METRICS
from zhanggui.analytics.report_base import (
    NO_FILTERS,
    Report,
    _add_kpis,
    _column,
    _explain_derived,
    _kpi_query,
    _new,
)
from zhanggui.analytics.rules import Period


def customers(period: Period, compare: Period | None = None,
              filters: Filters = NO_FILTERS) -> Report:
    report = _new("customers", _("Customers"), period, compare, filters)
    kpi_codes = ["paying_buyers", "new_buyers", "returning_buyers", "repurchase_rate", "aov"]
    kpis, cohorts, rfm = engine.compute_many([
        _kpi_query(report, kpi_codes, also=["new_buyer_gmv", "returning_buyer_gmv"]),
        cohort_query(cohort_window(report.period), filters), rfm_query(report.period, filters)])
    split = _add_kpis(report, kpi_codes, kpis)
    report.charts.append({"id": "new_returning", "type": "pie",
                          "title": str(_("New and returning buyers")),
                          "series": [{"name": str(_("Buyers")), "data": [
                              {"name": str(METRICS["new_buyers"].name), "value": split["new_buyers"]},
                              {"name": str(METRICS["returning_buyers"].name),
                               "value": split["returning_buyers"]}]}]})
    report.tables.append({"id": "new_returning", "title": str(_("New and returning buyers")),
                          "columns": [_column("kind", _("Buyers")), _column("buyers", _("Buyers"), "count"),
                                      _column("gmv", _("GMV"), "money")],
                          "rows": [{"kind": str(METRICS["new_buyers"].name), "buyers": split["new_buyers"],
                                    "gmv": split["new_buyer_gmv"]},
                                   {"kind": str(METRICS["returning_buyers"].name),
                                    "buyers": split["returning_buyers"],
                                    "gmv": split["returning_buyer_gmv"]}]})
    _cohorts(report, cohort_rows(cohorts, cohort_window(report.period)), filters)
    summary = summarize_rfm(rfm)  # one query for segments and tiers
    _rfm(report, summary["segments"])
    _tiers(report, summary["tiers"])
    return _explain_derived(report)


def cohort_matrix(period: Period, filters: Filters = NO_FILTERS) -> list[dict]:
    """Cohorts whose first paid order falls in the period (by month), each with its size and
    retention per month number k (customers buying in month c + k / size)."""
    return cohort_rows(engine.compute_many([cohort_query(period, filters)])[0], period)


def cohort_query(period: Period, filters: Filters = NO_FILTERS) -> engine.Query:
    return engine.query(["cohort_customers", "cohort_size", "retention_rate"],
                        [Period("current", period.start, period.end)], filters,
                        group_by=("cohort", "month_number"))


def cohort_rows(values: dict, period: Period) -> list[dict]:
    """``cohort_matrix``'s rows from ``cohort_query``'s values."""
    values = values["current"]
    cohorts: dict = {}
    for (cohort, k), row in values.items():
        cohorts.setdefault(cohort, {})[k] = row
    last = period.end - timedelta(days=1)
    rows = []
    for cohort in sorted(cohorts):
        months = cohorts[cohort]
        # Every month from the cohort's to the period's last, zero where nobody came back.
        width = (last.year - cohort.year) * 12 + last.month - cohort.month + 1
        size = next(iter(months.values()))["cohort_size"]
        rows.append({"cohort": cohort.strftime("%Y-%m"), "size": size,
                     "customers": [months.get(k, {}).get("cohort_customers", 0) for k in range(width)],
                     "retention": [months[k]["retention_rate"] if k in months else 0.0
                                   for k in range(width)]})
    return rows


COHORT_MONTHS = 12


def cohort_window(period: Period) -> Period:
    """The cohorts a report shows: the ``COHORT_MONTHS`` calendar months up to the month in
    which the period ends (a retention matrix needs months, whatever the period's length)."""
    last = period.end - timedelta(days=1)
    month, year = last.month - (COHORT_MONTHS - 1), last.year
    while month < 1:
        month, year = month + 12, year - 1
    return Period("current", last.replace(year=year, month=month, day=1), period.end)


def _cohorts(report: Report, rows: list[dict], filters: Filters) -> None:
    width = max((len(r["retention"]) for r in rows), default=0)
    report.tables.append({"id": "cohorts", "title": str(_("Monthly cohort retention")), "columns": [
        _column("cohort", _("Cohort (first paid month)")), _column("size", _("Cohort size"), "count"),
        *[_column(f"m{k}", _("Month %(k)d") % {"k": k}, "rate") for k in range(1, width)]],
        "rows": [{"cohort": r["cohort"], "size": r["size"],
                  **{f"m{k}": r["retention"][k] for k in range(1, len(r["retention"]))}} for r in rows]})
    report.charts.append({"id": "cohorts", "type": "heatmap", "title": str(_("Monthly cohort retention")),
                          "inverse_y": True,
                          "x": [f"M{k}" for k in range(1, width)], "y": [r["cohort"] for r in rows],
                          "series": [{"name": str(_("Retention (%)")), "data": [
                              [k - 1, i, round((r["retention"][k] or 0) * 100, 2)]
                              for i, r in enumerate(rows) for k in range(1, len(r["retention"]))]}]})
    report.explain.extend(engine.explain(["retention_rate"], [cohort_window(report.period)],
                                         filters, group_by=("cohort", "month_number")))


RFM_SQL = """
WITH {periods}, buyers AS (
    SELECT o.customer_id,
           date_diff('day', CAST(max(o.paid_at) AS DATE), CAST(p.end_at AS DATE)) AS recency_days,
           count(*) AS frequency, sum(o.paid_amount) AS monetary
    FROM orders o JOIN periods p ON o.paid_at >= p.start_at AND o.paid_at < p.end_at
    WHERE o.status <> 'cancelled' AND NOT o.customer_is_guest {span} {channel}
    GROUP BY o.customer_id, p.end_at
), means AS (
    SELECT avg(recency_days) AS r, avg(frequency) AS f, avg(monetary) AS m FROM buyers
)
SELECT b.recency_days < means.r AS recent, b.frequency > means.f AS frequent,
       b.monetary > means.m AS big, {tier} AS tier, count(*) AS customers, sum(b.monetary) AS revenue
FROM buyers b, means
GROUP BY ALL
"""


def _rfm_sql(periods: list[Period], filters: Filters) -> str:
    return RFM_SQL.format(periods=engine.period_tables(periods),
                          span=engine.span_condition("o.paid_at", periods),
                          channel="AND o.channel = $channel" if filters.channel else "",
                          tier=rules.spending_tier_sql("b.monetary"))


def rfm_summary(period: Period, filters: Filters = NO_FILTERS) -> dict:
    """The period's buyers by RFM segment and by spending tier: ``{"segments": {code:
    {customers, revenue}}, "tiers": [{customers, revenue}, …]}``.

    R is the days from the last paid order to the period's end, F the paid orders, M the paid
    amount; each is "high" when better than the mean of all the period's buyers
    (``rules.RFM_SEGMENTS``). One query groups the buyers by (R, F, M high?, tier)."""
    return summarize_rfm(engine.compute_many([rfm_query(period, filters)])[0])


def rfm_query(period: Period, filters: Filters = NO_FILTERS) -> engine.Rows:
    params = (("channel", filters.channel),) if filters.channel else ()
    return engine.Rows(_rfm_sql([Period("current", period.start, period.end)], filters), params)


def summarize_rfm(rows: list[tuple]) -> dict:
    """``rfm_summary`` from ``rfm_query``'s rows."""
    segments: dict = {}
    tiers = [{"customers": 0, "revenue": 0} for _ in rules.SPENDING_TIERS]
    for recent, frequent, big, tier, customers, revenue in rows:
        for entry in (segments.setdefault(rules.RFM_SEGMENTS[(recent, frequent, big)],
                                          {"customers": 0, "revenue": 0}), tiers[tier]):
            entry["customers"] += customers
            entry["revenue"] += revenue
    return {"segments": segments, "tiers": tiers}


SEGMENT_NAMES = {
    "important_value": (_("Important value"), _("Recent, frequent, big spenders: keep them close.")),
    "important_development": (_("Important development"),
                              _("Recent big spenders who buy rarely: raise frequency.")),
    "important_retention": (_("Important retention"),
                            _("Frequent big spenders who have not bought lately: bring them back.")),
    "important_winback": (_("Important win-back"), _("Big spenders, neither recent nor frequent: win back.")),
    "general_value": (_("General value"), _("Recent and frequent, small baskets: raise basket size.")),
    "general_development": (_("General development"), _("Recent, rare, small: new buyers to develop.")),
    "general_retention": (_("General retention"), _("Frequent but lapsing small spenders.")),
    "general_winback": (_("General win-back"), _("Lapsed, rare, small: low-cost win-back.")),
}


def _rfm(report: Report, summary: dict) -> None:
    rows = [{"segment": code, "name": str(name), "definition": str(definition),
             **summary.get(code, {"customers": 0, "revenue": 0})}
            for code, (name, definition) in SEGMENT_NAMES.items()]
    report.tables.append({"id": "rfm", "title": str(_("RFM segments")), "columns": [
        _column("name", _("Segment")), _column("customers", _("Customers"), "count"),
        _column("revenue", _("Revenue"), "money"), _column("definition", _("Definition"))],
        "rows": rows})
    report.charts.append({"id": "rfm", "type": "bar", "title": str(_("RFM segments")),
                          "x": [r["name"] for r in rows],
                          "series": [{"name": str(_("Customers")), "data": [r["customers"] for r in rows]}]})
    report.explain.append({"code": "rfm", "name": str(_("RFM segments")), "unit": "count", "notes": "",
                           "formula": "R = days from the last paid order to the period's end; F = paid "
                                      "orders in the period; M = Σ paid amount; high = better than the "
                                      "mean of the period's buyers (R lower, F and M higher)",
                           "sql": [_rfm_sql([report.period], report.filters)]})


def _tiers(report: Report, tiers: list[dict]) -> None:
    bounds = rules.SPENDING_TIERS
    labels = [f"≥ ¥{bounds[i]}" + (f" < ¥{bounds[i + 1]}" if i + 1 < len(bounds) else "")
              for i in range(len(bounds))]
    report.tables.append({"id": "tiers", "title": str(_("Spending tiers")), "columns": [
        _column("tier", _("Spent in the period")), _column("customers", _("Customers"), "count"),
        _column("revenue", _("Revenue"), "money")],
        "rows": [{"tier": labels[i], **tiers[i]} for i in range(len(bounds))]})
