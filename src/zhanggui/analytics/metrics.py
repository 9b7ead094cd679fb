"""The metric registry: every number a report shows is defined here once.

A ``Metric`` is either a *base* metric, an SQL aggregate over one ``Source`` (a fact table
restricted to the report's periods and filters), or a *derived* one, the ratio or difference
of two other metrics. Codes, Chinese names and formulas match ``GLOSSARY.md``; the console's
"how is this computed" panel shows ``formula`` and the SQL that ``engine`` builds from them.

Sources join ``periods`` (label, start_at, end_at: half-open, shop-local) and so compute
several periods — the chosen one, the one before, the same one last year — in one scan.
``{channel}`` and ``{category}`` are replaced by the filter's condition or by nothing
(a warehouse's and a carrier's, of the logistics sources, go in with ``{span}``). The types are in
``metric_types``; the logistics sources and metrics in ``logistics_metrics``.
"""

from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy as _

from zhanggui.analytics import (
    campaign_metrics,
    live_metrics,
    logistics_metrics,
    service_metrics,
    staff_metrics,
    supply_metrics,
)
from zhanggui.analytics.metric_types import Metric, Source, Unit
from zhanggui.analytics.metric_types import metric as _m

__all__ = ["METRICS", "ROLLUPS", "SOURCES", "Metric", "Rollup", "Source", "Unit", "base_metrics",
           "get_metric"]

IN_CATEGORY = ("(SELECT pr.product_id FROM products pr JOIN category_paths cp "
               "ON cp.category_id = pr.category_id WHERE cp.ancestor_id = $category)")
ORDER_IN_CATEGORY = (f"o.order_id IN (SELECT l.order_id FROM order_lines l "
                     f"WHERE l.product_id IN {IN_CATEGORY})")

