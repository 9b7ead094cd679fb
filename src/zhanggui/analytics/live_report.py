"""The live report (直播复盘对比): the sessions of a period side by side, and their best
segments by GPM.

Computed over the live tables (``live.queries``, the formulas in ``live.rules``), not the
warehouse: a session's figures are final when it is reviewed and there are few sessions.
Each column is one of ``LIVE_METRICS`` (code, name, formula and unit, as the registry writes
them; the codes follow GLOSSARY ``live_interaction_rate`` and ``live_conversion_rate``).
"""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from zhanggui.analytics.metric_types import Metric
from zhanggui.analytics.metric_types import metric as _m
from zhanggui.live import queries, rules
from zhanggui.live.queries import SessionFigures

LIVE_METRICS = {m.code: m for m in [
    _m("live_viewers", _("Viewers"), "Σ viewers of the session's minute rows (else segment rows)",
       "count"),
    _m("live_peak_concurrent", _("Peak concurrent viewers"),
       "max peak concurrent viewers over the rows", "count"),
    _m("live_avg_watch_seconds", _("Average watch time (s)"),
       "Σ(average watch time × viewers) / Σ viewers", "number"),
    _m("live_interactions", _("Interactions"), "Σ interactions", "count"),
    _m("live_new_followers", _("New followers"), "Σ new followers", "count"),
    _m("live_orders", _("Orders"), "Σ orders", "count"),
    _m("live_gmv", _("GMV"), "Σ GMV", "money"),
    _m("live_gpm", _("GPM (GMV per 1,000 viewers)"), "GMV / viewers × 1000", "money"),
    _m("live_click_to_order_rate", _("Click-to-order rate"), "orders / product clicks", "rate"),
    _m("live_interaction_rate", _("Interaction rate"), "interactions / viewers", "rate"),
    _m("live_conversion_rate", _("Live conversion rate"), "orders / viewers", "rate"),
    _m("live_gmv_target", _("GMV target"), "the session's GMV target", "money"),
    _m("live_target_attainment", _("GMV vs target"), "GMV / GMV target", "rate"),
]}
SESSION_COLUMNS = list(LIVE_METRICS)
BEST_SEGMENTS = 10
DEFAULT_DAYS = 30


@dataclass(frozen=True)
class LiveReport:
    start: date
    end: date  # exclusive
    columns: list[Metric]
    sessions: list[dict]
    totals: dict
    best_segments: list[dict]


def _values(figures) -> dict:
    f = figures.figures
    return {"live_viewers": f.viewers, "live_peak_concurrent": f.peak_concurrent,
            "live_avg_watch_seconds": f.avg_watch_seconds, "live_interactions": f.interactions,
            "live_new_followers": f.new_followers, "live_orders": f.orders, "live_gmv": f.gmv,
            "live_gpm": figures.gpm, "live_click_to_order_rate": figures.click_to_order_rate,
            "live_interaction_rate": figures.interaction_rate,
            "live_conversion_rate": figures.conversion_rate,
            "live_target_attainment": figures.target_attainment}


def _row(item: SessionFigures) -> dict:
    session = item.session
    return {"session": session, "values": {**_values(item.total),
                                           "live_gmv_target": session.gmv_target_amount}}


def _bounds(start: date, end: date) -> tuple[datetime, datetime]:
    zone = timezone.get_current_timezone()
    return (timezone.make_aware(datetime.combine(start, time.min), zone),
            timezone.make_aware(datetime.combine(end, time.min), zone))


def default_period(today: date | None = None) -> tuple[date, date]:
    """The last 30 days up to today (included)."""
    end = (today or timezone.localdate()) + timedelta(days=1)
    return end - timedelta(days=DEFAULT_DAYS), end


def live_report(start: date, end: date, *, channel: str = "") -> LiveReport:
    """Sessions that ran, scheduled in ``[start, end)`` (shop-local days), oldest first; the
    period's totals (the same formulas over all their figures); the best segments by GPM."""
    items = queries.sessions_between(*_bounds(start, end), channel=channel)
    total = rules.conversion(rules.combine(i.total.figures for i in items),
                             sum((i.session.gmv_target_amount or 0 for i in items), 0) or None)
    segments = [{"session": i.session, "segment": segment, "values": _values(c)}
                for i in items for segment, c in i.segments if c.gpm is not None]
    segments.sort(key=lambda r: (-r["values"]["live_gpm"], r["session"].scheduled_at))
    return LiveReport(start=start, end=end, columns=[LIVE_METRICS[c] for c in SESSION_COLUMNS],
                      sessions=[_row(i) for i in items],
                      totals={**_values(total), "live_gmv_target": None},
                      best_segments=segments[:BEST_SEGMENTS])
