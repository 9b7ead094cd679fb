"""The campaigns report (营销活动效果): the campaigns that start in the period, side by side.

KPI cards (all those campaigns together, against the campaigns of the comparison periods):
recipients, reached, GLOSSARY ``campaign_conversion_rate``, attributed GMV and gross profit,
cost, ``roi`` (``campaign_roi``) and ``gross_profit_roi``; a table per campaign and one per
arm of the campaigns split into arms (A/B tests with their holdout), and a chart of GMV
against cost. Every number is a registry metric (``campaign_metrics``) over
``campaign_arm_results`` (``campaign_tables``: last-touch attribution, cost defined there).
Gross profit and gross-profit ROI only for those who may see costs (as the drop-ship report).
"""

from django.utils.translation import gettext_lazy as _

from zhanggui.analytics import engine, reader
from zhanggui.analytics.campaign_tables import DERIVED as CAMPAIGN_TABLES
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
from zhanggui.marketing.models_campaigns import CampaignGoal, CampaignStatus

COST_CODES = ("campaign_gross_profit", "gross_profit_roi")
KPI_CODES = ["campaign_recipients", "campaign_reached", "campaign_conversion_rate", "campaign_gmv",
             "campaign_gross_profit", "campaign_cost", "campaign_roi", "gross_profit_roi"]
TABLE_CODES = ["campaign_recipients", "campaign_reached", "campaign_converted",
               "campaign_conversion_rate", "campaign_orders", "campaign_gmv",
               "campaign_gross_profit", "campaign_discounts", "campaign_message_cost",
               "campaign_fixed_cost", "campaign_cost", "campaign_roi", "gross_profit_roi"]
GOALS, STATUSES = dict(CampaignGoal.choices), dict(CampaignStatus.choices)
CAMPAIGNS_SQL = "SELECT campaign_id, code, name, goal, status, starts_at FROM campaigns"


def campaigns(period: Period, compare: Period | None = None, filters: Filters = NO_FILTERS,
              *, access: Access = NO_ACCESS) -> Report:
    if not set(CAMPAIGN_TABLES) <= reader.tables():
        raise WarehouseOutdated()
    # No channel or category here: a campaign's figures are its own whatever they sold.
    filters = NO_FILTERS
    report = _new("campaigns", _("Campaign results"), period, compare, filters)
    kpi_codes = _shown(KPI_CODES, access)
    codes = _shown(TABLE_CODES, access)
    periods = [report.period]
    kpis, by_campaign, by_arm, names = engine.compute_many([
        _kpi_query(report, kpi_codes),
        engine.query(codes, periods, filters, group_by="campaign_id"),
        engine.query(codes, periods, filters, group_by=("campaign_id", "arm")),
        engine.Rows(CAMPAIGNS_SQL, cached=True)])
    _add_kpis(report, kpi_codes, kpis)
    campaigns_by_id = {row[0]: row[1:] for row in names}
    rows = [{**_describe(campaigns_by_id.get(key)), "campaign_id": key,
             **{c: values.get(c) for c in codes}} for key, values in by_campaign["current"].items()]
    rows.sort(key=lambda r: (r["starts_at"] or "", r["code"]))
    info = [_column("code", _("Campaign number")), _column("name", _("Campaign")),
            _column("goal", _("Goal")), _column("status", _("Status")),
            _column("starts_at", _("Starts"), "date")]
    report.tables.append({"id": "campaigns", "title": str(_("Campaigns")),
                          "columns": [*info, *[_metric_column(c) for c in codes]], "rows": rows})
    arm_rows = [{**_describe(campaigns_by_id.get(campaign_id)), "campaign_id": campaign_id,
                 "arm": arm, **{c: values.get(c) for c in codes}}
                for (campaign_id, arm), values in by_arm["current"].items() if arm]
    arm_rows.sort(key=lambda r: (r["starts_at"] or "", r["code"], r["arm"]))
    report.tables.append({"id": "arms", "title": str(_("By experiment arm")),
                          "columns": [info[0], info[1], _column("arm", _("Experiment arm")),
                                      *[_metric_column(c) for c in codes]], "rows": arm_rows})
    report.charts.append({"id": "campaigns", "type": "bar", "same_axis": True,
                          "title": str(_("GMV and cost")),
                          "x": [r["code"] for r in rows],
                          "series": [{"name": str(METRICS[c].name), "code": c,
                                      "data": [r[c] for r in rows]}
                                     for c in ("campaign_gmv", "campaign_cost")]})
    report.explain.extend(engine.explain(codes, periods, filters, group_by="campaign_id"))
    report.explain.append({
        "code": "attribution", "name": str(_("Attribution")), "unit": "", "notes": "", "sql": [],
        "formula": "last touch: an order paid (not cancelled) within the contact policy's "
                   "attribution_days after a campaign message sent to its buyer belongs to the "
                   "campaign of the last such message; holdout recipients are never messaged"})
    return _explain_derived(report)


def _shown(codes: list[str], access: Access) -> list[str]:
    return [c for c in codes if access.cost or c not in COST_CODES]


def _describe(campaign: tuple | None) -> dict:
    if campaign is None:
        return {"code": "", "name": "", "goal": "", "status": "", "starts_at": None}
    code, name, goal, status, starts_at = campaign
    return {"code": code, "name": name, "goal": str(GOALS.get(goal, goal)),
            "status": str(STATUSES.get(status, status)),
            "starts_at": starts_at.date().isoformat() if starts_at else None}
