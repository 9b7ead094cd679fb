"""The logistics report (物流): carrier scorecards and logistics cost.

KPI cards (48-hour ship rate against the guides' 95 % target, on-time delivery, damage and
loss, cost per parcel, per kg and as a share of GMV) compared like every report's; a
scorecard per carrier and per carrier × destination region group; cost by carrier; the
48-hour ship rate by warehouse and by day against the target; and what each rate leaves
out (parcels from before collection scans, promises and charges were recorded). Every
number is a registry metric (``logistics_metrics``) over the derived tables of
``logistics_tables``. Filters: period, warehouse, carrier (and channel).
"""

from django.utils.translation import gettext_lazy as _

from zhanggui.analytics import engine, reader, rules
from zhanggui.analytics.engine import Filters
from zhanggui.analytics.errors import WarehouseOutdated
from zhanggui.analytics.logistics_metrics import SHIP_TARGET
from zhanggui.analytics.logistics_tables import DERIVED as LOGISTICS_TABLES
from zhanggui.analytics.metrics import METRICS
from zhanggui.analytics.report_base import (
    NO_FILTERS,
    Report,
    _add_kpis,
    _column,
    _days,
    _explain_derived,
    _kpi_query,
    _metric_column,
    _names,
    _new,
)
from zhanggui.analytics.rules import Period
from zhanggui.core.regions import RegionGroup
from zhanggui.fulfillment.models import Carrier

KPI_CODES = ["ship_within_48h_rate", "on_time_delivery_rate", "damage_loss_rate",
             "logistics_cost_per_parcel", "logistics_cost_per_kg", "logistics_cost_share",
             "parcels_collected", "logistics_cost"]
# What the rates leave out, and of what (the coverage table, the notes on the cards).
COVERAGE_CODES = ["ship_due_orders", "ship_pending_orders", "ship_unrecorded_orders",
                  "promised_deliveries", "unpromised_deliveries", "costed_parcels",
                  "weighed_parcels"]
SCORECARD_CODES = ["ship_due_orders", "ship_within_48h_rate", "promised_deliveries",
                   "on_time_delivery_rate", "parcels_collected", "damage_loss_rate",
                   "logistics_cost_per_parcel", "logistics_cost_per_kg", "logistics_cost_share"]
COST_CODES = ["parcels_collected", "costed_parcels", "logistics_cost", "logistics_cost_per_parcel",
              "billed_weight_kg", "logistics_cost_per_kg", "costed_gmv", "logistics_cost_share"]
WAREHOUSE_CODES = ["ship_due_orders", "shipped_in_48h_orders", "ship_within_48h_rate",
                   "ship_pending_orders", "parcels_collected", "logistics_cost_per_parcel"]
DAY_CODES = ["ship_due_orders", "shipped_in_48h_orders", "ship_within_48h_rate"]

CARRIER_NAMES = dict(Carrier.choices)
REGION_NAMES = dict(RegionGroup.choices)


def carrier_label(code: str | None) -> str:
    if not code:
        return str(_("No carrier yet"))
    return str(CARRIER_NAMES.get(code, code))


def region_label(code: str | None) -> str:
    return str(REGION_NAMES.get(code or "", _("Unknown")))


def logistics(period: Period, compare: Period | None = None, filters: Filters = NO_FILTERS) -> Report:
    if not set(LOGISTICS_TABLES) <= reader.tables():
        raise WarehouseOutdated()
    report = _new("logistics", _("Logistics"), period, compare, filters)
    one = [report.period]
    kpis, by_carrier, cells, by_warehouse, daily, warehouses = engine.compute_many([
        _kpi_query(report, KPI_CODES, also=COVERAGE_CODES),
        engine.query([*SCORECARD_CODES, *COST_CODES], one, filters, group_by="carrier"),
        engine.query(SCORECARD_CODES, one, filters, group_by=("carrier", "region_group")),
        engine.query(WAREHOUSE_CODES, one, filters, group_by="warehouse_id"),
        engine.query(DAY_CODES, one, filters, group_by="day"),
        _names("warehouses", "warehouse_id", "name")])
    current = _add_kpis(report, KPI_CODES, kpis)
    _annotate_kpis(report, current)
    by_carrier = by_carrier["current"]
    _scorecard(report, by_carrier)
    _regions(report, cells["current"])
    _costs(report, by_carrier)
    _warehouses(report, by_warehouse["current"], dict(warehouses))
    _trend(report, daily["current"])
    _coverage(report, current)
    report.explain.extend(engine.explain([*COVERAGE_CODES, "shipped_in_48h_orders",
                                          "damaged_lost_parcels", "billed_weight_kg", "costed_gmv"],
                                         one, filters))
    report.explain.append({
        "code": "ship_target", "name": str(_("48-hour ship rate target")), "unit": "rate",
        "notes": "", "sql": [],
        "formula": f"ship_within_48h_rate ≥ {SHIP_TARGET:.0%} (the guides' target)"})
    return _explain_derived(report)


