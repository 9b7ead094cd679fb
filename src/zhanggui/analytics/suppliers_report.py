"""The suppliers report (供应商): a scorecard per supplier against the guides' targets.

KPI cards (all suppliers together, compared like every report's) and a table with, per
supplier, the 48-hour ship rate of its drop-ship orders (≥ 95 %), on-time delivery of its
purchase orders, its defect rate, its return loss (≤ 5 %) and its reply time (≤ 3 minutes),
each with what it counts and a met / missed verdict. Every number is a registry metric
(``supply_metrics``) over the derived tables of ``supply_tables``. A supplier's name is shown
to those who may see supplier records, its code to the others.
"""

from django.utils.translation import gettext_lazy as _

from zhanggui.analytics import engine, reader, rules_supply
from zhanggui.analytics.engine import Filters
from zhanggui.analytics.errors import WarehouseOutdated
from zhanggui.analytics.metrics import METRICS
from zhanggui.analytics.report_base import (
    NO_ACCESS,
    NO_FILTERS,
    Access,
    Report,
    _add_kpis,
    _column,
    _explain_derived,
    _kpi_query,
    _metric_column,
    _new,
)
from zhanggui.analytics.rules import Period
from zhanggui.analytics.supply_metrics import REPLY_TARGET_MINUTES, RETURN_LOSS_CEILING, SHIP_TARGET
from zhanggui.analytics.supply_tables import DERIVED as SUPPLY_TABLES

# code → (target, at most?)
TARGETS = {
    "supplier_ship_within_48h_rate": (SHIP_TARGET, False),
    "return_loss_rate": (RETURN_LOSS_CEILING, True),
    "supplier_reply_minutes": (REPLY_TARGET_MINUTES, True),
}
KPI_CODES = ["supplier_ship_within_48h_rate", "supplier_on_time_rate", "supplier_defect_rate",
             "return_loss_rate", "supplier_reply_minutes"]
COUNT_CODES = ["dropship_due_orders", "purchase_orders_completed", "supplier_units_received",
               "supplier_replies"]
SCORE_CODES = ["dropship_due_orders", "supplier_ship_within_48h_rate",
               "purchase_orders_completed", "supplier_on_time_rate", "purchase_orders_overdue",
               "supplier_units_received", "supplier_units_rejected",
               "supplier_units_returned_quality", "supplier_defect_rate", "supplier_goods_paid",
               "return_loss_amount", "return_loss_rate", "supplier_waits", "supplier_replies",
               "supplier_reply_minutes"]
VERDICTS = {"supplier_ship_within_48h_rate": "ship_verdict", "return_loss_rate": "return_loss_verdict",
            "supplier_reply_minutes": "reply_verdict"}


def verdict_label(met: bool | None) -> str:
    if met is None:
        return "—"
    return str(_("Met")) if met else str(_("Missed"))


def supplier_label(supplier: tuple | None, supplier_id, access: Access) -> str:
    """``code name`` for those who may see suppliers, the code alone for the others."""
    if supplier is None:
        return str(supplier_id)
    code, name, _warehouse = supplier
    return f"{code} {name}" if access.suppliers else code


def suppliers(period: Period, compare: Period | None = None, filters: Filters = NO_FILTERS,
              *, access: Access = NO_ACCESS) -> Report:
    if not set(SUPPLY_TABLES) <= reader.tables():
        raise WarehouseOutdated()
    report = _new("suppliers", _("Suppliers"), period, compare, filters)
    kpis, scores, names = engine.compute_many([
        _kpi_query(report, KPI_CODES, also=[*COUNT_CODES, "supplier_replies"]),
        engine.query(SCORE_CODES, [report.period], filters, group_by="supplier_id"),
        engine.Rows("SELECT supplier_id, code, name, warehouse_id FROM suppliers", cached=True)])
    current = _add_kpis(report, KPI_CODES, kpis)
    _mark_kpis(report, current)
    suppliers_by_id = {row[0]: row[1:] for row in names}
    _scorecard(report, scores["current"], suppliers_by_id, access)
    report.explain.extend(engine.explain(SCORE_CODES, [report.period], filters,
                                         group_by="supplier_id"))
    report.explain.append({
        "code": "supplier_targets", "name": str(_("Targets")), "unit": "", "notes": "", "sql": [],
        "formula": f"supplier_ship_within_48h_rate ≥ {SHIP_TARGET:.0%}; return_loss_rate ≤ "
                   f"{RETURN_LOSS_CEILING:.0%}; supplier_reply_minutes ≤ {REPLY_TARGET_MINUTES}"})
    return _explain_derived(report)


def _mark_kpis(report: Report, values: dict) -> None:
    """Targets on the cards; a reply time with no reply is no figure (not 0 minutes)."""
    for kpi in report.kpis:
        code = kpi["code"]
        if code == "supplier_reply_minutes" and not values.get("supplier_replies"):
            kpi["value"] = None
        if code in TARGETS:
            target, at_most = TARGETS[code]
            kpi["target"], kpi["target_at_most"] = target, at_most
            kpi["meets_target"] = rules_supply.verdict(kpi["value"], target, at_most=at_most)


def _scorecard(report: Report, scores: dict, names: dict, access: Access) -> None:
    rows = []
    for supplier_id, values in sorted(scores.items(), key=lambda kv: (kv[0] is None, str(
            names.get(kv[0], ("",))[0]))):
        if supplier_id is None or not any(values.get(c) for c in (*COUNT_CODES, "supplier_waits",
                                                                  "purchase_orders_overdue",
                                                                  "supplier_goods_paid")):
            continue
        row = {"supplier_id": supplier_id, "supplier": supplier_label(names.get(supplier_id),
                                                                      supplier_id, access),
               "is_drop_ship": bool(names.get(supplier_id, (None, None, None))[2]),
               **{c: values.get(c) for c in SCORE_CODES}}
        if not values.get("supplier_replies"):
            row["supplier_reply_minutes"] = None
        for code, key in VERDICTS.items():
            target, at_most = TARGETS[code]
            met = rules_supply.verdict(row[code], target, at_most=at_most)
            row[key], row[f"{key}_label"] = met, verdict_label(met)
        rows.append(row)
    columns = [_column("supplier", _("Supplier"))]
    for code in SCORE_CODES:
        columns.append(_metric_column(code))
        if code in VERDICTS:
            columns.append(_column(f"{VERDICTS[code]}_label", _target_label(code)))
    report.tables.append({"id": "scorecard", "title": str(_("Supplier scorecard")),
                          "columns": columns, "rows": rows})
    report.charts.append({"id": "scorecard", "type": "bar", "unit": "rate", "same_axis": True,
                          "title": str(_("Supplier scorecard")), "x": [r["supplier"] for r in rows],
                          "series": [{"name": str(METRICS[c].name), "code": c,
                                      "data": [r[c] for r in rows]}
                                     for c in ("supplier_ship_within_48h_rate", "supplier_on_time_rate",
                                               "supplier_defect_rate", "return_loss_rate")]})


def _target_label(code: str) -> str:
    target, at_most = TARGETS[code]
    shown = f"{target:.0%}" if METRICS[code].unit == "rate" else str(target)
    return str(_("Target %(sign)s %(target)s") % {"sign": "≤" if at_most else "≥", "target": shown})
