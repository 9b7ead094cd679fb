"""The supply part of the metric registry (``metrics`` adds these to ``SOURCES`` and
``METRICS``): the suppliers' scorecard (48-hour ship rate of drop-ship orders, on-time
delivery of purchase orders, defect rate, return loss, reply time), ad spend and ROI, and
the stock figures (stock available, days of supply, sell-through). Codes and 中文名 as in
``GLOSSARY.md`` where it has them.

Sources read the derived tables of ``supply_tables``; each may be grouped by ``supplier_id``
(the stock ones by ``sku_id``).
"""

from django.utils.translation import gettext_lazy as _

from zhanggui.analytics.metric_types import Source
from zhanggui.analytics.metric_types import metric as _m

SHIP_HOURS = 48
SHIP_TARGET = 0.95  # 48-hour ship rate at least
REPLY_TARGET_MINUTES = 3  # reply time at most
RETURN_LOSS_CEILING = 0.05  # return loss rate at most (drop-ship)
SALES_WINDOW_DAYS = 28  # days of supply: the average daily units of the last 28 days

SOURCES = [
    # Drop-ship supplier orders of the orders paid in the period.
    Source("dropship_orders", f"""
        SELECT p.label AS period, x.*, CAST(x.paid_at AS DATE) AS day,
               x.shipped_at IS NOT NULL
                   AND x.shipped_at <= x.paid_at + INTERVAL {SHIP_HOURS} HOUR AS shipped_in_time,
               x.shipped_at IS NULL
                   AND x.paid_at + INTERVAL {SHIP_HOURS} HOUR > CAST(now() AS TIMESTAMP) AS pending
        FROM dropship_orders x JOIN periods p ON x.paid_at >= p.start_at AND x.paid_at < p.end_at
        WHERE TRUE {{span}} {{channel}}""",
           channel="AND x.channel = $channel", dimensions=("supplier_id", "day"),
           span_column="x.paid_at"),
    # Purchase orders completed (fully received, or closed after receipts) in the period.
    Source("completed_purchase_orders", """
        SELECT p.label AS period, x.*,
               CAST(x.completed_at AS DATE) <= x.promised_on AS on_time
        FROM po_facts x JOIN periods p ON x.completed_at >= p.start_at AND x.completed_at < p.end_at
        WHERE TRUE {span}""", dimensions=("supplier_id",), span_column="x.completed_at"),
    # Purchase orders whose promised date fell in the period, not complete at its end.
    Source("overdue_purchase_orders", """
        SELECT p.label AS period, x.*
        FROM po_facts x JOIN periods p ON x.promised_on >= CAST(p.start_at AS DATE)
             AND x.promised_on < CAST(p.end_at AS DATE)
        WHERE (x.completed_at IS NULL OR CAST(x.completed_at AS DATE) > x.promised_on)
          AND x.promised_on < CAST(now() AS DATE)""",
           dimensions=("supplier_id",)),
    Source("supplier_units", """
        SELECT p.label AS period, x.*
        FROM supplier_units x JOIN periods p ON x.at >= p.start_at AND x.at < p.end_at
        WHERE TRUE {span}""", dimensions=("supplier_id",), span_column="x.at"),
    Source("supplier_money", """
        SELECT p.label AS period, x.*
        FROM supplier_money x JOIN periods p ON x.at >= p.start_at AND x.at < p.end_at
        WHERE TRUE {span}""", dimensions=("supplier_id",), span_column="x.at"),
    Source("supplier_waits", """
        SELECT p.label AS period, x.*
        FROM supplier_waits x JOIN periods p ON x.sent_at >= p.start_at AND x.sent_at < p.end_at
        WHERE TRUE {span}""", dimensions=("supplier_id",), span_column="x.sent_at"),
    Source("ad_spend", """
        SELECT p.label AS period, x.*, x.product_id IS NULL AS is_shop_wide
        FROM ad_spend x JOIN periods p ON CAST(x.day AS TIMESTAMP) >= p.start_at
             AND CAST(x.day AS TIMESTAMP) < p.end_at""", dimensions=("product_id", "channel")),
    # Stock now (not of the period's end) of each SKU.
    Source("sku_stock", """
        SELECT p.label AS period, x.* FROM sku_stock x CROSS JOIN periods p""",
           dimensions=("sku_id",)),
    # Paid lines of the 28 days that end with the period (``sales_window``).
    Source("lines_paid_28d", """
        SELECT p.label AS period, l.*
        FROM line_facts l JOIN sales_window p ON l.paid_at >= p.start_at AND l.paid_at < p.end_at
        WHERE l.status <> 'cancelled' {span} {channel}""",
           channel="AND l.channel = $channel", dimensions=("sku_id", "product_id"),
           span_column="l.paid_at", span_relation="sales_window"),
    # Units accepted at receipts of the period, per SKU.
    Source("received_units", """
        SELECT p.label AS period, rl.*, r.received_at
        FROM receipt_lines rl JOIN receipts r USING (receipt_id)
        JOIN periods p ON r.received_at >= p.start_at AND r.received_at < p.end_at
        WHERE TRUE {span}""", dimensions=("sku_id",), span_column="r.received_at"),
]