def _annotate_kpis(report: Report, values: dict) -> None:
    """The target on the ship rate's card, and on each rate's card how many it leaves out."""
    left_out = {
        "ship_within_48h_rate": (values["ship_pending_orders"], values["ship_unrecorded_orders"]),
        "on_time_delivery_rate": (values["unpromised_deliveries"],),
        "logistics_cost_per_parcel": (values["parcels_collected"] - values["costed_parcels"],),
        "logistics_cost_share": (values["parcels_collected"] - values["costed_parcels"],),
        "logistics_cost_per_kg": (values["parcels_collected"] - values["weighed_parcels"],),
    }
    notes = {
        "ship_within_48h_rate": _("Not counted: %(pending)d still inside their 48 hours, "
                                  "%(unrecorded)d with no hand-over on record"),
        "on_time_delivery_rate": _("Not counted, no promised time: %(count)d"),
        "logistics_cost_per_parcel": _("Not counted, no carrier charge: %(count)d"),
        "logistics_cost_share": _("Not counted, no carrier charge: %(count)d"),
        "logistics_cost_per_kg": _("Not counted, no charge or no weight: %(count)d"),
    }
    for kpi in report.kpis:
        code = kpi["code"]
        if code == "ship_within_48h_rate":
            kpi["target"] = SHIP_TARGET
            kpi["meets_target"] = None if kpi["value"] is None else kpi["value"] >= SHIP_TARGET
        counts = left_out.get(code)
        if counts and any(counts):
            text = notes[code]
            kpi["note"] = str(text) % ({"pending": counts[0], "unrecorded": counts[1]}
                                       if len(counts) == 2 else {"count": counts[0]})


def _counted(values: dict) -> bool:
    """Whether a group counts anything in a scorecard (not only orders left out)."""
    return any(values.get(c) for c in ("ship_due_orders", "parcels_collected", "promised_deliveries"))


def _ordered(values: dict) -> list:
    """Groups that count anything, with the most parcels (then orders) first; the one
    without a carrier last."""
    return sorted(((k, v) for k, v in values.items() if _counted(v)),
                  key=lambda kv: (kv[0] in (None, ""), -(kv[1].get("parcels_collected") or 0),
                                  -(kv[1].get("ship_due_orders") or 0), str(kv[0])))


def _scorecard(report: Report, by_carrier: dict) -> None:
    rows = [{"carrier": key or "", "name": carrier_label(key),
             **{c: values.get(c) for c in SCORECARD_CODES}} for key, values in _ordered(by_carrier)]
    report.tables.append({"id": "scorecard", "title": str(_("Carrier scorecard")),
                          "columns": [_column("name", _("Carrier")),
                                      *[_metric_column(c) for c in SCORECARD_CODES]],
                          "rows": rows})
    report.charts.append({"id": "scorecard", "type": "bar", "unit": "rate",
                          "title": str(_("Carrier scorecard")), "x": [r["name"] for r in rows],
                          "series": [{"name": str(METRICS[c].name), "code": c,
                                      "data": [r[c] for r in rows]}
                                     for c in ("ship_within_48h_rate", "on_time_delivery_rate",
                                               "damage_loss_rate")],
                          "same_axis": True})
    report.explain.extend(engine.explain(SCORECARD_CODES, [report.period], report.filters,
                                         group_by="carrier"))


def _regions(report: Report, cells: dict) -> None:
    ranked = sorted(((k, v) for k, v in cells.items() if _counted(v)),
                    key=lambda kv: (kv[0][0] in (None, ""), str(kv[0][0]),
                                    -(kv[1].get("parcels_collected") or 0), str(kv[0][1])))
    rows = [{"carrier": carrier or "", "name": carrier_label(carrier), "region_group": region or "",
             "region": region_label(region), **{c: values.get(c) for c in SCORECARD_CODES}}
            for (carrier, region), values in ranked]
    report.tables.append({"id": "scorecard_regions", "title": str(_("Carrier scorecard by region")),
                          "columns": [_column("name", _("Carrier")), _column("region", _("Region")),
                                      *[_metric_column(c) for c in SCORECARD_CODES]],
                          "rows": rows})


