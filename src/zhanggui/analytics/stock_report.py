"""The stock health report (库存结构): ABC × XYZ, days of supply, sell-through, slow movers.

Per SKU: ABC by goods paid in the period (``rules.abc_classes``, as the sales report's
products), XYZ by the coefficient of variation of its weekly units over the 13 weeks that
end with the period (``rules_supply.xyz_class``: X < 0.5, Y < 1.0, Z ≥ 1.0 or no demand),
days of supply (GLOSSARY: available / average daily units of the last 28 days) and
sell-through (units sold / units received). A slow mover has stock and either more days of
supply than the supply policy's ``slow_mover_days`` (90) or no sale for 60 days; each gets a
clearance or delisting suggestion with its reason (``rules_supply.stock_advice``). Stock is
as it is now. Stock value (on hand × cost) only for those who may see costs.
"""

from datetime import date, datetime, timedelta
from decimal import Decimal

from django.utils.translation import gettext_lazy as _

from zhanggui.analytics import engine, reader, rules, rules_supply
from zhanggui.analytics.engine import Filters
from zhanggui.analytics.errors import WarehouseOutdated
from zhanggui.analytics.report_base import (
    NO_ACCESS,
    NO_FILTERS,
    Access,
    Report,
    _column,
    _explain_derived,
    _metric_column,
    _new,
    uncompared_card,
)
from zhanggui.analytics.rules import Period
from zhanggui.suppliers.queries import get_policy

SKU_CODES = ["units_sold", "line_gmv", "units_received", "sell_through_rate", "stock_on_hand",
             "stock_available", "avg_daily_units_28d", "days_of_supply"]
SHOWN_ROWS = 200
NO_SALE_DAYS = 60
ACTION_NAMES = {"clearance": _("Clearance (清仓)"), "delist": _("Delist (下架)"), "": ""}
REASONS = {
    "days_of_supply": _("%(days)s days of supply, above %(limit)s: sell in sets, with 满减 or a "
                        "discount"),
    "no_sale": _("no sale for %(idle)s days, %(units)s units available"),
    "never_sold": _("never sold, %(units)s units available"),
}
DELIST_REASONS = {
    "no_sale": _("class C, no sale for %(idle)s days: clear the %(units)s units, then delist"),
    "never_sold": _("class C, never sold: clear the %(units)s units, then delist"),
}


def _at(day: date) -> str:
    return f"TIMESTAMP '{day} 00:00:00'"


def _sales_filter(filters: Filters) -> tuple[str, tuple]:
    if filters.channel:
        return " AND channel = $channel", (("channel", filters.channel),)
    return "", ()


def stock(period: Period, compare: Period | None = None, filters: Filters = NO_FILTERS,
          *, access: Access = NO_ACCESS) -> Report:
    if "sku_stock" not in reader.tables():
        raise WarehouseOutdated()
    report = _new("stock", _("Stock health"), period, compare, filters)
    end = report.period.end
    channel, params = _sales_filter(filters)
    weeks_sql = f"""
        SELECT sku_id, CAST((date_diff('second', paid_at, {_at(end)}) - 1) // 604800 AS INTEGER) AS week,
               sum(quantity) AS units
        FROM line_facts
        WHERE status <> 'cancelled' AND paid_at >= {_at(end - timedelta(weeks=rules_supply.XYZ_WEEKS))}
          AND paid_at < {_at(end)}{channel}
        GROUP BY ALL"""
    last_sql = f"""
        SELECT sku_id, max(paid_at) FROM line_facts
        WHERE status <> 'cancelled' AND paid_at IS NOT NULL AND paid_at < {_at(end)}{channel}
        GROUP BY sku_id"""
    sku_sql = """
        SELECT k.sku_id, k.code, k.product_id, p.title, p.status, k.cost_amount, k.is_active
        FROM skus k LEFT JOIN products p USING (product_id)"""
    values, weeks, last_sold, skus = engine.compute_many([
        engine.query(SKU_CODES, [report.period], filters, group_by="sku_id"),
        engine.Rows(weeks_sql, params), engine.Rows(last_sql, params), engine.Rows(sku_sql, cached=True)])
    rows = _sku_rows(report, values["current"], weeks, last_sold, skus, access)
    _kpis(report, rows, access)
    _matrix(report, rows, access)
    _table(report, rows, access)
    report.explain.extend(engine.explain(SKU_CODES, [report.period], filters, group_by="sku_id"))
    report.explain.extend(_rules_explained(weeks_sql, last_sql))
    return _explain_derived(report)