SOURCES = {s.code: s for s in [
    Source("paid_orders", """
        SELECT p.label AS period, o.*, hour(o.paid_at) AS hour, isodow(o.paid_at) AS weekday,
               CAST(o.paid_at AS DATE) AS day
        FROM orders o JOIN periods p ON o.paid_at >= p.start_at AND o.paid_at < p.end_at
        WHERE o.status <> 'cancelled' {span} {channel} {category}""",
           channel="AND o.channel = $channel", category=f"AND {ORDER_IN_CATEGORY}",
           dimensions=("day", "hour", "weekday", "channel", "province_code"),
           span_column="o.paid_at"),
    Source("placed_orders", """
        SELECT p.label AS period, o.*, CAST(o.placed_at AS DATE) AS day
        FROM orders o JOIN periods p ON o.placed_at >= p.start_at AND o.placed_at < p.end_at
        WHERE TRUE {span} {channel} {category}""",
           channel="AND o.channel = $channel", category=f"AND {ORDER_IN_CATEGORY}",
           dimensions=("day", "channel", "province_code"),
           span_column="o.placed_at"),
    Source("events", """
        SELECT p.label AS period, e.*, CAST(e.occurred_at AS DATE) AS day
        FROM events e JOIN periods p ON e.occurred_at >= p.start_at AND e.occurred_at < p.end_at
        WHERE TRUE {span} {channel} {category}""",
           channel="AND e.channel = $channel", category=f"AND e.product_id IN {IN_CATEGORY}",
           dimensions=("day", "source", "device", "channel", "product_id", "search_term"),
           span_column="e.occurred_at"),
    Source("attributed_orders", """
        SELECT p.label AS period, e.source, o.*
        FROM order_sources e JOIN orders o USING (order_id)
        JOIN periods p ON o.paid_at >= p.start_at AND o.paid_at < p.end_at
        WHERE o.status <> 'cancelled' {span} {channel} {category}""",
           channel="AND o.channel = $channel", category=f"AND {ORDER_IN_CATEGORY}",
           dimensions=("source",),
           span_column="o.paid_at"),
    Source("period_buyers", """
        SELECT p.label AS period, o.customer_id, f.first_paid_at, p.start_at,
               sum(o.paid_amount) AS spent, count(*) AS paid_orders
        FROM orders o JOIN periods p ON o.paid_at >= p.start_at AND o.paid_at < p.end_at
        JOIN buyer_firsts f USING (customer_id)
        WHERE o.status <> 'cancelled' AND NOT o.customer_is_guest {span} {channel} {category}
        GROUP BY p.label, o.customer_id, f.first_paid_at, p.start_at""",
           channel="AND o.channel = $channel", category=f"AND {ORDER_IN_CATEGORY}",
           span_column="o.paid_at"),
    Source("cohort_activity", """
        SELECT p.label AS period, f.cohort,
               date_diff('month', f.cohort, date_trunc('month', o.paid_at)) AS month_number,
               o.customer_id, size.cohort_size
        FROM orders o
        JOIN buyer_firsts f USING (customer_id)
        JOIN (SELECT cohort, count(*) AS cohort_size FROM buyer_firsts WHERE NOT is_guest
              GROUP BY cohort) size USING (cohort)
        JOIN periods p ON f.cohort >= date_trunc('month', p.start_at) AND f.cohort < p.end_at
             AND o.paid_at < p.end_at
        WHERE o.paid_at IS NOT NULL AND o.status <> 'cancelled' AND NOT o.customer_is_guest {span}""",
           dimensions=("cohort", "month_number"),
           span_column="o.paid_at", span_from_month=True),
    Source("aftersales_requests", """
        SELECT p.label AS period, a.*, t.top_id AS top_category
        FROM aftersales a JOIN orders o USING (order_id)
        JOIN products pr ON pr.product_id = a.product_id
        JOIN category_tree t ON t.category_id = pr.category_id
        JOIN periods p ON a.requested_at >= p.start_at AND a.requested_at < p.end_at
        WHERE TRUE {span} {channel} {category}""",
           channel="AND o.channel = $channel", category=f"AND a.product_id IN {IN_CATEGORY}",
           dimensions=("reason_code", "top_category", "product_id", "kind"),
           span_column="a.requested_at"),
    Source("visits", """
        SELECT p.label AS period, e.visitor_id, e.session_id, min(e.source) AS source,
               count(*) AS events, count(*) FILTER (WHERE e.kind = 'page_view') AS page_views
        FROM events e JOIN periods p ON e.occurred_at >= p.start_at AND e.occurred_at < p.end_at
        WHERE TRUE {span} {channel} {category}
        GROUP BY p.label, e.visitor_id, e.session_id""",
           channel="AND e.channel = $channel", category=f"AND e.product_id IN {IN_CATEGORY}",
           dimensions=("source",),
           span_column="e.occurred_at"),
    Source("paid_lines", """
        SELECT p.label AS period, l.*, CAST(l.paid_at AS DATE) AS day
        FROM line_facts l
        JOIN periods p ON l.paid_at >= p.start_at AND l.paid_at < p.end_at
        WHERE l.status <> 'cancelled' {span} {channel} {category}""",
           channel="AND l.channel = $channel", category=f"AND l.product_id IN {IN_CATEGORY}",
           dimensions=("day", "product_id", "channel", "top_category", "sku_id"),
           span_column="l.paid_at"),
    Source("refunds", """
        SELECT p.label AS period, r.*, CAST(r.created_at AS DATE) AS day
        FROM refunds r JOIN orders o USING (order_id)
        JOIN periods p ON r.created_at >= p.start_at AND r.created_at < p.end_at
        WHERE TRUE {span} {channel} {category}""",
           channel="AND o.channel = $channel", category=f"AND {ORDER_IN_CATEGORY}",
           dimensions=("day",),
           span_column="r.created_at"),
    Source("payment_attempts", """
        SELECT p.label AS period, pa.*, CAST(pa.created_at AS DATE) AS day
        FROM payments pa JOIN orders o USING (order_id)
        JOIN periods p ON pa.created_at >= p.start_at AND pa.created_at < p.end_at
        WHERE TRUE {span} {channel} {category}""",
           channel="AND o.channel = $channel", category=f"AND {ORDER_IN_CATEGORY}",
           dimensions=("day", "failure_reason", "method"),
           span_column="pa.created_at"),
    # Rolling windows that end where the period ends (refund rate: 30 days; repurchase: a
    # setting, 90 by default): ``window_periods`` has the same labels.
    Source("lines_paid_30d", """
        SELECT p.label AS period, l.line_id
        FROM line_facts l
        JOIN refund_window p ON l.paid_at >= p.start_at AND l.paid_at < p.end_at
        WHERE (l.status <> 'cancelled' OR l.order_refunded_amount > 0) {span} {channel} {category}""",
           channel="AND l.channel = $channel", category=f"AND l.product_id IN {IN_CATEGORY}",
           span_column="l.paid_at", span_relation="refund_window"),
    Source("lines_refunded_30d", """
        SELECT DISTINCT p.label AS period, l.line_id
        FROM refunds r JOIN orders o USING (order_id)
        JOIN order_lines l ON l.order_id = r.order_id
        JOIN refund_window p ON r.created_at >= p.start_at AND r.created_at < p.end_at
        WHERE (r.request_id IS NULL OR l.line_id IN (
                 SELECT a.line_id FROM aftersales a WHERE a.request_id = r.request_id))
              {span} {channel} {category}""",
           channel="AND o.channel = $channel", category=f"AND l.product_id IN {IN_CATEGORY}",
           span_column="r.created_at", span_relation="refund_window"),
    Source("buyers_in_window", """
        SELECT p.label AS period, o.customer_id, count(*) AS paid_orders
        FROM orders o JOIN repurchase_window p ON o.paid_at >= p.start_at AND o.paid_at < p.end_at
        WHERE o.status <> 'cancelled' AND NOT o.customer_is_guest {span} {channel} {category}
        GROUP BY p.label, o.customer_id""",
           channel="AND o.channel = $channel", category=f"AND {ORDER_IN_CATEGORY}",
           span_column="o.paid_at", span_relation="repurchase_window"),
    *logistics_metrics.SOURCES,
    *supply_metrics.SOURCES,
    *service_metrics.SOURCES,
    *campaign_metrics.SOURCES,
    *staff_metrics.SOURCES,
    *live_metrics.SOURCES,
]}