def _costs(report: Report, by_carrier: dict) -> None:
    total = sum((v.get("logistics_cost") or 0) for v in by_carrier.values())
    rows = []
    for key, values in _ordered(by_carrier):
        if not values.get("parcels_collected"):
            continue  # orders without a parcel have no cost
        rows.append({"carrier": key or "", "name": carrier_label(key),
                     **{c: values.get(c) for c in COST_CODES},
                     "cost_share_of_total": rules.ratio(values.get("logistics_cost") or 0, total)})
    report.tables.append({"id": "costs", "title": str(_("Logistics cost by carrier")), "columns": [
        _column("name", _("Carrier")), *[_metric_column(c) for c in COST_CODES],
        _column("cost_share_of_total", _("Share of all carrier charges"), "rate")], "rows": rows})
    report.charts.append({"id": "costs", "type": "bar", "title": str(_("Logistics cost by carrier")),
                          "x": [r["name"] for r in rows],
                          "series": [{"name": str(METRICS[c].name), "code": c, "unit": "money",
                                      "data": [r[c] for r in rows]}
                                     for c in ("logistics_cost", "logistics_cost_per_parcel")]})
    report.explain.extend(engine.explain(COST_CODES, [report.period], report.filters,
                                         group_by="carrier"))


def _warehouses(report: Report, by_warehouse: dict, names: dict) -> None:
    rows = [{"warehouse_id": key, "name": names.get(key, str(_("No parcel yet"))) if key else
             str(_("No parcel yet")), **{c: values.get(c) for c in WAREHOUSE_CODES}}
            for key, values in sorted(by_warehouse.items(),
                                      key=lambda kv: (kv[0] is None, -(kv[1].get("ship_due_orders") or 0),
                                                      kv[0] or 0))]
    report.tables.append({"id": "warehouses", "title": str(_("48-hour ship rate by warehouse")),
                          "columns": [_column("name", _("Warehouse")),
                                      *[_metric_column(c) for c in WAREHOUSE_CODES]],
                          "rows": rows})
    report.explain.extend(engine.explain(WAREHOUSE_CODES, [report.period], report.filters,
                                         group_by="warehouse_id"))


def _trend(report: Report, daily: dict) -> None:
    rows = [{"day": day.isoformat(),
             **{c: daily.get(day, {}).get(c, 0 if c != "ship_within_48h_rate" else None)
                for c in DAY_CODES}}
            for day in _days(report.period)]
    name = str(METRICS["ship_within_48h_rate"].name)
    report.charts.append({"id": "ship_rate_trend", "type": "line", "unit": "rate",
                          "title": str(_("48-hour ship rate by day of payment")),
                          "x": [r["day"] for r in rows], "target": SHIP_TARGET,
                          "target_label": str(_("Target %(target)s") % {"target": f"{SHIP_TARGET:.0%}"}),
                          "series": [{"name": name, "code": "ship_within_48h_rate",
                                      "data": [r["ship_within_48h_rate"] for r in rows]}]})
    report.tables.append({"id": "ship_rate_by_day", "title": str(_("48-hour ship rate by day of payment")),
                          "columns": [_column("day", _("Day"), "date"),
                                      *[_metric_column(c) for c in DAY_CODES]],
                          "rows": rows})


def _coverage(report: Report, values: dict) -> None:
    """What each rate counts and leaves out, and why (the honest fall-backs)."""
    def row(code, counted, left_out, reason):
        return {"metric": str(METRICS[code].name), "counted": counted, "left_out": left_out,
                "reason": str(reason)}

    costed, collected = values["costed_parcels"], values["parcels_collected"]
    rows = [
        row("ship_within_48h_rate", values["ship_due_orders"], values["ship_pending_orders"],
            _("orders still inside their 48 hours, not handed over yet")),
        row("ship_within_48h_rate", values["ship_due_orders"], values["ship_unrecorded_orders"],
            _("orders marked shipped with no parcel hand-over on record")),
        row("on_time_delivery_rate", values["promised_deliveries"], values["unpromised_deliveries"],
            _("parcels delivered without a promised delivery time")),
        row("logistics_cost_per_parcel", costed, collected - costed,
            _("parcels collected without a carrier charge")),
        row("logistics_cost_per_kg", values["weighed_parcels"], collected - values["weighed_parcels"],
            _("parcels collected without a carrier charge or a weight")),
    ]
    report.tables.append({"id": "coverage", "title": str(_("What the rates leave out")), "columns": [
        _column("metric", _("Metric")), _column("counted", _("Counted"), "count"),
        _column("left_out", _("Left out"), "count"), _column("reason", _("Why"))], "rows": rows})
