"""Channel profit (渠道利润): per sales channel, over the orders paid in a period, what is left
after refunds, the goods' cost, the platform's commission and fees, and the ad spend that
belongs to the channel.

Per channel (the order's ``channel``), from the warehouse:

- orders paid, GMV = Σ paid amount of orders paid in the period (not cancelled);
- refunds = Σ refunded amount of those orders (issued up to now);
- goods cost = Σ (quantity − returned) × unit cost snapshot of their lines (as the campaigns'
  gross profit counts it);
- commission = commission rate × GMV, payment fees = payment fee rate × GMV, order fees =
  fee per order × orders (the rates of ``channels.Channel``, as they are now);
- ad spend: ``marketing.AdSpend`` of the period whose ad channel belongs to one sales channel
  (直通车, 引力魔方, 万相台 → Taobao; 巨量千川 → Douyin); "other" spend is not attributed;
- profit = GMV − refunds − cost − commission − payment fees − order fees − ad spend;
  margin = profit / GMV.

The arithmetic is ``channels.rules.channel_profit``. Cost, profit and margin are shown only to
those who may see costs.
"""

from decimal import Decimal

from django.utils.translation import gettext_lazy as _

from zhanggui.analytics import engine, reader
from zhanggui.analytics.engine import Filters
from zhanggui.analytics.errors import WarehouseOutdated
from zhanggui.analytics.report_base import (
    NO_ACCESS,
    NO_FILTERS,
    Access,
    Report,
    _add_kpis,
    _column,
    _kpi_query,
    _new,
    uncompared_card,
)
from zhanggui.analytics.rules import Period
from zhanggui.channels import queries as channel_queries
from zhanggui.channels import rules as channel_rules

KPI_CODES = ["gmv", "orders_paid"]
# Ad products (``marketing.AdChannel``) that spend for one sales channel.
AD_CHANNELS = {"zhitongche": "taobao", "yinlimofang": "taobao", "wanxiangtai": "taobao",
               "douyin": "douyin"}


def _at(day) -> str:
    return f"TIMESTAMP '{day} 00:00:00'"


def _sql(period: Period, channel: bool) -> dict[str, str]:
    start, end = _at(period.start), _at(period.end)
    on_channel = " AND o.channel = $channel" if channel else ""
    return {
        "orders": f"""
            WITH paid AS (
                SELECT order_id, channel, paid_amount, coalesce(refunded_amount, 0) AS refunded
                FROM orders o
                WHERE o.paid_at >= {start} AND o.paid_at < {end} AND o.status <> 'cancelled'{on_channel}
            ), goods AS (
                SELECT l.order_id,
                       sum((l.quantity - coalesce(l.returned_quantity, 0)) * coalesce(l.unit_cost, 0))
                           AS cost
                FROM order_lines l JOIN paid USING (order_id) GROUP BY l.order_id
            )
            SELECT p.channel, count(*) AS orders, sum(p.paid_amount) AS paid,
                   sum(p.refunded) AS refunds, CAST(coalesce(sum(g.cost), 0) AS DECIMAL(18, 2)) AS cost
            FROM paid p LEFT JOIN goods g USING (order_id)
            GROUP BY p.channel ORDER BY p.channel""",
        "ad_spend": f"""
            SELECT channel, sum(amount) AS amount FROM ad_spend
            WHERE day >= DATE '{period.start}' AND day < DATE '{period.end}'
            GROUP BY channel ORDER BY channel""",
    }


def profit_by_channel(period: Period, filters: Filters = NO_FILTERS) -> tuple[dict, Decimal, dict]:
    """({channel code: ChannelProfit}, ad spend not attributable to a channel, the SQL)."""
    if "ad_spend" not in reader.tables():
        raise WarehouseOutdated()
    sql = _sql(period, bool(filters.channel))
    params = (("channel", filters.channel),) if filters.channel else ()
    order_rows, spend_rows = engine.compute_many([engine.Rows(sql["orders"], params),
                                                  engine.Rows(sql["ad_spend"])])
    spend: dict[str, Decimal] = {}
    unattributed = Decimal("0.00")
    for ad_channel, amount in spend_rows:
        channel = AD_CHANNELS.get(ad_channel)
        if channel is None:
            unattributed += Decimal(amount)
        elif not filters.channel or channel == filters.channel:
            spend[channel] = spend.get(channel, Decimal("0.00")) + Decimal(amount)
    rates = channel_queries.channel_rates()
    figures = {}
    for channel, orders, paid, refunds, cost in order_rows:
        figures[channel] = channel_rules.channel_profit(
            orders=orders, paid=Decimal(paid), refunds=Decimal(refunds), cost=Decimal(cost),
            rates=channel_rules.rates_of(rates, channel), ad_spend=spend.pop(channel, Decimal("0.00")))
    for channel, amount in spend.items():  # spend on a channel that sold nothing
        figures[channel] = channel_rules.channel_profit(
            orders=0, paid=Decimal(0), refunds=Decimal(0), cost=Decimal(0),
            rates=channel_rules.rates_of(rates, channel), ad_spend=amount)
    return figures, unattributed, sql