METRICS = {m.code: m for m in [
    _m("gmv", _("GMV (支付金额)"), "Σ paid amount of orders paid in the period", "money",
       "paid_orders", "coalesce(sum(paid_amount), 0)",
       notes=_("After discounts, including shipping; refunds not subtracted; cancelled orders "
               "never count.")),
    _m("orders_paid", _("Orders paid"), "count of orders paid in the period", "count",
       "paid_orders", "count(*)"),
    _m("paying_buyers", _("Paying buyers"), "distinct customers with ≥ 1 paid order in the period",
       "count", "paid_orders", "count(DISTINCT customer_id) FILTER (WHERE NOT customer_is_guest)",
       notes=_("Guest checkouts (no customer identity) are not buyers.")),
    _m("orders_placed", _("Orders placed"), "count of orders created in the period", "count",
       "placed_orders", "count(*)"),
    _m("units_sold", _("Units sold"), "Σ quantity of order lines paid in the period", "count",
       "paid_lines", "coalesce(sum(quantity), 0)"),
    _m("line_gmv", _("Goods paid"), "Σ line totals of order lines paid in the period", "money",
       "paid_lines", "coalesce(sum(total_amount), 0)",
       notes=_("Per product or category: goods after item discounts, without shipping.")),
    _m("units_returned", _("Units returned"), "Σ returned quantity of lines paid in the period",
       "count", "paid_lines", "coalesce(sum(returned_quantity), 0)"),
    _m("buyers_of_lines", _("Buyers"), "distinct customers of order lines paid in the period",
       "count", "paid_lines", "count(DISTINCT customer_id) FILTER (WHERE NOT customer_is_guest)"),
    _m("visitors", _("Visitors (UV)"), "distinct visitors with ≥ 1 event in the period", "count",
       "events", "count(DISTINCT visitor_id)", notes=_("Visitor id, not customer id.")),
    _m("page_views", _("Page views (PV)"), "count of page-view events", "count",
       "events", "count(*) FILTER (WHERE kind = 'page_view')"),
    _m("product_viewers", _("Product viewers"), "distinct visitors who viewed a product",
       "count", "events", "count(DISTINCT visitor_id) FILTER (WHERE kind = 'product_view')"),
    _m("cart_visitors", _("Visitors who added to cart"), "distinct visitors with an add-to-cart",
       "count", "events", "count(DISTINCT visitor_id) FILTER (WHERE kind = 'add_to_cart')"),
    _m("favorite_visitors", _("Visitors who favourited"), "distinct visitors with a favourite",
       "count", "events", "count(DISTINCT visitor_id) FILTER (WHERE kind = 'favorite')"),
    _m("ordering_visitors", _("Visitors who ordered"), "distinct visitors with an order event",
       "count", "events", "count(DISTINCT visitor_id) FILTER (WHERE kind = 'order')"),
    _m("paying_visitors", _("Visitors who paid"), "distinct visitors with a payment event",
       "count", "events", "count(DISTINCT visitor_id) FILTER (WHERE kind = 'payment')"),
    _m("bounced_visitors", _("Bounced visitors"),
       "visitors whose only activity in a visit was one page view", "count", "visits",
       "count(DISTINCT visitor_id) FILTER (WHERE events = 1 AND page_views = 1)"),
    _m("visit_visitors", _("Visitors"), "distinct visitors (per source: of visits from it)",
       "count", "visits", "count(DISTINCT visitor_id)"),
    _m("visit_page_views", _("Page views"), "Σ page views of the visits", "count", "visits",
       "coalesce(sum(page_views), 0)"),
    _m("refunds_amount", _("Refunds issued"), "Σ refunds issued in the period", "money",
       "refunds", "coalesce(sum(amount), 0)"),
    _m("payment_attempts", _("Payment attempts"), "count of payment attempts", "count",
       "payment_attempts", "count(*)"),
    _m("failed_payments", _("Failed payment attempts"), "count of failed payment attempts",
       "count", "payment_attempts", "count(*) FILTER (WHERE status = 'failed')"),
    _m("lines_paid_30d", _("Order lines paid (30 days)"),
       "order lines paid in the 30 days that end with the period", "count", "lines_paid_30d",
       "count(*)", notes=_("One row per order line.")),
    _m("lines_refunded_30d", _("Order lines refunded (30 days)"),
       "order lines refunded in the 30 days that end with the period", "count",
       "lines_refunded_30d", "count(DISTINCT line_id)",
       notes=_("A line of an after-sales request that was refunded, or every line of an order "
               "refunded without a request.")),
    _m("window_buyers", _("Buyers in the repurchase window"),
       "customers with ≥ 1 paid order in the window", "count", "buyers_in_window", "count(*)"),
    _m("window_repeat_buyers", _("Repeat buyers in the window"),
       "customers with ≥ 2 paid orders in the window", "count", "buyers_in_window",
       "count(*) FILTER (WHERE paid_orders >= 2)"),
    _m("searches", _("Searches"), "count of search events", "count", "events",
       "count(*) FILTER (WHERE kind = 'search')"),
    _m("search_visitors", _("Visitors who searched"), "distinct visitors with a search event",
       "count", "events", "count(DISTINCT visitor_id) FILTER (WHERE kind = 'search')"),
    _m("zero_result_searches", _("Searches without results"),
       "count of search events that found nothing", "count", "events",
       "count(*) FILTER (WHERE kind = 'search' AND result_count = 0)"),
    _m("attributed_gmv", _("GMV by source"),
       "Σ paid amount of orders paid in the period whose order event came from the source",
       "money", "attributed_orders", "coalesce(sum(paid_amount), 0)"),
    _m("attributed_orders", _("Orders by source"),
       "count of orders paid in the period whose order event came from the source", "count",
       "attributed_orders", "count(*)"),
    _m("new_buyers", _("New buyers"),
       "paying buyers whose first paid order ever is in the period", "count", "period_buyers",
       "count(*) FILTER (WHERE first_paid_at >= start_at)"),
    _m("returning_buyers", _("Returning buyers"),
       "paying buyers who had paid an order before the period", "count", "period_buyers",
       "count(*) FILTER (WHERE first_paid_at < start_at)"),
    _m("new_buyer_gmv", _("GMV of new buyers"), "Σ paid amount of new buyers in the period",
       "money", "period_buyers", "coalesce(sum(spent) FILTER (WHERE first_paid_at >= start_at), 0)"),
    _m("returning_buyer_gmv", _("GMV of returning buyers"),
       "Σ paid amount of returning buyers in the period", "money", "period_buyers",
       "coalesce(sum(spent) FILTER (WHERE first_paid_at < start_at), 0)"),
    _m("cohort_customers", _("Cohort customers buying"),
       "customers of cohort c (first paid order month) who buy in month c + k", "count",
       "cohort_activity", "count(DISTINCT customer_id)",
       notes=_("k = 0 is the cohort's size.")),
    _m("cohort_size", _("Cohort size"), "customers whose first paid order is in month c", "count",
       "cohort_activity", "max(cohort_size)"),
    _m("aftersales_units", _("Units in after-sales requests"),
       "Σ quantity of after-sales request lines opened in the period", "count",
       "aftersales_requests", "coalesce(sum(quantity), 0)"),
    _m("aftersales_requests", _("After-sales requests"),
       "count of after-sales requests opened in the period", "count", "aftersales_requests",
       "count(DISTINCT request_id)"),
    # Derived metrics.
    _m("net_sales", _("Net sales"), "gmv − refunds issued in the period", "money",
       numerator="gmv", denominator="refunds_amount", subtract=True),
    _m("payment_conversion_rate", _("Payment conversion rate"), "paying_buyers / visitors",
       "rate", numerator="paying_buyers", denominator="visitors"),
    _m("order_conversion_rate", _("Order conversion rate"),
       "distinct visitors who placed an order / visitors", "rate",
       numerator="ordering_visitors", denominator="visitors"),
    _m("aov", _("Average spend per buyer (客单价)"), "gmv / paying_buyers", "money",
       numerator="gmv", denominator="paying_buyers", notes=_("Per buyer, as 生意参谋 defines it.")),
    _m("avg_order_value", _("Average order value (笔单价)"), "gmv / orders_paid", "money",
       numerator="gmv", denominator="orders_paid"),
    _m("uv_value", _("UV value"), "gmv / visitors", "money", numerator="gmv",
       denominator="visitors"),
    _m("add_to_cart_rate", _("Add-to-cart rate"), "distinct visitors who added to cart / visitors",
       "rate", numerator="cart_visitors", denominator="visitors"),
    _m("favorite_rate", _("Favourite rate"), "distinct visitors who favourited / visitors", "rate",
       numerator="favorite_visitors", denominator="visitors"),
    _m("bounce_rate", _("Bounce rate"),
       "visitors who viewed one page and did nothing else / visitors", "rate",
       numerator="bounced_visitors", denominator="visit_visitors",
       notes=_("生意参谋's current definition: one page view and no other event in the visit.")),
    _m("avg_pages_per_visit", _("Pages per visitor"), "page_views / visitors", "number",
       numerator="visit_page_views", denominator="visit_visitors"),
    _m("refund_rate", _("Refund rate"),
       "order lines refunded successfully in the last 30 days / order lines paid in the last "
       "30 days", "rate", numerator="lines_refunded_30d", denominator="lines_paid_30d",
       notes=_("Taobao counts lines (子订单) over a rolling 30 days ending with the period.")),
    _m("refund_amount_rate", _("Refund rate by amount"), "refunds issued / gmv", "rate",
       numerator="refunds_amount", denominator="gmv"),
    _m("return_rate", _("Return rate"), "units returned / units sold", "rate",
       numerator="units_returned", denominator="units_sold"),
    _m("repurchase_rate", _("Repurchase rate"),
       "customers with ≥ 2 paid orders in the window / customers with ≥ 1", "rate",
       numerator="window_repeat_buyers", denominator="window_buyers",
       notes=_("The window ends with the period; its length is a setting (90 days by default).")),
    _m("payment_failure_rate", _("Payment failure rate"),
       "failed payment attempts / all payment attempts", "rate",
       numerator="failed_payments", denominator="payment_attempts"),
    _m("retention_rate", _("Retention (month k)"),
       "customers of cohort c who buy in period c+k / size of cohort c", "rate",
       numerator="cohort_customers", denominator="cohort_size",
       notes=_("Cohorts by the month of the first paid order; k = 0 is always 100 %. They are "
               "the shop's cohorts: the channel and category filters do not apply.")),
    _m("product_conversion_rate", _("Product conversion rate"),
       "buyers of the product / visitors who viewed it", "rate",
       numerator="buyers_of_lines", denominator="product_viewers"),
    *logistics_metrics.METRICS,
    *supply_metrics.METRICS,
    *service_metrics.METRICS,
    *campaign_metrics.METRICS,
    *staff_metrics.METRICS,
    *live_metrics.METRICS,
]}