def _sku_rows(report: Report, values: dict, weeks: list, last_sold: list, skus: list,
              access: Access) -> list[dict]:
    policy = get_policy()
    units_by_week: dict = {}
    for sku_id, week, units in weeks:
        units_by_week.setdefault(sku_id, {})[week] = units
    last = {sku_id: at.date() if isinstance(at, datetime) else at for sku_id, at in last_sold}
    today = report.period.end - timedelta(days=1)
    chosen = [s for s in skus if s[6] or (values.get(s[0], {}).get("stock_on_hand") or 0) > 0
              or s[0] in values]
    classes = rules.abc_classes({s[0]: values.get(s[0], {}).get("line_gmv") or 0 for s in chosen})
    rows = []
    for sku_id, code, product_id, title, status, cost, _active in chosen:
        numbers = {c: values.get(sku_id, {}).get(c) for c in SKU_CODES}
        for c in ("units_sold", "units_received", "stock_on_hand", "stock_available"):
            numbers[c] = numbers[c] or 0
        available = numbers["stock_available"]
        daily = float(numbers["avg_daily_units_28d"] or 0)
        cv = rules_supply.coefficient_of_variation(
            rules_supply.weekly_series(units_by_week.get(sku_id, {})))
        advice = rules_supply.stock_advice(
            available=available, avg_daily_units=daily, last_sold_on=last.get(sku_id),
            today=today, abc=classes[sku_id], listed=status == "listed",
            slow_days=policy.slow_mover_days, no_sale_days=NO_SALE_DAYS)
        idle = (today - last[sku_id]).days if sku_id in last else None
        row = {"sku_id": sku_id, "sku": code, "product_id": product_id, "title": title or "",
               **numbers, "days_of_supply": None if not daily else available / daily,
               "abc_class": classes[sku_id], "cv": cv, "xyz_class": rules_supply.xyz_class(cv),
               "days_since_sale": idle, "is_slow": advice.is_slow, "action": advice.action,
               "suggestion": str(ACTION_NAMES[advice.action]),
               "reason": _reason(advice, idle, available, policy.slow_mover_days)}
        if access.cost:
            row["stock_value"] = (Decimal(numbers["stock_on_hand"]) * Decimal(cost or 0)).quantize(
                rules_supply.CENT)
        rows.append(row)
    rows.sort(key=lambda r: (not r["is_slow"], -(r["stock_available"] or 0), r["sku"]))
    return rows


def _reason(advice: rules_supply.StockAdvice, idle, units: int, limit: int) -> str:
    if not advice.action:
        return ""
    texts = DELIST_REASONS if advice.action == "delist" else REASONS
    days = "∞" if advice.days_of_supply is None else f"{advice.days_of_supply:.0f}"
    return str(texts[advice.reason]) % {"days": days, "limit": limit, "idle": idle, "units": units}


def _kpis(report: Report, rows: list[dict], access: Access) -> None:
    slow = [r for r in rows if r["is_slow"]]
    report.kpis += [
        uncompared_card("skus", _("SKUs"), len(rows), "count"),
        uncompared_card("stock_available", _("Units available"),
                        sum(r["stock_available"] for r in rows), "count"),
        uncompared_card("slow_movers", _("Slow movers"), len(slow), "count"),
        uncompared_card("slow_units", _("Units of slow movers"),
                        sum(r["stock_available"] for r in slow), "count"),
        uncompared_card("delist_suggested", _("Suggested for delisting"),
              sum(1 for r in slow if r["action"] == "delist"), "count"),
    ]
    if access.cost:
        report.kpis += [
            uncompared_card("stock_value", _("Stock value at cost"), sum((r["stock_value"] for r in rows),
                                                              Decimal("0.00")), "money"),
            uncompared_card("slow_stock_value", _("Slow movers' stock value at cost"),
                  sum((r["stock_value"] for r in slow), Decimal("0.00")), "money")]


