"""The shop's reports: each returns KPIs, charts and tables as plain data (the console renders
them with ECharts, the API returns them as JSON, exports write the tables).

Every number comes from the metric registry through ``engine.compute``; the ``explain``
part of a report lists the formula and SQL of each metric it shows. What they share is in
``report_base``; the logistics report is in ``logistics``, the customers report in
``customers_report``, the supply reports in ``suppliers_report``, ``stock_report`` and
``dropship_report``.
"""

from datetime import timedelta

from django.utils.translation import gettext_lazy as _

from zhanggui.aftersales.models import ReasonCode
from zhanggui.analytics import dropship_report, engine, logistics, rules, stock_report, suppliers_report
from zhanggui.analytics.customers_report import (  # noqa: F401  (reports.* names)
    cohort_matrix,
    cohort_query,
    cohort_rows,
    cohort_window,
    customers,
    rfm_query,
    rfm_summary,
    summarize_rfm,
)
from zhanggui.analytics.engine import Filters
from zhanggui.analytics.metrics import METRICS
from zhanggui.analytics.report_base import (  # noqa: F401  (the names reports.* has always had)
    DERIVED_NAME,
    DERIVED_NOTE,
    NO_FILTERS,
    ROLLUP_NOTE,
    Report,
    _add_kpis,
    _column,
    _days,
    _explain_derived,
    _kpi_periods,
    _kpi_query,
    _metric_column,
    _names,
    _new,
    compare,
    province_label,
    size_of,
)
from zhanggui.analytics.rules import Period
from zhanggui.orders.models import PaymentFailureReason

TOP_PRODUCTS = 50


def overview(period: Period, compare: Period | None = None, filters: Filters = NO_FILTERS) -> Report:
    report = _new("overview", _("Overview"), period, compare, filters)
    kpi_codes = ["gmv", "orders_paid", "paying_buyers", "visitors", "page_views",
                 "payment_conversion_rate", "aov", "uv_value", "add_to_cart_rate",
                 "refund_rate", "repurchase_rate"]
    trend_codes = ["gmv", "orders_paid", "paying_buyers", "visitors", "payment_conversion_rate"]
    kpis, daily = engine.compute_many([
        _kpi_query(report, kpi_codes),
        engine.query(trend_codes, [report.period], filters, group_by="day")])
    _add_kpis(report, kpi_codes, kpis)
    daily = daily["current"]
    days = _days(report.period)
    rows = [{"day": d.isoformat(), **{c: daily.get(d, {}).get(c) or 0 for c in trend_codes}}
            for d in days]
    report.charts.append({"id": "trend", "type": "line", "title": str(_("Daily trend")),
                          "x": [r["day"] for r in rows],
                          "series": [{"name": str(METRICS[c].name), "code": c,
                                      "data": [r[c] for r in rows]} for c in ("gmv", "visitors")]})
    report.tables.append({"id": "daily", "title": str(_("By day")),
                          "columns": [_column("day", _("Day"), "date"),
                                      *[_metric_column(c) for c in trend_codes]],
                          "rows": rows})
    return _explain_derived(report)


