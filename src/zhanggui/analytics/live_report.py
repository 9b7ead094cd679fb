"""The live report (直播复盘对比, ``REPORTS["live"]``): the sessions of a period side by side,
the period's totals, and the best segments by GPM.

Sessions that ran (live, ended or reviewed) scheduled in the period (shop-local); the channel
filter is the session's channel. Every number is a registry metric (``live_metrics``) over the
derived tables of ``live_tables`` (the formulas of ``live.rules``):

- KPI cards (the period, compared with the previous one and last year): sessions, GMV,
  viewers, GPM = GMV / viewers × 1000, ``live_conversion_rate`` = orders / viewers,
  ``live_interaction_rate`` = interactions / viewers, click-to-order = orders / clicks;
- ``sessions``: one row per session (oldest first) and a last row with the period's totals
  (the same formulas over all the sessions' figures; peak: the highest);
- ``segments``: the ``BEST_SEGMENTS`` segments with the highest GPM (segments with viewers).
"""

from django.utils.translation import gettext_lazy as _

from zhanggui.analytics import engine, reader
from zhanggui.analytics.engine import Filters
from zhanggui.analytics.errors import WarehouseOutdated
from zhanggui.analytics.live_tables import DERIVED as LIVE_TABLES
from zhanggui.analytics.metrics import METRICS
from zhanggui.analytics.report_base import (
    NO_FILTERS,
    Report,
    _add_kpis,
    _column,
    _explain_derived,
    _kpi_query,
    _metric_column,
    _new,
)
from zhanggui.analytics.rules import Period
from zhanggui.channels import queries as channel_queries

KPI_CODES = ["live_sessions_run", "live_gmv", "live_viewers", "live_gpm", "live_conversion_rate",
             "live_interaction_rate", "live_click_to_order_rate"]
SESSION_CODES = ["live_viewers", "live_peak_concurrent", "live_avg_watch_seconds",
                 "live_interactions", "live_new_followers", "live_product_clicks", "live_orders",
                 "live_gmv", "live_gpm", "live_click_to_order_rate", "live_interaction_rate",
                 "live_conversion_rate", "live_gmv_target", "live_target_attainment"]
SEGMENT_CODES = ["live_segment_viewers", "live_segment_product_clicks", "live_segment_orders",
                 "live_segment_gmv", "live_segment_gpm", "live_segment_click_to_order_rate",
                 "live_segment_interaction_rate", "live_segment_conversion_rate"]
BEST_SEGMENTS = 10


def _at(day) -> str:
    return f"TIMESTAMP '{day} 00:00:00'"


def _names(table: str, key: str, columns: str, period: Period) -> engine.Rows:
    """The labels of the period's sessions or segments (dates are ``date`` objects, never text)."""
    return engine.Rows(f"SELECT {key}, {columns} FROM {table} WHERE scheduled_at >= "
                       f"{_at(period.start)} AND scheduled_at < {_at(period.end)}")


def live(period: Period, compare: Period | None = None, filters: Filters = NO_FILTERS) -> Report:
    if not set(LIVE_TABLES) <= reader.tables():
        raise WarehouseOutdated()
    report = _new("live", _("Live sessions compared"), period, compare, filters)
    periods = [report.period]
    kpis, totals, sessions, segments, session_names, segment_names = engine.compute_many([
        _kpi_query(report, KPI_CODES),
        engine.query(SESSION_CODES, periods, filters),
        engine.query(SESSION_CODES, periods, filters, group_by="session_id"),
        engine.query(SEGMENT_CODES, periods, filters, group_by="segment_id"),
        _names("live_session_facts", "session_id",
               "title, channel, host, strftime(scheduled_at, '%Y-%m-%d %H:%M')", report.period),
        _names("live_segment_facts", "segment_id",
               "session_id, title, position, product_title", report.period)])
    _add_kpis(report, KPI_CODES, kpis)
    _sessions(report, totals["current"], sessions["current"], session_names)
    _segments(report, segments["current"], segment_names)
    explained = {entry["code"] for entry in report.explain}
    report.explain.extend(engine.explain([c for c in SESSION_CODES if c not in explained], periods,
                                         filters, group_by="session_id"))
    report.explain.extend(engine.explain(SEGMENT_CODES, periods, filters, group_by="segment_id"))
    return _explain_derived(report)


def _sessions(report: Report, totals: dict, values: dict, names: list[tuple]) -> None:
    channels = channel_queries.channel_names()
    labels = {key: rest for key, *rest in names}
    rows = []
    for key, (title, channel, host, at) in sorted(labels.items(), key=lambda kv: (kv[1][3], kv[0])):
        if key in values:  # it ran (and is on the chosen channel)
            rows.append({"session_id": key, "title": title, "scheduled_at": at,
                         "channel": channels.get(channel, channel or ""), "host": host,
                         **values[key]})
    total = {"session_id": None, "title": str(_("Period total")), "scheduled_at": "",
             "channel": "", "host": "", "total": True, **totals}
    columns = [_column("title", _("Session")), _column("scheduled_at", _("Starts at")),
               _column("channel", _("Channel")), _column("host", _("Host")),
               *[_metric_column(c) for c in SESSION_CODES]]
    report.tables.append({"id": "sessions", "title": str(_("Sessions side by side")),
                          "columns": columns, "rows": [*rows, total]})
    report.charts.append({"id": "sessions", "type": "bar", "title": str(_("GMV and GPM by session")),
                          "unit": "money", "x": [f"{r['scheduled_at'][:10]} {r['title']}" for r in rows],
                          "series": [{"name": str(METRICS[c].name), "code": c,
                                      "data": [r[c] for r in rows]} for c in ("live_gmv", "live_gpm")]})


def _segments(report: Report, values: dict, names: list[tuple]) -> None:
    labels = {key: rest for key, *rest in names}
    ranked = [(key, v) for key, v in values.items() if v["live_segment_gpm"] is not None]
    ranked.sort(key=lambda kv: (-kv[1]["live_segment_gpm"], labels[kv[0]][0], labels[kv[0]][2]))
    rows = [{"segment_id": key, "title": labels[key][1], "position": labels[key][2],
             "product": labels[key][3], **v} for key, v in ranked[:BEST_SEGMENTS]]
    columns = [_column("title", _("Session")), _column("position", _("Place"), "count"),
               _column("product", _("Product")), *[_metric_column(c) for c in SEGMENT_CODES]]
    report.tables.append({"id": "segments", "title": str(_("Best segments by GPM")),
                          "columns": columns, "rows": rows})