def _matrix(report: Report, rows: list[dict], access: Access) -> None:
    cells = {(a, x): {"skus": 0, "units": 0, "value": Decimal("0.00")} for a in "ABC" for x in "XYZ"}
    for r in rows:
        cell = cells[(r["abc_class"], r["xyz_class"])]
        cell["skus"] += 1
        cell["units"] += r["stock_available"]
        if access.cost:
            cell["value"] += r["stock_value"]
    table_rows = []
    for a in "ABC":
        row = {"abc_class": a}
        for x in "XYZ":
            row[f"{x}_skus"], row[f"{x}_units"] = cells[(a, x)]["skus"], cells[(a, x)]["units"]
            if access.cost:
                row[f"{x}_value"] = cells[(a, x)]["value"]
        table_rows.append(row)
    columns = [_column("abc_class", _("ABC class"))]
    for x in "XYZ":
        columns += [_column(f"{x}_skus", _("%(xyz)s: SKUs") % {"xyz": x}, "count"),
                    _column(f"{x}_units", _("%(xyz)s: units available") % {"xyz": x}, "count")]
        if access.cost:
            columns.append(_column(f"{x}_value", _("%(xyz)s: stock value") % {"xyz": x}, "money"))
    report.tables.append({"id": "abc_xyz", "title": str(_("ABC × XYZ")), "columns": columns,
                          "rows": table_rows})
    report.charts.append({"id": "abc_xyz", "type": "heatmap", "title": str(_("ABC × XYZ: SKUs")),
                          "x": ["X", "Y", "Z"], "y": ["A", "B", "C"], "inverse_y": True,
                          "series": [{"name": str(_("SKUs")), "data": [
                              [xi, ai, cells[(a, x)]["skus"]]
                              for ai, a in enumerate("ABC") for xi, x in enumerate("XYZ")]}]})


def _table(report: Report, rows: list[dict], access: Access) -> None:
    columns = [_column("sku", _("SKU")), _column("title", _("Product")),
               _column("abc_class", _("ABC class")), _column("xyz_class", _("XYZ class")),
               _column("cv", _("Demand variability (CV)"), "number"),
               *[_metric_column(c) for c in ("units_sold", "line_gmv", "units_received",
                                             "sell_through_rate", "stock_available",
                                             "avg_daily_units_28d", "days_of_supply")],
               _column("days_since_sale", _("Days since the last sale"), "count")]
    if access.cost:
        columns.append(_column("stock_value", _("Stock value at cost"), "money"))
    columns += [_column("suggestion", _("Suggestion")), _column("reason", _("Why"))]
    report.tables.append({"id": "skus", "title": str(_("Stock by SKU, slow movers first")),
                          "columns": columns, "rows": rows[:SHOWN_ROWS], "total_rows": len(rows)})


def _rules_explained(weeks_sql: str, last_sql: str) -> list[dict]:
    policy_days = get_policy().slow_mover_days

    def entry(code, name, formula, sql=()):
        return {"code": code, "name": str(name), "unit": "", "notes": "", "formula": formula,
                "sql": list(sql)}

    return [
        entry("abc_class", _("ABC class"), "SKUs by goods paid in the period, largest first: A until "
              "80 % of the total (the SKU that crosses it included), B until 95 %, C after"),
        entry("xyz_class", _("XYZ class"), "coefficient of variation (sample std / mean) of "
              "weekly units over the 13 weeks that end with the period: X < 0.5, Y < 1.0, Z ≥ 1.0; "
              "no sale in the 13 weeks: Z", [weeks_sql]),
        entry("slow_mover", _("Slow mover"), f"units available > 0 and (days_of_supply > "
              f"{policy_days} (supply policy) or no sale for {NO_SALE_DAYS} days)", [last_sql]),
        entry("suggestion", _("Suggestion"), "slow mover: clearance (清仓: sets, 满减, a discount); "
              "slow mover of class C, listed, not sold for 91 days or never: clear, then delist "
              "(下架)"),
    ]