def traffic(period: Period, compare: Period | None = None, filters: Filters = NO_FILTERS) -> Report:
    report = _new("traffic", _("Traffic"), period, compare, filters)
    kpi_codes = ["visitors", "page_views", "bounce_rate", "avg_pages_per_visit",
                 "payment_conversion_rate", "add_to_cart_rate"]
    periods = [report.period]
    source_codes = ["visit_visitors", "bounce_rate", "avg_pages_per_visit"]
    results = engine.compute_many([
        _kpi_query(report, kpi_codes, also=FUNNEL),
        engine.query(source_codes, periods, filters, group_by="source"),
        engine.query(["paying_visitors"], periods, filters, group_by="source"),
        engine.query(["attributed_gmv", "attributed_orders"], periods, filters, group_by="source"),
        engine.query(SEARCH_CODES, periods, filters, group_by="search_term")])
    current = _add_kpis(report, kpi_codes, results[0])
    by_visit, by_event, by_gmv, terms = (r["current"] for r in results[1:])
    rows = []
    for source in sorted(by_visit, key=lambda s: -(by_visit[s]["visit_visitors"] or 0)):
        visitors = by_visit[source]["visit_visitors"]
        paying = by_event.get(source, {}).get("paying_visitors", 0)
        rows.append({"source": source, "source_name": str(SOURCE_NAMES.get(source, source)),
                     "visitors": visitors,
                     "bounce_rate": by_visit[source]["bounce_rate"],
                     "avg_pages_per_visit": by_visit[source]["avg_pages_per_visit"],
                     "payment_conversion_rate": rules.ratio(paying, visitors),
                     "attributed_orders": by_gmv.get(source, {}).get("attributed_orders", 0),
                     "attributed_gmv": by_gmv.get(source, {}).get("attributed_gmv", 0)})
    report.tables.append({"id": "sources", "title": str(_("Traffic sources")), "columns": [
        _column("source_name", _("Source")), _column("visitors", _("Visitors"), "count"),
        _metric_column("bounce_rate"), _metric_column("avg_pages_per_visit"),
        _column("payment_conversion_rate", _("Payment conversion rate"), "rate"),
        _metric_column("attributed_orders"), _metric_column("attributed_gmv")], "rows": rows})
    report.charts.append({"id": "sources", "type": "pie", "title": str(_("Visitors by source")),
                          "series": [{"name": str(_("Visitors")), "data": [
                              {"name": r["source_name"], "value": r["visitors"]} for r in rows]}]})
    report.explain.extend(engine.explain(["attributed_gmv", "paying_visitors"], periods, filters,
                                         group_by="source"))
    _search_terms(report, terms)
    _funnel(report, current, filters)
    return _explain_derived(report)


SEARCH_CODES = ["searches", "search_visitors", "zero_result_searches"]


def _search_terms(report: Report, terms: dict) -> None:
    terms = {t: v for t, v in terms.items() if t and v["searches"]}
    ranked = sorted(terms.items(), key=lambda kv: (-kv[1]["searches"], kv[0]))
    columns = [_column("term", _("Search term")), *[_metric_column(c) for c in SEARCH_CODES]]
    report.tables.append({"id": "search_terms", "title": str(_("Top search terms")),
                          "columns": columns,
                          "rows": [{"term": t, **v} for t, v in ranked[:30]]})
    empty = [(t, v) for t, v in ranked if v["zero_result_searches"] == v["searches"]]
    report.tables.append({"id": "no_result_terms", "title": str(_("Searches with no result")),
                          "columns": columns,
                          "rows": [{"term": t, **v} for t, v in empty[:30]]})


FUNNEL = ["visitors", "product_viewers", "cart_visitors", "ordering_visitors", "paying_visitors"]


def _funnel(report: Report, values: dict, filters: Filters) -> None:
    rows, before = [], None
    for code in FUNNEL:
        count = values[code]
        rows.append({"step": str(METRICS[code].name), "code": code, "visitors": count,
                     "step_rate": rules.ratio(count, before) if before is not None else None,
                     "loss": (before - count) if before is not None else None})
        before = count
    report.tables.append({"id": "funnel", "title": str(_("Funnel")), "columns": [
        _column("step", _("Step")), _column("visitors", _("Visitors"), "count"),
        _column("step_rate", _("Share of the step before"), "rate"),
        _column("loss", _("Lost at this step"), "count")], "rows": rows})
    report.charts.append({"id": "funnel", "type": "funnel", "title": str(_("Funnel")),
                          "series": [{"name": str(_("Visitors")), "data": [
                              {"name": r["step"], "value": r["visitors"]} for r in rows]}]})
    report.explain.extend(engine.explain(FUNNEL[1:], [report.period], filters))


SOURCE_NAMES = {"search": _("Search"), "ads": _("Ads"), "social": _("Social"), "live": _("Live"),
                "direct": _("Direct"), "campaign": _("Campaign"), "channel": _("Other channel")}



