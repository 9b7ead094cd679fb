"""Livestream sessions' part of the metric registry (``metrics`` adds these to ``SOURCES`` and
``METRICS``): GLOSSARY ``live_interaction_rate`` and ``live_conversion_rate``, GPM (千次观看
成交额), click-to-order, and the figures they stand on, per session and per segment.

Sources read the derived tables of ``live_tables``: the sessions that ran (live, ended or
reviewed) scheduled in the period (shop-local), or their segments. The channel filter is the
session's channel code. The formulas are ``live.rules``' (``conversion``, ``combine``):
a ratio whose denominator is 0 has no figure. ``live_session_*`` metrics are per session
(group by ``session_id``, ``channel``, ``host_id`` or ``day``); ``live_segment_*`` per segment
(group by ``segment_id``, ``session_id`` or ``product_id``).
"""

from django.utils.translation import gettext_lazy as _

from zhanggui.analytics.metric_types import Source
from zhanggui.analytics.metric_types import metric as _m

RAN = "('live', 'ended', 'reviewed')"


def _source(code: str, table: str, dimensions: tuple[str, ...]) -> Source:
    return Source(code, f"""
        SELECT p.label AS period, x.*
        FROM {table} x JOIN periods p ON x.scheduled_at >= p.start_at AND x.scheduled_at < p.end_at
        WHERE x.status IN {RAN} {{span}} {{channel}}""",
                  channel="AND x.channel = $channel", dimensions=dimensions,
                  span_column="x.scheduled_at")


SOURCES = [
    _source("live_sessions", "live_session_facts", ("session_id", "channel", "host_id", "day")),
    _source("live_segments", "live_segment_facts", ("segment_id", "session_id", "product_id")),
]

# rules.combine's average watch time: weighted by viewers, rounded half up to the second.
AVG_WATCH = ("CASE WHEN sum(viewers) > 0 "
             "THEN (2 * sum(avg_watch_seconds * viewers) + sum(viewers)) // (2 * sum(viewers)) "
             "ELSE (2 * sum(avg_watch_seconds) + count(*)) // (2 * count(*)) END")


def _figures(prefix: str, source: str, whose) -> list:
    """The figures and conversion of sessions (``live``) or segments (``live_segment``)."""
    def code(name: str) -> str:
        return f"{prefix}_{name}"

    return [
        _m(code("viewers"), _("Viewers"), f"Σ viewers of the {whose}", "count", source,
           "coalesce(sum(viewers), 0)",
           notes=_("Entries to the room: a viewer who leaves and comes back counts again.")),
        _m(code("peak_concurrent"), _("Peak concurrent viewers"),
           f"max peak concurrent viewers of the {whose}", "count", source,
           "coalesce(max(peak_concurrent), 0)"),
        _m(code("avg_watch_seconds"), _("Average watch time (s)"),
           "Σ(average watch time × viewers) / Σ viewers, rounded to the second", "number",
           source, AVG_WATCH, notes=_("The plain mean of the rows when nobody viewed.")),
        _m(code("interactions"), _("Interactions"), f"Σ interactions of the {whose}", "count",
           source, "coalesce(sum(interactions), 0)"),
        _m(code("new_followers"), _("New followers"), f"Σ new followers of the {whose}",
           "count", source, "coalesce(sum(new_followers), 0)"),
        _m(code("product_clicks"), _("Product clicks"), f"Σ product clicks of the {whose}",
           "count", source, "coalesce(sum(product_clicks), 0)"),
        _m(code("orders"), _("Orders"), f"Σ orders of the {whose}", "count", source,
           "coalesce(sum(orders), 0)"),
        _m(code("gmv"), _("Live GMV"), f"Σ GMV of the {whose}", "money", source,
           "coalesce(sum(gmv), 0)"),
        _m(code("gmv_per_mille"), _("GMV × 1000"), f"Σ GMV of the {whose} × 1000 (GPM's numerator)",
           "money", source, "coalesce(sum(gmv), 0) * 1000"),
        # Derived.
        _m(code("gpm"), _("GPM (GMV per 1,000 viewers)"), "GMV / viewers × 1000", "money",
           numerator=code("gmv_per_mille"), denominator=code("viewers"),
           notes=_("千次观看成交额, to the cent.")),
        _m(code("click_to_order_rate"), _("Click-to-order rate"), "orders / product clicks",
           "rate", numerator=code("orders"), denominator=code("product_clicks")),
        _m(code("interaction_rate"), _("Interaction rate"), "interactions / viewers", "rate",
           numerator=code("interactions"), denominator=code("viewers"),
           notes=_("Interactions (comments, likes, shares) as the platform counts them, over "
                   "viewers.")),
        _m(code("follow_rate"), _("Follower conversion"), "new followers / viewers", "rate",
           numerator=code("new_followers"), denominator=code("viewers")),
        _m(code("conversion_rate"), _("Live conversion rate"), "orders / viewers", "rate",
           numerator=code("orders"), denominator=code("viewers"),
           notes=_("Orders stand for buyers: the platform's export counts orders.")),
    ]


METRICS = [
    _m("live_sessions_run", _("Live sessions"), "sessions that ran (live, ended or reviewed) "
       "scheduled in the period", "count", "live_sessions", "count(*)"),
    *_figures("live", "live_sessions", "sessions"),
    _m("live_gmv_target", _("GMV target"), "Σ GMV target of the sessions that have one", "money",
       "live_sessions", "sum(gmv_target)"),
    _m("live_gmv_targeted", _("GMV of sessions with a target"),
       "Σ GMV of the sessions that have a GMV target", "money", "live_sessions",
       "coalesce(sum(gmv) FILTER (WHERE gmv_target > 0), 0)"),
    _m("live_target_attainment", _("GMV vs target"),
       "GMV of the sessions with a target / their GMV targets", "rate",
       numerator="live_gmv_targeted", denominator="live_gmv_target"),
    _m("live_segments_run", _("Live segments"), "segments of the sessions that ran", "count",
       "live_segments", "count(*)"),
    *_figures("live_segment", "live_segments", "segment"),
]
