"""Drop-ship profit and ROI (一件代发利润): per drop-ship order, per product and per supplier.

Per order: paid (its drop-ship parcels' GMV share) − platform commission (the supply policy's
rate × paid) − drop-ship cost (the supplier orders' cost) − ad spend allocated, and the
profit. Ad spend is allocated by ``rules_supply.allocate_ad_spend``: each day's spend on a
product over that day's sales of it by GMV share, the day's shop-wide spend over all the day's
GMV. ROI = drop-ship GMV / allocated ad spend, per product (with its spend on days it sold
nothing) and per supplier. ``dropship_roi`` also serves the low-ROI alert after each refresh.
Cost and profit are shown only to those who may see costs.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal

from django.utils.translation import gettext_lazy as _

from zhanggui.analytics import engine, reader, rules_supply
from zhanggui.analytics.engine import Filters
from zhanggui.analytics.errors import WarehouseOutdated
from zhanggui.analytics.report_base import (
    NO_ACCESS,
    NO_FILTERS,
    Access,
    Report,
    _add_kpis,
    _column,
    _explain_derived,
    _kpi_query,
    _new,
    uncompared_card,
)
from zhanggui.analytics.rules import Period
from zhanggui.analytics.rules_supply import CENT, Sale
from zhanggui.analytics.suppliers_report import supplier_label
from zhanggui.suppliers.queries import get_policy

KPI_CODES = ["dropship_gmv", "ad_spend", "roi"]
SHOWN_ROWS = 200


def _at(day: date) -> str:
    return f"TIMESTAMP '{day} 00:00:00'"


def _sql(period: Period, channel: bool) -> dict[str, str]:
    start, end = _at(period.start), _at(period.end)
    on_channel = " AND d.channel = $channel" if channel else ""
    goods = "goods AS (SELECT order_id, sum(total_amount) AS goods FROM order_lines GROUP BY order_id)"
    return {
        # The drop-ship parts: each supplier order's goods by product, with their GMV share.
        "parts": f"""
            WITH {goods}
            SELECT d.supplier_order_id, CAST(d.paid_at AS DATE) AS day, l.product_id,
                   CAST(sum(o.paid_amount * (sl.quantity * l.total_amount / l.quantity) / g.goods)
                        AS DECIMAL(18, 6)) AS gmv
            FROM dropship_orders d JOIN shipment_lines sl ON sl.shipment_id = d.shipment_id
            JOIN order_lines l ON l.line_id = sl.line_id JOIN orders o ON o.order_id = d.order_id
            JOIN goods g ON g.order_id = d.order_id
            WHERE d.paid_at >= {start} AND d.paid_at < {end} AND l.quantity > 0 AND g.goods > 0{on_channel}
            GROUP BY ALL""",
        # Every sale's GMV per day and product (the orders' paid amount spread over their goods).
        "product_gmv": f"""
            WITH {goods}
            SELECT CAST(o.paid_at AS DATE) AS day, l.product_id,
                   CAST(sum(o.paid_amount * l.total_amount / g.goods) AS DECIMAL(18, 6)) AS gmv
            FROM order_lines l JOIN orders o USING (order_id) JOIN goods g USING (order_id)
            WHERE o.paid_at >= {start} AND o.paid_at < {end} AND o.status <> 'cancelled' AND g.goods > 0
            GROUP BY ALL""",
        "day_gmv": f"""
            SELECT CAST(paid_at AS DATE) AS day, sum(paid_amount) AS gmv FROM orders
            WHERE paid_at >= {start} AND paid_at < {end} AND status <> 'cancelled'
            GROUP BY ALL""",
        "spend": f"""
            SELECT day, product_id, sum(amount) AS amount FROM ad_spend
            WHERE day >= DATE '{period.start}' AND day < DATE '{period.end}'
            GROUP BY ALL""",
        "orders": f"""
            SELECT d.supplier_order_id, d.number, d.order_id, d.order_number, d.supplier_id,
                   d.paid_at, d.status, d.shipped_at, d.cost_amount, d.gmv_basis
            FROM dropship_orders d
            WHERE d.paid_at >= {start} AND d.paid_at < {end}{on_channel}
            ORDER BY d.paid_at, d.supplier_order_id""",
    }


@dataclass
class DropshipFigures:
    """What ``dropship_roi`` works out for a period."""

    orders: list[dict] = field(default_factory=list)  # one per order, profit and its parts
    products: dict = field(default_factory=dict)  # product id → {"gmv", "ad_spend", "roi"}
    suppliers: dict = field(default_factory=dict)  # supplier id → {"gmv", "ad_spend", "roi"}
    unallocated: Decimal = Decimal("0.00")  # spend with no sale to carry it
    sql: dict = field(default_factory=dict)


def dropship_roi(period: Period, filters: Filters = NO_FILTERS, *,
                 commission_rate: Decimal | None = None) -> DropshipFigures:
    """Drop-ship profit per order and ROI per product and supplier over ``period``."""
    if "dropship_orders" not in reader.tables():
        raise WarehouseOutdated()
    rate = get_policy().commission_rate if commission_rate is None else commission_rate
    sql = _sql(period, bool(filters.channel))
    params = (("channel", filters.channel),) if filters.channel else ()
    parts, product_rows, day_rows, spend_rows, order_rows = engine.compute_many([
        engine.Rows(sql["parts"], params), engine.Rows(sql["product_gmv"]),
        engine.Rows(sql["day_gmv"]), engine.Rows(sql["spend"]), engine.Rows(sql["orders"], params)])
    product_gmv = {(_day(d), p): Decimal(g) for d, p, g in product_rows}
    day_gmv = {_day(d): Decimal(g) for d, g in day_rows}
    product_spend = {(_day(d), p): Decimal(a) for d, p, a in spend_rows if p is not None}
    shop_spend = {_day(d): Decimal(a) for d, p, a in spend_rows if p is None}
    sales = [Sale(key=(so, p), day=_day(d), product_id=p, gmv=Decimal(g)) for so, d, p, g in parts]
    allocated = rules_supply.allocate_ad_spend(sales, product_gmv=product_gmv, day_gmv=day_gmv,
                                               product_spend=product_spend, shop_spend=shop_spend)
    figures = DropshipFigures(sql=sql)
    by_order = {row[0]: row for row in order_rows}
    supplier_of = {row[0]: row[4] for row in order_rows}
    ad_of_order: dict = defaultdict(Decimal)
    products: dict = defaultdict(lambda: {"gmv": Decimal(0), "ad_spend": Decimal(0)})
    suppliers: dict = defaultdict(lambda: {"gmv": Decimal(0), "ad_spend": Decimal(0)})
    for sale in sales:
        so, product_id = sale.key
        share = allocated.get(sale.key, Decimal(0))
        ad_of_order[so] += share
        for bucket in (products[product_id], suppliers[supplier_of.get(so)]):
            bucket["gmv"] += sale.gmv
            bucket["ad_spend"] += share
    unsold = rules_supply.unsold_spend(product_gmv, product_spend)
    for product_id, amount in unsold.items():
        if product_id in products:
            products[product_id]["ad_spend"] += amount
    figures.unallocated = (sum(product_spend.values(), Decimal(0)) + sum(shop_spend.values(), Decimal(0))
                           - _all_allocated(product_gmv, day_gmv, product_spend, shop_spend)).quantize(CENT)
    figures.products = {p: _with_roi(v) for p, v in products.items()}
    figures.suppliers = {s: _with_roi(v) for s, v in suppliers.items() if s is not None}
    figures.orders = _orders(by_order, ad_of_order, rate)
    return figures


def _all_allocated(product_gmv, day_gmv, product_spend, shop_spend) -> Decimal:
    """The spend that some sale (drop-ship or not) carries: product spend on days it sold,
    shop-wide spend on days with GMV."""
    carried = sum((a for key, a in product_spend.items() if product_gmv.get(key, 0) > 0), Decimal(0))
    return carried + sum((a for d, a in shop_spend.items() if day_gmv.get(d, 0) > 0), Decimal(0))


def _day(value) -> date:
    return value.date() if isinstance(value, datetime) else value


def _with_roi(values: dict) -> dict:
    gmv, spend = values["gmv"].quantize(CENT), values["ad_spend"].quantize(CENT)
    return {"gmv": gmv, "ad_spend": spend, "roi": rules_supply.roi(gmv, spend)}


def _orders(by_order: dict, ad_of_order: dict, rate: Decimal) -> list[dict]:
    """One row per order: its supplier orders' paid share, cost and ad spend summed."""
    grouped: dict = {}
    for so, (_id, number, order_id, order_number, supplier_id, paid_at, _status, _shipped, cost,
             gmv_basis) in by_order.items():
        row = grouped.setdefault(order_id, {
            "order_id": order_id, "order": order_number, "paid_at": paid_at, "supplier_ids": [],
            "supplier_orders": [], "paid": Decimal(0), "cost": Decimal(0), "ad": Decimal(0)})
        row["supplier_ids"].append(supplier_id)
        row["supplier_orders"].append(number)
        row["paid"] += Decimal(gmv_basis or 0)
        row["cost"] += Decimal(cost or 0)
        row["ad"] += ad_of_order.get(so, Decimal(0))
    rows = []
    for row in grouped.values():
        profit = rules_supply.dropship_profit(paid=row["paid"], commission_rate=rate,
                                              cost=row["cost"], ad_spend=row["ad"].quantize(CENT))
        rows.append({**row, "commission": profit.commission, "ad_spend": profit.ad_spend,
                     "profit": profit.profit, "roi": rules_supply.roi(profit.paid, profit.ad_spend)})
    return rows