def sales(period: Period, compare: Period | None = None, filters: Filters = NO_FILTERS) -> Report:
    report = _new("sales", _("Sales"), period, compare, filters)
    kpi_codes = ["gmv", "orders_paid", "units_sold", "avg_order_value", "return_rate"]
    both = [report.period, report.compare]
    breakdowns = [  # (dimension, periods, title, codes, share of)
        ("channel", both, _("By channel"), ["gmv", "orders_paid", "paying_buyers", "aov"], None),
        ("top_category", both, _("By category"), ["line_gmv", "units_sold", "buyers_of_lines"], "line_gmv"),
        ("province_code", [report.period], _("By province"), ["gmv", "orders_paid", "paying_buyers"], "gmv")]
    ranking = _ranking_queries(report)  # the heaviest first: its numbers are put together first
    results = engine.compute_many([
        *ranking, _kpi_query(report, kpi_codes),
        engine.query(["orders_paid", "gmv"], [report.period], filters, group_by=("weekday", "hour")),
        _names("categories", "category_id", "name"),
        *[engine.query(codes, periods, filters, group_by=dimension)
          for dimension, periods, _title, codes, _share in breakdowns]])
    kpis, heat, names, *by_dimension = results[len(ranking):]
    _add_kpis(report, kpi_codes, kpis)
    heat = heat["current"]
    report.charts.append({"id": "heatmap", "type": "heatmap",
                          "title": str(_("Orders paid by hour and weekday")),
                          "x": list(range(24)), "y": [str(d) for d in WEEKDAYS],
                          "series": [{"name": str(METRICS["orders_paid"].name), "data": [
                              [hour, weekday - 1, values["orders_paid"]]
                              for (weekday, hour), values in sorted(heat.items())]}]})
    cells = {key: values["orders_paid"] for key, values in heat.items()}
    report.tables.append({"id": "heatmap", "title": str(_("Orders paid by hour and weekday")),
                          "columns": [_column("weekday", _("Weekday")),
                                      *[_column(f"h{h}", f"{h}:00", "count") for h in range(24)],
                                      _column("total", _("Total"), "count")],
                          "rows": [{"weekday": str(WEEKDAYS[w - 1]),
                                    **{f"h{h}": cells.get((w, h), 0) for h in range(24)},
                                    "total": sum(cells.get((w, h), 0) for h in range(24))}
                                   for w in range(1, 8)]})
    names = dict(names)
    labels = {"channel": lambda c: c, "top_category": lambda c: names.get(c, c),
              "province_code": province_label}
    for (dimension, periods, title, codes, share_of), values in zip(breakdowns, by_dimension, strict=True):
        _by_dimension(report, values, periods, dimension, title, labels[dimension], codes, share_of)
    _product_ranking(report, results[:len(ranking)])
    return _explain_derived(report)


WEEKDAYS = [_("Mon"), _("Tue"), _("Wed"), _("Thu"), _("Fri"), _("Sat"), _("Sun")]


def _by_dimension(report: Report, values: dict, periods: list[Period], dimension: str, title, label,
                  codes: list[str], share_of: str | None = None) -> None:
    """A table and a bar chart of ``codes`` by ``dimension`` from ``values`` (``compute`` of
    them over ``periods``: with a previous period, the growth too)."""
    current, before = values["current"], values.get("previous", {})
    total = sum((v[share_of] or 0) for v in current.values()) if share_of else None
    first = share_of or codes[0]
    rows = []
    for key, row in sorted(current.items(), key=lambda kv: -(kv[1][first] or 0)):
        item = {"key": key, "name": str(label(key)), **row}
        if share_of:
            item["share"] = rules.ratio(row[share_of] or 0, total)
        if before:
            item["growth"] = compare(row[first], before.get(key, {}).get(first),
                                     METRICS[first].unit).rate
        rows.append(item)
    columns = [_column("name", title), *[_metric_column(c) for c in codes]]
    if share_of:
        columns.append(_column("share", _("Share"), "rate"))
    if before:
        columns.append(_column("growth", _("Growth vs previous period"), "rate"))
    table_id = f"by_{dimension}"
    report.tables.append({"id": table_id, "title": str(title), "columns": columns, "rows": rows})
    report.charts.append({"id": table_id, "type": "bar", "title": str(title),
                          "x": [r["name"] for r in rows],
                          "series": [{"name": str(METRICS[first].name), "code": first,
                                      "data": [r[first] for r in rows]}]})
    report.explain.extend(engine.explain(codes, periods, report.filters, group_by=dimension))