@dataclass(frozen=True)
class Rollup(Source):
    """A source's rows summed in advance (a rollup table of ``rollups.DERIVED``), giving the
    same numbers as the source for the metrics in ``expressions`` (code → the aggregate over
    the rollup's rows). The engine uses it when every metric of a query has an expression
    here, the grouping is among ``dimensions`` and the filters are ones it applies (never a
    category; a channel when ``channel`` is set); otherwise the source. ``tests/analytics/
    test_rollups.py`` computes every metric both ways.

    ``also``: other sources it answers for, from the same rows (one query then gives the
    metrics of both). ``requires``: dimensions a query must group by (a sum over the rollup's rows counts a
    customer once per group of them, not once overall)."""
    table: str = ""
    expressions: dict = field(default_factory=dict)
    requires: tuple[str, ...] = ()
    also: tuple[str, ...] = ()  # other sources whose metrics it gives, in the same query


def _same(*codes: str) -> dict:
    return {code: METRICS[code].expression for code in codes}


def _first_in_period(column: str) -> str:
    """A buyer's (visitor's) first row among those of the period, by the time of the one
    before (``column``): one row per buyer, so a count of rows counts distinct buyers."""
    return f"({column} IS NULL OR {column} < start_at)"


def _rolled(code: str, table: str, time: str, *, select: str = "x.*", relation: str = "periods",
            where: str = "TRUE", group: str = "", channel: bool = True, **options) -> Rollup:
    """A rollup over ``table`` (as ``x``), its rows in the periods by the column ``time``;
    with ``channel``, the table has the channel and the rollup applies a channel filter."""
    sql = f"""
        SELECT p.label AS period, {select}
        FROM {table} x JOIN {relation} p ON x.{time} >= p.start_at AND x.{time} < p.end_at
        WHERE {where} {{span}} {'{channel}' if channel else ''}{group}"""
    return Rollup(code, sql, table=table, span_column=f"x.{time}", span_relation=relation,
                  channel="AND x.channel = $channel" if channel else "", **options)