def dropship(period: Period, compare: Period | None = None, filters: Filters = NO_FILTERS,
             *, access: Access = NO_ACCESS) -> Report:
    report = _new("dropship", _("Drop-ship profit"), period, compare, filters)
    figures = dropship_roi(report.period, filters)
    codes = [*KPI_CODES, "dropship_cost"] if access.cost else KPI_CODES
    kpis, names, titles = engine.compute_many([
        _kpi_query(report, codes),
        engine.Rows("SELECT supplier_id, code, name, warehouse_id FROM suppliers", cached=True),
        engine.Rows("SELECT product_id, title FROM products", cached=True)])
    _add_kpis(report, codes, kpis)
    suppliers = {row[0]: row[1:] for row in names}
    titles = dict(titles)
    floor = get_policy().roi_alert_below
    _summary(report, figures, access)
    _order_table(report, figures, suppliers, access)
    _roi_table(report, "roi_by_product", _("ROI by product"), _("Product"),
               {p: titles.get(p, str(p)) for p in figures.products}, figures.products, floor)
    _roi_table(report, "roi_by_supplier", _("ROI by supplier"), _("Supplier"),
               {s: supplier_label(suppliers.get(s), s, access) for s in figures.suppliers},
               figures.suppliers, floor)
    _explain(report, figures, floor)
    return _explain_derived(report)


