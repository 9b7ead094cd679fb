"""The customer-service report (客服绩效): the desk's KPIs per agent and per channel.

KPI cards (the whole desk, compared like every report's): GLOSSARY ``first_response_time``
and ``resolution_time`` (median and p90), the first replies on time, ``csat`` and
``inquiry_conversion_rate``; tables of the same per agent (the ticket's assignee) and per
ticket channel, a chart of each agent's first response and satisfaction, and a daily trend of
tickets opened. Every number is a registry metric (``service_metrics``) over the derived
tables of ``service_tables``. The channel filter is a ticket channel.
"""

from django.utils.translation import gettext_lazy as _

from zhanggui.analytics import engine, reader
from zhanggui.analytics.engine import Filters
from zhanggui.analytics.errors import WarehouseOutdated
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
    _new,
)
from zhanggui.analytics.rules import Period
from zhanggui.analytics.service_metrics import COUNTED_BY
from zhanggui.analytics.service_tables import DERIVED as SERVICE_TABLES
from zhanggui.service.models import TicketChannel

KPI_CODES = ["first_response_time", "first_response_time_p90", "first_response_on_time_rate",
             "resolution_time", "resolution_time_p90", "csat", "inquiry_conversion_rate",
             "tickets_opened"]
TABLE_CODES = ["tickets_opened", "tickets_unanswered", "tickets_answered", "first_response_time",
               "first_response_time_p90", "first_response_on_time_rate", "tickets_resolved",
               "resolution_time", "resolution_time_p90", "ratings", "csat", "inquiring_customers",
               "inquiry_conversion_rate"]
UNASSIGNED = _("Not assigned")
CHANNEL_NAMES = dict(TicketChannel.choices)


def service(period: Period, compare: Period | None = None, filters: Filters = NO_FILTERS) -> Report:
    if not set(SERVICE_TABLES) <= reader.tables():
        raise WarehouseOutdated()
    report = _new("service", _("Service performance"), period, compare, filters)
    periods = [report.period]
    kpis, agents, channels, daily, names = engine.compute_many([
        _kpi_query(report, KPI_CODES, also=list(set(COUNTED_BY.values()))),
        engine.query(TABLE_CODES, periods, filters, group_by="assignee_id"),
        engine.query(TABLE_CODES, periods, filters, group_by="channel"),
        engine.query(["tickets_opened", "tickets_answered"], periods, filters, group_by="day"),
        engine.Rows("SELECT staff_id, name FROM service_agents", cached=True)])
    _add_kpis(report, KPI_CODES, kpis)
    for kpi in report.kpis:
        for key, label in (("value", "current"), ("previous", "previous"),
                           ("last_year", report.last_year.label)):
            if kpi["code"] in COUNTED_BY and not kpis[label][COUNTED_BY[kpi["code"]]]:
                kpi[key] = None  # nothing answered or resolved: no figure, not 0
    names = dict(names)
    _table(report, "agents", _("By agent"), _("Agent"), agents["current"],
           lambda key: names.get(key, str(key)) if key is not None else str(UNASSIGNED))
    _table(report, "channels", _("By channel"), _("Channel"), channels["current"],
           lambda key: str(CHANNEL_NAMES.get(key, key)))
    _agent_chart(report)
    _trend(report, daily["current"])
    # The per-agent queries (the per-channel ones differ only in their grouping).
    explained = {entry["code"] for entry in report.explain}
    report.explain.extend(engine.explain([c for c in TABLE_CODES if c not in explained], periods,
                                         filters, group_by="assignee_id"))
    return _explain_derived(report)


def _blank_empty(row: dict) -> dict:
    for code, count in COUNTED_BY.items():
        if not row.get(count):
            row[code] = None
    return row


def _table(report: Report, table_id: str, title, key_label, values: dict, label) -> None:
    rows = [_blank_empty({"key": key, "name": str(label(key)), **{c: v.get(c) for c in TABLE_CODES}})
            for key, v in values.items()]
    rows.sort(key=lambda r: (-(r["tickets_opened"] or 0), -(r["tickets_answered"] or 0), r["name"]))
    report.tables.append({"id": table_id, "title": str(title),
                          "columns": [_column("name", key_label),
                                      *[_metric_column(c) for c in TABLE_CODES]],
                          "rows": rows})


def _agent_chart(report: Report) -> None:
    rows = [r for r in report.tables[0]["rows"] if r["key"] is not None]
    report.charts.append({"id": "agents", "type": "bar", "title": str(_("By agent")),
                          "x": [r["name"] for r in rows],
                          "series": [{"name": str(METRICS[c].name), "code": c,
                                      "data": [r[c] for r in rows]}
                                     for c in ("first_response_time", "resolution_time")]})
    report.charts.append({"id": "agents_rates", "type": "bar", "unit": "rate", "same_axis": True,
                          "title": str(_("Satisfaction and inquiry conversion by agent")),
                          "x": [r["name"] for r in rows],
                          "series": [{"name": str(METRICS[c].name), "code": c,
                                      "data": [r[c] for r in rows]}
                                     for c in ("csat", "inquiry_conversion_rate",
                                               "first_response_on_time_rate")]})


def _trend(report: Report, daily: dict) -> None:
    days = _days(report.period)
    rows = [{"day": d.isoformat(), **{c: daily.get(d, {}).get(c) or 0
                                      for c in ("tickets_opened", "tickets_answered")}}
            for d in days]
    report.charts.append({"id": "trend", "type": "line", "title": str(_("Daily trend")),
                          "x": [r["day"] for r in rows],
                          "series": [{"name": str(METRICS[c].name), "code": c,
                                      "data": [r[c] for r in rows]}
                                     for c in ("tickets_opened", "tickets_answered")]})
    report.tables.append({"id": "daily", "title": str(_("By day")),
                          "columns": [_column("day", _("Day"), "date"),
                                      _metric_column("tickets_opened"),
                                      _metric_column("tickets_answered")], "rows": rows})