RANKING_CODES = ["units_sold", "line_gmv", "buyers_of_lines", "return_rate"]


def _ranking_queries(report: Report) -> list:
    """What the product ranking needs: sales in the period and in the lifecycle's windows,
    viewers, first sales and titles (``_product_ranking`` takes their results)."""
    # The lifecycle compares the units of the last 30 days with the 30 before.
    recent = rules.Period("recent", report.period.end - timedelta(days=30), report.period.end)
    earlier = rules.Period("earlier", recent.start - timedelta(days=30), recent.start)
    return [engine.query(RANKING_CODES, [report.period], report.filters, group_by="product_id"),
            engine.query(["units_sold"], [recent, earlier], report.filters, group_by="product_id"),
            engine.query(["product_viewers"], [report.period], report.filters, group_by="product_id"),
            engine.Rows(FIRST_SOLD_SQL, cached=True), _names("products", "product_id", "title")]


def _product_ranking(report: Report, results: list) -> None:
    sold, windows, viewers, first_sold, titles = results
    sold, viewers = sold["current"], viewers["current"]
    first_sold, titles = dict(first_sold), dict(titles)
    classes = rules.abc_classes({p: v["line_gmv"] for p, v in sold.items()})
    stage_names = {code: str(name) for code, name in STAGE_NAMES.items()}  # translated once
    rows = []
    ranked = sorted(sold.items(), key=lambda kv: (-kv[1]["line_gmv"], kv[0]))
    for product_id, values in ranked[:TOP_PRODUCTS]:  # the rows shown (and exported)
        first = first_sold.get(product_id)
        stage = rules.lifecycle_stage(
            days_on_sale=(report.period.end - first.date()).days if first else 0,
            recent_units=windows["recent"].get(product_id, {}).get("units_sold", 0),
            earlier_units=windows["earlier"].get(product_id, {}).get("units_sold", 0))
        rows.append({"product_id": product_id, "title": titles.get(product_id, ""), **values,
                     "conversion_rate": rules.ratio(values["buyers_of_lines"],
                                                    viewers.get(product_id, {}).get("product_viewers")),
                     "abc_class": classes[product_id], "stage": stage,
                     "stage_name": stage_names[stage]})
    report.tables.append({"id": "products", "title": str(_("Product ranking")), "columns": [
        _column("title", _("Product")), _metric_column("units_sold"), _metric_column("line_gmv"),
        _column("conversion_rate", _("Product conversion rate"), "rate"),
        _metric_column("return_rate"), _column("abc_class", _("ABC class")),
        _column("stage_name", _("Lifecycle stage"))], "rows": rows, "total_rows": len(ranked)})
    report.explain.extend(engine.explain([*RANKING_CODES, "product_conversion_rate"], [report.period],
                                         report.filters, group_by="product_id"))
    report.explain.append({
        "code": "abc_class", "name": str(_("ABC class")), "unit": "", "notes": "", "sql": [],
        "formula": "products by goods paid, largest first: A until 80 % of the total is reached "
                   "(the product that crosses it included), B until 95 %, C after"})
    report.explain.append({
        "code": "lifecycle_stage", "name": str(_("Lifecycle stage")), "unit": "", "notes": "",
        "formula": "new when first sold less than 30 days before the period's end; otherwise "
                   "units of the last 30 days vs the 30 before: ≥ 1.2× growing, ≤ 0.8× declining, "
                   "else mature", "sql": [FIRST_SOLD_SQL]})


FIRST_SOLD_SQL = "SELECT product_id, first_sold_at FROM product_firsts"


STAGE_NAMES = {"new": _("New"), "growing": _("Growing"), "mature": _("Mature"),
               "declining": _("Declining")}