def _summary(report: Report, figures: DropshipFigures, access: Access) -> None:
    spend = sum((o["ad_spend"] for o in figures.orders), Decimal("0.00"))
    gmv = sum((o["paid"] for o in figures.orders), Decimal("0.00"))
    report.kpis.append(uncompared_card("dropship_allocated_ad_spend", _("Ad spend allocated to drop-ship"),
                            spend, "money"))
    report.kpis.append(uncompared_card("dropship_roi", _("Drop-ship ROI"),
                                       rules_supply.roi(gmv, spend), "number"))
    if access.cost:
        report.kpis.append(uncompared_card("dropship_profit", _("Drop-ship profit"),
                                sum((o["profit"] for o in figures.orders), Decimal("0.00")), "money"))


def _order_table(report: Report, figures: DropshipFigures, suppliers: dict, access: Access) -> None:
    rows = []
    for order in sorted(figures.orders, key=lambda o: (o["paid_at"], o["order_id"])):
        row = {"order_id": order["order_id"], "order": order["order"],
               "paid_at": order["paid_at"].isoformat(sep=" ", timespec="minutes"),
               "supplier": ", ".join(sorted({supplier_label(suppliers.get(s), s, access)
                                             for s in order["supplier_ids"]})),
               "supplier_orders": ", ".join(order["supplier_orders"]), "paid": order["paid"],
               "commission": order["commission"], "ad_spend": order["ad_spend"], "roi": order["roi"]}
        if access.cost:
            row.update(cost=order["cost"], profit=order["profit"])
        rows.append(row)
    columns = [_column("order", _("Order")), _column("paid_at", _("Paid at")),
               _column("supplier", _("Supplier")), _column("supplier_orders", _("Supplier orders")),
               _column("paid", _("Paid (drop-ship share)"), "money"),
               _column("commission", _("Platform commission"), "money")]
    if access.cost:
        columns.append(_column("cost", _("Drop-ship cost"), "money"))
    columns += [_column("ad_spend", _("Ad spend allocated"), "money")]
    if access.cost:
        columns.append(_column("profit", _("Profit"), "money"))
    columns.append(_column("roi", _("ROI"), "number"))
    report.tables.append({"id": "orders", "title": str(_("Drop-ship orders")), "columns": columns,
                          "rows": rows[-SHOWN_ROWS:], "total_rows": len(rows)})