_FIRST_IN_PERIOD = _first_in_period("prev_paid_at")
_BUYER = "NOT customer_is_guest AND "
_WITH_START = "x.*, p.start_at"  # for the first-in-period conditions
_LINE_SUMS = ("units_sold", "line_gmv", "units_returned")


def _buyers_by(column: str) -> str:
    return f"count(*) FILTER (WHERE {_BUYER}{_first_in_period(column)})"


# Searched in order: the engine reads the first that answers a query.
ROLLUPS = [
    _rolled("events", "visit_days", "day_at", dimensions=("day", "source", "device", "channel"),
            expressions={
                "visitors": "count(DISTINCT visitor_id)",
                "page_views": "coalesce(sum(page_views), 0)",
                "product_viewers": "count(DISTINCT visitor_id) FILTER (WHERE product_views > 0)",
                "cart_visitors": "count(DISTINCT visitor_id) FILTER (WHERE carts > 0)",
                "favorite_visitors": "count(DISTINCT visitor_id) FILTER (WHERE favorites > 0)",
                "ordering_visitors": "count(DISTINCT visitor_id) FILTER (WHERE orders > 0)",
                "paying_visitors": "count(DISTINCT visitor_id) FILTER (WHERE payments > 0)",
                "searches": "coalesce(sum(searches), 0)",
                "search_visitors": "count(DISTINCT visitor_id) FILTER (WHERE searches > 0)",
                "zero_result_searches": "coalesce(sum(zero_result_searches), 0)"}),
    _rolled("events", "product_views", "occurred_at", select=_WITH_START, channel=False,
            dimensions=("product_id",), requires=("product_id",), expressions={
                "product_viewers": f"count(*) FILTER (WHERE visitor_id IS NOT NULL AND "
                                   f"{_first_in_period('prev_viewed_at')})"}),
    _rolled("events", "search_days", "day_at", dimensions=("day", "search_term"), expressions={
        "searches": "coalesce(sum(searches), 0)",
        "search_visitors": "count(DISTINCT visitor_id)",
        "zero_result_searches": "coalesce(sum(zero_result_searches), 0)"}),
    _rolled("visits", "visit_days", "day_at",
            select="x.visitor_id, x.session_id, min(x.source) AS source, sum(x.events) AS events, "
                   "sum(x.page_views) AS page_views",
            group="\n        GROUP BY p.label, x.visitor_id, x.session_id", dimensions=("source",),
            expressions=_same("bounced_visitors", "visit_visitors", "visit_page_views")),
    # Sums only (no buyers): paid orders per hour.
    _rolled("paid_orders", "order_hours", "hour_at",
            select="x.*, hour(x.hour_at) AS hour, isodow(x.hour_at) AS weekday, "
                   "CAST(x.hour_at AS DATE) AS day",
            dimensions=("day", "hour", "weekday", "channel", "province_code"),
            expressions={"gmv": "coalesce(sum(paid_amount), 0)", "orders_paid": "coalesce(sum(orders), 0)"}),
    # The paid orders' sums and buyers, and the new and returning buyers (period_buyers).
    _rolled("paid_orders", "paid_order_facts", "paid_at", select=_WITH_START, channel=False,
            also=("period_buyers",), expressions={
                **_same("gmv", "orders_paid"),
                "paying_buyers": _buyers_by("prev_paid_at"),
                "new_buyers":
                    f"count(*) FILTER (WHERE {_BUYER}first_paid_at >= start_at AND {_FIRST_IN_PERIOD})",
                "returning_buyers":
                    f"count(*) FILTER (WHERE {_BUYER}first_paid_at < start_at AND {_FIRST_IN_PERIOD})",
                "new_buyer_gmv":
                    f"coalesce(sum(paid_amount) FILTER (WHERE {_BUYER}first_paid_at >= start_at), 0)",
                "returning_buyer_gmv":
                    f"coalesce(sum(paid_amount) FILTER (WHERE {_BUYER}first_paid_at < start_at), 0)"}),
    # By day: the buyer's first order of the day.
    _rolled("paid_orders", "paid_order_facts", "paid_at", select="x.*, CAST(x.paid_at AS DATE) AS day",
            channel=False, dimensions=("day",), requires=("day",), expressions={
                **_same("gmv", "orders_paid"), "paying_buyers":
                    f"count(*) FILTER (WHERE {_BUYER}(prev_paid_at IS NULL OR "
                    f"prev_paid_at < date_trunc('day', paid_at)))"}),
    # By channel (or with a channel chosen) and by province: the buyer's first order there.
    _rolled("paid_orders", "paid_order_facts", "paid_at", select=_WITH_START,
            dimensions=("channel",), requires=("channel",),
            expressions={**_same("gmv", "orders_paid"),
                         "paying_buyers": _buyers_by("prev_channel_paid_at")}),
    _rolled("paid_orders", "paid_order_facts", "paid_at", select=_WITH_START, channel=False,
            dimensions=("province_code",), requires=("province_code",),
            expressions={**_same("gmv", "orders_paid"),
                         "paying_buyers": _buyers_by("prev_province_paid_at")}),
    _rolled("paid_lines", "paid_line_facts", "paid_at", select=_WITH_START, channel=False,
            dimensions=("product_id",), requires=("product_id",),
            expressions={**_same(*_LINE_SUMS), "buyers_of_lines": _buyers_by("prev_product_paid_at")}),
    _rolled("paid_lines", "paid_line_facts", "paid_at", select=_WITH_START, channel=False,
            dimensions=("top_category",), requires=("top_category",),
            expressions={**_same(*_LINE_SUMS), "buyers_of_lines": _buyers_by("prev_category_paid_at")}),
    _rolled("buyers_in_window", "paid_order_facts", "paid_at", select=_WITH_START, channel=False,
            relation="repurchase_window", where="NOT x.customer_is_guest", expressions={
                "window_buyers": f"count(*) FILTER (WHERE {_FIRST_IN_PERIOD})",
                # A buyer's second order of the window: one row per buyer with two or more.
                "window_repeat_buyers": "count(*) FILTER (WHERE prev_paid_at >= start_at AND "
                                        "(prev2_paid_at IS NULL OR prev2_paid_at < start_at))"}),
    _rolled("payment_attempts", "payment_days", "day_at", dimensions=("day", "failure_reason", "method"),
            expressions={"payment_attempts": "coalesce(sum(attempts), 0)",
                         "failed_payments": "coalesce(sum(attempts) FILTER (WHERE status = 'failed'), 0)"}),
    _rolled("refunds", "refund_days", "day_at", dimensions=("day",), expressions=_same("refunds_amount")),
    _rolled("aftersales_requests", "aftersales_facts", "requested_at",
            dimensions=("reason_code", "top_category", "product_id", "kind"),
            expressions=_same("aftersales_units", "aftersales_requests")),
    # Each refunded line once per window.
    _rolled("lines_refunded_30d", "refunded_lines", "created_at", select="x.line_id",
            relation="refund_window", group="\n        GROUP BY p.label, x.line_id",
            expressions=_same("lines_refunded_30d")),
    Rollup("cohort_activity", """
        SELECT p.label AS period, c.*
        FROM cohort_months c JOIN periods p ON c.cohort >= date_trunc('month', p.start_at)
             AND c.cohort < p.end_at AND c.first_day_at < p.end_at""",
           table="cohort_months", dimensions=("cohort", "month_number"),
           requires=("cohort", "month_number"), expressions={
               "cohort_customers": "coalesce(sum(customers), 0)",
               "cohort_size": "max(cohort_size)"}),
]


def get_metric(code: str) -> Metric:
    return METRICS[code]


def base_metrics(codes) -> list[Metric]:
    """The base metrics needed to compute ``codes`` (derived ones resolved), in order."""
    seen: dict[str, Metric] = {}

    def visit(code: str) -> None:
        metric = METRICS[code]
        if metric.is_base:
            seen.setdefault(code, metric)
        else:
            visit(metric.numerator)
            visit(metric.denominator)

    for code in codes:
        visit(code)
    return list(seen.values())
