"""The live report's derived tables (``analytics.live_tables``) and the registry's formulas
(``analytics.live_metrics``) compute what ``live.rules`` computes, on random sessions run
through DuckDB alone (no database, no warehouse files): a session's totals, each segment's
figures (minute rows in its window, else its own row), and GPM as the registry derives it."""

from decimal import Decimal

import duckdb
from hypothesis import given, settings
from hypothesis import strategies as st

from zhanggui.analytics.engine import _finisher
from zhanggui.analytics.live_metrics import AVG_WATCH
from zhanggui.analytics.live_tables import SEGMENT_FACTS_SQL, SESSION_FACTS_SQL
from zhanggui.live import rules
from zhanggui.live.rules import Figures, Slot

FIGURES = st.builds(
    Figures, viewers=st.integers(0, 5000), peak_concurrent=st.integers(0, 3000),
    avg_watch_seconds=st.integers(0, 900), interactions=st.integers(0, 2000),
    new_followers=st.integers(0, 300), product_clicks=st.integers(0, 1000),
    orders=st.integers(0, 200),
    gmv=st.decimals(0, 100000, places=2, allow_nan=False, allow_infinity=False))
SLOTS = st.lists(st.tuples(st.integers(0, 30), st.integers(0, 12)), min_size=1, max_size=4)


def _db(slots, minute_rows, segment_rows) -> duckdb.DuckDBPyConnection:
    db = duckdb.connect()
    db.execute("""CREATE TABLE live_sessions (session_id BIGINT, title VARCHAR, channel VARCHAR,
        host_id BIGINT, host_name VARCHAR, scheduled_at TIMESTAMP, planned_minutes INTEGER,
        started_at TIMESTAMP, ended_at TIMESTAMP, status VARCHAR, gmv_target DECIMAL(14,2))""")
    db.execute("INSERT INTO live_sessions VALUES (1, 't', 'douyin', NULL, 'x', "
               "TIMESTAMP '2026-11-03 20:00:00', 120, NULL, NULL, 'ended', NULL)")
    db.execute("""CREATE TABLE live_segments (segment_id BIGINT, session_id BIGINT,
        position INTEGER, product_id BIGINT, start_minute INTEGER, minutes INTEGER)""")
    for position, (start, minutes) in enumerate(slots, start=1):
        db.execute("INSERT INTO live_segments VALUES (?, 1, ?, 7, ?, ?)",
                   [position, position, start, minutes])
    db.execute("""CREATE TABLE live_metrics (metric_id BIGINT, session_id BIGINT,
        segment_id BIGINT, minute INTEGER, viewers BIGINT, peak_concurrent BIGINT,
        avg_watch_seconds BIGINT, interactions BIGINT, new_followers BIGINT,
        product_clicks BIGINT, orders BIGINT, gmv DECIMAL(14,2))""")
    rows = [(None, minute, f) for minute, f in minute_rows] + \
        [(segment, None, f) for segment, f in segment_rows.items()]
    for metric_id, (segment, minute, f) in enumerate(rows, start=1):
        db.execute("INSERT INTO live_metrics VALUES (?, 1, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                   [metric_id, segment, minute, f.viewers, f.peak_concurrent,
                    f.avg_watch_seconds, f.interactions, f.new_followers, f.product_clicks,
                    f.orders, f.gmv])
    db.execute("CREATE TABLE service_agents (staff_id BIGINT, name VARCHAR)")
    db.execute("CREATE TABLE products (product_id BIGINT, title VARCHAR)")
    return db


NAMES = ("viewers", "peak_concurrent", "avg_watch_seconds", "interactions", "new_followers",
         "product_clicks", "orders", "gmv")


def _figures(db, sql: str, key: str) -> dict:
    cursor = db.execute(f"SELECT {key}, {', '.join(NAMES)} FROM ({sql})")
    return {row[0]: Figures(*row[1:-1], gmv=Decimal(row[-1])) for row in cursor.fetchall()}


@settings(max_examples=60, deadline=None)
@given(slots=SLOTS, minutes=st.dictionaries(st.integers(0, 40), FIGURES, max_size=8),
       own=st.lists(FIGURES, min_size=4, max_size=4), per_minute=st.booleans())
def test_derived_tables_match_live_rules(slots, minutes, own, per_minute):
    minute_rows = sorted(minutes.items()) if per_minute else []
    segment_rows = {} if per_minute else {p: own[p - 1] for p in range(1, len(slots) + 1)
                                          if own[p - 1].viewers % 3}  # some without a row
    db = _db(slots, minute_rows, segment_rows)
    session = _figures(db, SESSION_FACTS_SQL, "session_id")[1]
    if minute_rows:
        expected = rules.combine(f for _m, f in minute_rows)
    else:
        expected = rules.combine(segment_rows.values())
    assert session == expected
    segments = _figures(db, SEGMENT_FACTS_SQL, "segment_id")
    for position, (start, length) in enumerate(slots, start=1):
        slot = Slot(position, start, length)
        assert segments[position] == rules.segment_figures(slot, minute_rows,
                                                           segment_rows.get(position))


@settings(max_examples=60, deadline=None)
@given(rows=st.lists(FIGURES, min_size=1, max_size=6))
def test_registry_formulas_over_sessions_match_live_rules(rows):
    """The period total: the registry's aggregates over session rows, GPM and the rates
    derived as the engine derives them, equal ``rules.conversion(rules.combine(rows))``."""
    db = duckdb.connect()
    db.execute("CREATE TABLE x (viewers BIGINT, avg_watch_seconds BIGINT, gmv DECIMAL(14,2), "
               "orders BIGINT, product_clicks BIGINT, interactions BIGINT)")
    for f in rows:
        db.execute("INSERT INTO x VALUES (?, ?, ?, ?, ?, ?)",
                   [f.viewers, f.avg_watch_seconds, f.gmv, f.orders, f.product_clicks,
                    f.interactions])
    watch, viewers, per_mille, orders, clicks, interactions = db.execute(
        f"SELECT {AVG_WATCH}, coalesce(sum(viewers), 0), coalesce(sum(gmv), 0) * 1000, "
        "sum(orders), sum(product_clicks), sum(interactions) FROM x").fetchone()
    finish = _finisher(["live_gpm", "live_conversion_rate", "live_click_to_order_rate",
                        "live_interaction_rate"])
    values = finish({"live_gmv_per_mille": per_mille, "live_viewers": viewers,
                     "live_orders": orders, "live_product_clicks": clicks,
                     "live_interactions": interactions})
    expected = rules.conversion(rules.combine(rows))
    assert watch == expected.figures.avg_watch_seconds
    assert values["live_gpm"] == expected.gpm
    for code, value in (("live_conversion_rate", expected.conversion_rate),
                        ("live_click_to_order_rate", expected.click_to_order_rate),
                        ("live_interaction_rate", expected.interaction_rate)):
        assert (values[code] is None) == (value is None)
        if value is not None:
            # The rules round a rate to 4 places: at most half a unit of the 4th place off,
            # plus the float's own error (0.01475 against the rounded 0.0148).
            assert abs(values[code] - float(value)) <= 0.00005 + 1e-12