_RECEIVED = "kind IN ('inspected', 'drop_shipped')"
_DEFECTS = "kind IN ('rejected', 'returned_quality')"

METRICS = [
    _m("dropship_due_orders", _("Drop-ship orders due to ship"),
       "supplier orders of orders paid in the period, shipped or past their 48 hours", "count",
       "dropship_orders", "count(*) FILTER (WHERE NOT pending)",
       notes=_("Cancelled supplier orders and cancelled orders never count; those still inside "
               "their 48 hours and not shipped are left out.")),
    _m("dropship_shipped_in_48h", _("Drop-ship orders shipped within 48 hours"),
       "supplier orders shipped by the supplier ≤ 48 h after the order's payment", "count",
       "dropship_orders", "count(*) FILTER (WHERE shipped_in_time)"),
    _m("dropship_gmv", _("Drop-ship GMV"),
       "Σ GMV share of the drop-ship parcels of orders paid in the period", "money",
       "dropship_orders", "coalesce(sum(gmv_basis), 0)",
       notes=_("Each order's paid amount spread over its parcels by the value of the goods in "
               "each (as the logistics report's GMV share).")),
    _m("dropship_cost", _("Drop-ship cost"),
       "Σ supplier order cost of the drop-ship parcels of orders paid in the period", "money",
       "dropship_orders", "coalesce(sum(cost_amount), 0)"),
    _m("purchase_orders_completed", _("Purchase orders completed"),
       "purchase orders fully received (or closed after receipts) in the period, with a promise",
       "count", "completed_purchase_orders", "count(*) FILTER (WHERE promised_on IS NOT NULL)"),
    _m("purchase_orders_on_time", _("Purchase orders completed on time"),
       "purchase orders completed in the period on or before the promised date", "count",
       "completed_purchase_orders", "count(*) FILTER (WHERE on_time)"),
    _m("purchase_orders_overdue", _("Purchase orders past their promised date"),
       "purchase orders promised in the period and not complete by the end of the promised day",
       "count", "overdue_purchase_orders", "count(*)"),
    _m("supplier_units_received", _("Units received from the supplier"),
       "units inspected at receipts (accepted + rejected) + units the drop-ship supplier shipped "
       "to buyers, in the period", "count", "supplier_units",
       f"coalesce(sum(units) FILTER (WHERE {_RECEIVED}), 0)"),
    _m("supplier_units_rejected", _("Units rejected at inspection"),
       "units rejected at receipts in the period", "count", "supplier_units",
       "coalesce(sum(units) FILTER (WHERE kind = 'rejected'), 0)"),
    _m("supplier_units_returned_quality", _("Units returned for quality reasons"),
       "units of return and exchange requests opened in the period (not rejected) for quality, "
       "not as described or missing parts", "count", "supplier_units",
       "coalesce(sum(units) FILTER (WHERE kind = 'returned_quality'), 0)"),
    _m("supplier_defect_units", _("Defective units"),
       "units rejected at inspection + units returned for quality reasons", "count",
       "supplier_units", f"coalesce(sum(units) FILTER (WHERE {_DEFECTS}), 0)"),
    _m("return_refunds", _("Refunds on returned goods"),
       "Σ refunds issued in the period on return requests, spread over their lines by value",
       "money", "supplier_money",
       "CAST(coalesce(sum(amount) FILTER (WHERE kind = 'return_refund'), 0) AS DECIMAL(14, 2))"),
    _m("restocked_value", _("Value restocked as sellable"),
       "Σ value (line price paid) of returned units restocked as sellable in the period", "money",
       "supplier_money",
       "CAST(coalesce(sum(amount) FILTER (WHERE kind = 'restocked'), 0) AS DECIMAL(14, 2))"),
    _m("supplier_goods_paid", _("Goods paid"),
       "Σ line totals of order lines paid in the period charged to the supplier", "money",
       "supplier_money",
       "CAST(coalesce(sum(amount) FILTER (WHERE kind = 'goods_paid'), 0) AS DECIMAL(14, 2))"),
    _m("supplier_waits", _("Messages to suppliers"),
       "our messages in the period that started a wait for the supplier's reply", "count",
       "supplier_waits", "count(*)"),
    _m("supplier_replies", _("Messages answered"),
       "our messages in the period the supplier answered", "count", "supplier_waits",
       "count(*) FILTER (WHERE replied_at IS NOT NULL)"),
    _m("supplier_reply_minutes", _("Reply time (median minutes)"),
       "median of (supplier's next message − our message) in minutes, over our messages of the "
       "period that were answered", "number", "supplier_waits",
       "median(reply_minutes) FILTER (WHERE replied_at IS NOT NULL)",
       notes=_("Only the first of our messages since the supplier last wrote starts a wait "
               "(later ones are reminders). The guides' target is 3 minutes at most.")),
    _m("ad_spend", _("Ad spend"), "Σ ad spend of the days in the period (all channels)", "money",
       "ad_spend", "coalesce(sum(amount), 0)"),
    _m("shop_wide_ad_spend", _("Shop-wide ad spend"),
       "Σ ad spend of the days in the period not for one product", "money", "ad_spend",
       "coalesce(sum(amount) FILTER (WHERE is_shop_wide), 0)"),
    _m("stock_on_hand", _("Units on hand"), "Σ units on hand now in every warehouse", "count",
       "sku_stock", "coalesce(sum(on_hand), 0)"),
    _m("stock_available", _("Units available"),
       "Σ units on hand − reserved now in every warehouse", "count", "sku_stock",
       "coalesce(sum(available), 0)", notes=_("Stock as it is now, whatever the period.")),
    _m("avg_daily_units_28d", _("Average daily units sold (28 days)"),
       "Σ units of order lines paid in the 28 days that end with the period / 28", "number",
       "lines_paid_28d", f"coalesce(sum(quantity), 0) / {SALES_WINDOW_DAYS}.0"),
    _m("units_received", _("Units received"), "Σ units accepted at receipts in the period",
       "count", "received_units", "coalesce(sum(accepted), 0)"),
    # Derived.
    _m("supplier_ship_within_48h_rate", _("48-hour ship rate (drop-ship supplier)"),
       "supplier orders shipped ≤ 48 h after payment / supplier orders due (orders paid in the "
       "period)", "rate", numerator="dropship_shipped_in_48h", denominator="dropship_due_orders",
       notes=_("GLOSSARY ship_within_48h_rate per drop-ship supplier: the supplier's shipping "
               "time is the time it reported the tracking number. Target at least 95 %.")),
    _m("supplier_on_time_rate", _("Supplier on-time delivery rate"),
       "purchase orders completed by the promised date / purchase orders completed", "rate",
       numerator="purchase_orders_on_time", denominator="purchase_orders_completed",
       notes=_("Promised date = the day the PO was sent + the supplier's lead time (the longest "
               "of its items; the PO's expected date when no item is known). A PO is completed "
               "by the receipt that fully receives it.")),
    _m("supplier_defect_rate", _("Supplier defect rate"),
       "(units rejected at inspection + units returned for quality reasons) / units received",
       "rate", numerator="supplier_defect_units", denominator="supplier_units_received",
       notes=_("Units received: inspected at our receipts, or shipped to buyers by a drop-ship "
               "supplier. Quality reasons: quality problem, not as described, missing parts.")),
    _m("return_loss_amount", _("Return loss"),
       "refunds on returned goods − value restocked as sellable + return shipping borne", "money",
       numerator="return_refunds", denominator="restocked_value", subtract=True,
       notes=_("Return shipping borne by the shop is not recorded yet and counts as 0.")),
    _m("return_loss_rate", _("Return loss rate"),
       "(refunds on returned goods − value restocked as sellable + return shipping borne) / gmv",
       "rate", numerator="return_loss_amount", denominator="supplier_goods_paid",
       notes=_("Per supplier: over the goods paid of the order lines charged to it. The guides' "
               "drop-ship ceiling is 5 %.")),
    _m("roi", _("ROI (投入产出比)"), "gmv attributed / spend", "number",
       numerator="gmv", denominator="ad_spend",
       notes=_("Shop-wide: all GMV of the period over all ad spend of its days; per drop-ship "
               "product and supplier the report spreads each day's spend over the day's GMV.")),
    _m("days_of_supply", _("Days of supply"),
       "available units / average daily units sold (last 28 days)", "number",
       numerator="stock_available", denominator="avg_daily_units_28d",
       notes=_("No sale in the 28 days: no figure (an endless supply).")),
    _m("sell_through_rate", _("Sell-through rate"), "units sold / units received", "rate",
       numerator="units_sold", denominator="units_received",
       notes=_("Per SKU over the period: units paid / units accepted at receipts.")),
]
