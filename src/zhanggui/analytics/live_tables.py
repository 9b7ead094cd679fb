"""The tables the warehouse refresh derives for the live report (``rollups.DERIVED`` adds them
after the service ones): each session's figures and each segment's, as ``live.rules`` and
``live.queries.session_figures`` compute them in Python (``tests/live/test_report.py``
checks both agree). Plain data here (name → inputs, label, SQL), as ``service_tables``.

- A session keeps its figures per minute (any ``live_metrics`` row with a minute) or per
  segment (rows with a segment and no minute). Its totals are over the rows of the kind it
  keeps; a segment's figures are the minute rows in its window
  ``[start_minute, start_minute + minutes)``, else its own segment row.
- Over rows: counts and GMV summed, peak concurrent viewers the maximum, average watch time
  weighted by viewers (the plain mean of the rows when nobody viewed), rounded half up to
  the second (integer arithmetic: ``(2a + b) // 2b``). No rows: zeros.
"""

from django.utils.translation import gettext_lazy as _

# rules.combine in SQL, over a relation ``r`` of metric rows grouped by the caller.
FIGURES = """
    sum(r.viewers) AS viewers, max(r.peak_concurrent) AS peak_concurrent,
    CASE WHEN sum(r.viewers) > 0
         THEN (2 * sum(r.avg_watch_seconds * r.viewers) + sum(r.viewers)) // (2 * sum(r.viewers))
         ELSE (2 * sum(r.avg_watch_seconds) + count(*)) // (2 * count(*)) END AS avg_watch_seconds,
    sum(r.interactions) AS interactions, sum(r.new_followers) AS new_followers,
    sum(r.product_clicks) AS product_clicks, sum(r.orders) AS orders, sum(r.gmv) AS gmv"""
COLUMNS = ("viewers", "peak_concurrent", "avg_watch_seconds", "interactions", "new_followers",
           "product_clicks", "orders")
# The figures of a row of ``f`` (none: zeros).
FIGURE_COLUMNS = ", ".join(f"CAST(coalesce(f.{c}, 0) AS BIGINT) AS {c}" for c in COLUMNS) + \
    ", CAST(coalesce(f.gmv, 0) AS DECIMAL(14, 2)) AS gmv"
# Per session: whether it keeps minute rows.
KEPT = """kept AS (
        SELECT session_id, bool_or(minute IS NOT NULL) AS per_minute
        FROM live_metrics GROUP BY session_id
    )"""
# The session as the report names it: its host the staff member's name, else the outside host's.
SESSION = """s.session_id, s.title, s.channel, s.host_id,
       CASE WHEN s.host_id IS NOT NULL THEN coalesce(a.name, '') ELSE coalesce(s.host_name, '') END
           AS host, s.scheduled_at, s.started_at, s.ended_at, s.status,
       CAST(s.scheduled_at AS DATE) AS day"""

SESSION_FACTS_SQL = f"""
    WITH {KEPT}, f AS (
        SELECT r.session_id, {FIGURES}
        FROM live_metrics r JOIN kept k USING (session_id)
        WHERE (k.per_minute AND r.minute IS NOT NULL) OR (NOT k.per_minute AND r.minute IS NULL)
        GROUP BY r.session_id
    )
    SELECT {SESSION}, s.gmv_target,
           CASE WHEN k.per_minute THEN 'minute' WHEN k.per_minute IS NOT NULL THEN 'segment'
                ELSE '' END AS kept_per,
           {FIGURE_COLUMNS}
    FROM live_sessions s LEFT JOIN kept k USING (session_id) LEFT JOIN f USING (session_id)
    LEFT JOIN service_agents a ON a.staff_id = s.host_id
    ORDER BY s.scheduled_at, s.session_id"""

SEGMENT_FACTS_SQL = f"""
    WITH {KEPT}, f AS (
        SELECT g.segment_id, {FIGURES}
        FROM live_segments g JOIN kept k USING (session_id)
        JOIN live_metrics r ON r.session_id = g.session_id
             AND ((k.per_minute AND r.minute >= g.start_minute
                   AND r.minute < g.start_minute + g.minutes)
                  OR (NOT k.per_minute AND r.minute IS NULL AND r.segment_id = g.segment_id))
        GROUP BY g.segment_id
    )
    SELECT g.segment_id, g.position, g.product_id, coalesce(pr.title, '') AS product_title,
           g.start_minute, g.minutes, {SESSION}, {FIGURE_COLUMNS}
    FROM live_segments g JOIN live_sessions s USING (session_id)
    LEFT JOIN f USING (segment_id)
    LEFT JOIN products pr ON pr.product_id = g.product_id
    LEFT JOIN service_agents a ON a.staff_id = s.host_id
    ORDER BY s.scheduled_at, g.session_id, g.position"""

# name → (inputs, label, SQL), in order.
DERIVED = {
    "live_session_facts": ({"live_sessions", "live_metrics", "service_agents"},
                           _("Each live session with its figures (minute rows if it keeps them, "
                             "else its segment rows)"), SESSION_FACTS_SQL),
    "live_segment_facts": ({"live_sessions", "live_segments", "live_metrics", "products",
                            "service_agents"},
                           _("Each live segment with its figures (the minute rows in its window, "
                             "else its own row)"), SEGMENT_FACTS_SQL),
}