def aftersales(period: Period, compare: Period | None = None,
               filters: Filters = NO_FILTERS) -> Report:
    report = _new("aftersales", _("After-sales and payments"), period, compare, filters)
    kpi_codes = ["refund_rate", "refund_amount_rate", "refunds_amount", "return_rate",
                 "payment_failure_rate"]
    periods = [report.period]
    kpis, reasons, products, failures, names, titles = engine.compute_many([
        _kpi_query(report, kpi_codes),
        engine.query(["aftersales_units", "aftersales_requests"], periods, filters,
                     group_by=("reason_code", "top_category")),
        engine.query(["units_sold", "units_returned", "return_rate"], periods, filters,
                     group_by="product_id"),
        engine.query(["failed_payments"], periods, filters, group_by="failure_reason"),
        _names("categories", "category_id", "name"), _names("products", "product_id", "title")])
    _add_kpis(report, kpi_codes, kpis)
    reasons, products, failures = reasons["current"], products["current"], failures["current"]
    names, titles = dict(names), dict(titles)
    report.tables.append({"id": "reasons", "title": str(_("Return reasons by category")), "columns": [
        _column("reason", _("Reason")), _column("category", _("Category")),
        _metric_column("aftersales_requests"), _metric_column("aftersales_units")],
        "rows": [{"reason": str(REASON_NAMES.get(r, r)), "category": names.get(c, c), **v}
                 for (r, c), v in sorted(reasons.items(), key=lambda kv: -kv[1]["aftersales_units"])]})
    by_reason: dict = {}
    for (reason, _category), values in reasons.items():
        by_reason[reason] = by_reason.get(reason, 0) + values["aftersales_units"]
    report.charts.append({"id": "reasons", "type": "pie", "title": str(_("Return reasons")),
                          "series": [{"name": str(_("Units")), "data": [
                              {"name": str(REASON_NAMES.get(r, r)), "value": v}
                              for r, v in by_reason.items()]}]})
    worst = sorted(((p, v) for p, v in products.items() if v["units_returned"]),
                   key=lambda kv: (-kv[1]["units_returned"], -(kv[1]["return_rate"] or 0), kv[0]))[:30]
    report.tables.append({"id": "product_returns", "title": str(_("Products with the most returns")),
                          "columns": [
        _column("title", _("Product")), _metric_column("units_sold"), _metric_column("units_returned"),
        _metric_column("return_rate")], "rows": [{"title": titles.get(p, p), **v} for p, v in worst]})
    rows = [{"reason": str(FAILURE_NAMES.get(r, r)), **v} for r, v in
            sorted(failures.items(), key=lambda kv: -kv[1]["failed_payments"]) if v["failed_payments"]]
    report.tables.append({"id": "payment_failures", "title": str(_("Payment failures by reason")),
                          "columns": [_column("reason", _("Reason")), _metric_column("failed_payments")],
                          "rows": rows})
    report.charts.append({"id": "payment_failures", "type": "bar",
                          "title": str(_("Payment failures by reason")), "x": [r["reason"] for r in rows],
                          "series": [{"name": str(METRICS["failed_payments"].name),
                                      "data": [r["failed_payments"] for r in rows]}]})
    report.explain.extend(engine.explain(["aftersales_units", "failed_payments"], [report.period], filters))
    return _explain_derived(report)


REASON_NAMES = dict(ReasonCode.choices)
FAILURE_NAMES = dict(PaymentFailureReason.choices)

REPORTS = {"overview": overview, "traffic": traffic, "sales": sales, "customers": customers,
           "aftersales": aftersales, "logistics": logistics.logistics}
# The supply reports take the viewer's ``access`` (cost figures, supplier names).
REPORTS.update({"suppliers": suppliers_report.suppliers, "stock": stock_report.stock,
                "dropship": dropship_report.dropship})
WITH_ACCESS = {"suppliers", "stock", "dropship"}
# The desk's KPIs (``service_report``) and the campaigns (``campaigns_report``: gross profit
# only for those who may see costs).
from zhanggui.analytics import campaigns_report, service_report  # noqa: E402

REPORTS.update({"service": service_report.service, "campaigns": campaigns_report.campaigns})
WITH_ACCESS.add("campaigns")
# Channel profit after commission and fees (``channel_profit``: cost and profit only for those
# who may see costs).
from zhanggui.analytics import channel_profit  # noqa: E402

REPORTS["channel_profit"] = channel_profit.channel_profit
WITH_ACCESS.add("channel_profit")
# Livestream sessions side by side with their best segments (``live_report``).
from zhanggui.analytics import live_report  # noqa: E402

REPORTS["live"] = live_report.live
