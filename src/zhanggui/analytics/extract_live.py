"""What the warehouse copies of livestream sessions (``live``), for the live report: each
session's plan and status (``live_sessions``), its run sheet (``live_segments``: each
segment's place, product and minute window) and its figures (``live_metrics``: one row per
minute or per segment). No script, talking points or review text.

Modes, as ``extract``'s (``extract.EXTRACTS`` lists these after its own):

- ``live_sessions``: by ``updated_at``. Every action that changes a session's segments or
  figures saves the session's ``updated_at`` too (``live.actions``, ``live.actions_metrics``).
- ``live_segments``, ``live_metrics``: by parent (re-read whole for each session that
  changed): a re-import deletes and re-creates a session's rows, which no id watermark sees.

Tables of their own, so an incremental refresh of a warehouse built before them adds them.
"""

from zhanggui.analytics.extract import MONEY, TS, Extract

LIVE_SESSIONS = Extract(
    table="live_sessions", key="session_id", mode="by_updated_at", watermark="s.updated_at",
    select="""SELECT s.id, s.title, c.code, s.host_id, s.host_name, s.scheduled_at,
                     s.planned_minutes, s.started_at, s.ended_at, s.status, s.gmv_target_amount,
                     s.updated_at
              FROM live_livesession s LEFT JOIN channels_channel c ON c.id = s.channel_id""",
    columns=(("session_id", "BIGINT"), ("title", "VARCHAR"), ("channel", "VARCHAR"),
             ("host_id", "BIGINT"), ("host_name", "VARCHAR"), ("scheduled_at", TS),
             ("planned_minutes", "INTEGER"), ("started_at", TS), ("ended_at", TS),
             ("status", "VARCHAR"), ("gmv_target", MONEY), ("updated_at", TS)),
)
LIVE_SEGMENTS = Extract(
    table="live_segments", key="segment_id", mode="by_parent", parent="session_id",
    parent_table="live_sessions",
    select="""SELECT g.id, g.session_id, g.position, g.product_id, g.start_minute, g.minutes
              FROM live_livesegment g""",
    columns=(("segment_id", "BIGINT"), ("session_id", "BIGINT"), ("position", "INTEGER"),
             ("product_id", "BIGINT"), ("start_minute", "INTEGER"), ("minutes", "INTEGER")),
)
LIVE_METRICS = Extract(
    table="live_metrics", key="metric_id", mode="by_parent", parent="session_id",
    parent_table="live_sessions",
    select="""SELECT m.id, m.session_id, m.segment_id, m.minute, m.viewers, m.peak_concurrent,
                     m.avg_watch_seconds, m.interactions, m.new_followers, m.product_clicks,
                     m.orders, m.gmv_amount
              FROM live_livemetric m""",
    columns=(("metric_id", "BIGINT"), ("session_id", "BIGINT"), ("segment_id", "BIGINT"),
             ("minute", "INTEGER"), ("viewers", "BIGINT"), ("peak_concurrent", "BIGINT"),
             ("avg_watch_seconds", "BIGINT"), ("interactions", "BIGINT"),
             ("new_followers", "BIGINT"), ("product_clicks", "BIGINT"), ("orders", "BIGINT"),
             ("gmv", MONEY)),
)

LIVE_EXTRACTS = (LIVE_SESSIONS, LIVE_SEGMENTS, LIVE_METRICS)