def _roi_table(report: Report, table_id: str, title, label, names: dict, values: dict,
               floor: Decimal) -> None:
    rows = [{"key": key, "name": names[key], **v, "below_floor": rules_supply.below(v["roi"], floor)}
            for key, v in sorted(values.items(), key=lambda kv: (kv[1]["roi"] is None,
                                                                 kv[1]["roi"] or 0, str(kv[0])))]
    for row in rows:
        row["verdict"] = str(_("Below %(floor)s") % {"floor": floor}) if row["below_floor"] else ""
    report.tables.append({"id": table_id, "title": str(title), "rows": rows, "columns": [
        _column("name", label), _column("gmv", _("Drop-ship GMV"), "money"),
        _column("ad_spend", _("Ad spend allocated"), "money"), _column("roi", _("ROI"), "number"),
        _column("verdict", _("Alert"))]})
    report.charts.append({"id": table_id, "type": "bar", "title": str(title), "unit": "number",
                          "x": [r["name"] for r in rows],
                          "series": [{"name": str(_("ROI")), "code": "roi",
                                      "data": [r["roi"] for r in rows]}]})


def _explain(report: Report, figures: DropshipFigures, floor: Decimal) -> None:
    def entry(code, name, formula, sql=()):
        return {"code": code, "name": str(name), "unit": "", "notes": "", "formula": formula,
                "sql": list(sql)}

    report.explain += [
        entry("dropship_profit", _("Drop-ship profit"),
              "paid (the drop-ship parcels' GMV share) − commission rate × paid − drop-ship cost − "
              "ad spend allocated", [figures.sql["orders"]]),
        entry("ad_spend_allocated", _("Ad spend allocated"),
              "a sale of product p on day d takes spend(d, p) × its GMV / GMV of p on d, plus "
              "shop-wide spend(d) × its GMV / all GMV of d",
              [figures.sql["parts"], figures.sql["product_gmv"], figures.sql["day_gmv"],
               figures.sql["spend"]]),
        entry("dropship_roi", _("Drop-ship ROI"),
              "drop-ship GMV / ad spend allocated to it (per product also its spend on days it sold "
              f"nothing); an alert below {floor} over the last 7 days, once a day per product or "
              "supplier"),
    ]


def last_week(today: date) -> Period:
    """The 7 days up to and including ``today`` (the alert's window)."""
    return Period("current", today - timedelta(days=6), today + timedelta(days=1))