def channel_profit(period: Period, compare: Period | None = None, filters: Filters = NO_FILTERS,
                   *, access: Access = NO_ACCESS) -> Report:
    report = _new("channel_profit", _("Channel profit"), period, compare, filters)
    figures, unattributed, sql = profit_by_channel(report.period, filters)
    (kpis,) = engine.compute_many([_kpi_query(report, KPI_CODES)])
    _add_kpis(report, KPI_CODES, kpis)
    total = lambda name: sum((getattr(f, name) for f in figures.values()), Decimal("0.00"))  # noqa: E731
    report.kpis.append(uncompared_card("channel_fees", _("Commission and fees"),
                                       total("commission") + total("payment_fees") + total("order_fees"),
                                       "money"))
    report.kpis.append(uncompared_card("channel_ad_spend", _("Ad spend by channel"), total("ad_spend"),
                                       "money"))
    if access.cost:
        report.kpis.append(uncompared_card("channel_profit", _("Profit after commission and fees"),
                                           total("profit"), "money"))
    _table(report, figures, access)
    _explain(report, sql, unattributed)
    return report


def _table(report: Report, figures: dict, access: Access) -> None:
    names = channel_queries.channel_names()
    rows = []
    for code, f in sorted(figures.items(), key=lambda kv: (-kv[1].paid, kv[0])):
        row = {"channel": code, "name": names.get(code, code), "orders": f.orders, "paid": f.paid,
               "refunds": f.refunds, "commission": f.commission, "payment_fees": f.payment_fees,
               "order_fees": f.order_fees, "ad_spend": f.ad_spend}
        if access.cost:
            row.update(cost=f.cost, profit=f.profit,
                       margin=float(f.margin) if f.margin is not None else None)
        rows.append(row)
    columns = [_column("name", _("Channel")), _column("orders", _("Orders paid"), "count"),
               _column("paid", _("GMV (paid)"), "money"), _column("refunds", _("Refunds"), "money")]
    if access.cost:
        columns.append(_column("cost", _("Goods cost"), "money"))
    columns += [_column("commission", _("Commission"), "money"),
                _column("payment_fees", _("Payment fees"), "money"),
                _column("order_fees", _("Per-order fees"), "money"),
                _column("ad_spend", _("Ad spend"), "money")]
    if access.cost:
        columns += [_column("profit", _("Profit"), "money"), _column("margin", _("Margin"), "rate")]
    report.tables.append({"id": "channels", "title": str(_("Profit by channel")),
                          "columns": columns, "rows": rows, "total_rows": len(rows)})
    key, label = ("profit", _("Profit")) if access.cost else ("paid", _("GMV (paid)"))
    report.charts.append({"id": "channels", "type": "bar", "title": str(_("By channel")),
                          "unit": "money", "x": [r["name"] for r in rows],
                          "series": [{"name": str(label), "code": key, "data": [r[key] for r in rows]}]})


def _explain(report: Report, sql: dict, unattributed: Decimal) -> None:
    def entry(code, name, formula, queries=()):
        return {"code": code, "name": str(name), "unit": "", "notes": "", "formula": formula,
                "sql": list(queries)}

    report.explain += [
        entry("channel_profit", _("Profit after commission and fees"),
              "GMV − refunds − goods cost − commission rate × GMV − payment fee rate × GMV − "
              "fee per order × orders − ad spend of the channel; margin = profit / GMV "
              "(rates: the channel's settings now)", [sql["orders"]]),
        entry("channel_goods_cost", _("Goods cost"),
              "Σ (quantity − returned) × the unit cost recorded on each order line"),
        entry("channel_ad_spend", _("Ad spend by channel"),
              "直通车, 引力魔方, 万相台 → taobao; 巨量千川 (douyin) → douyin; other ad spend "
              f"is not attributed (this period: {unattributed})", [sql["ad_spend"]]),
    ]
