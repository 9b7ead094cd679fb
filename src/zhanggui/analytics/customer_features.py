"""One row per (non-guest) customer with every field a segment may test, computed in DuckDB
over the warehouse: attributes (``customer_profiles``, ``customer_tags``, ``memberships``),
order history (``orders``, ``refunds``), behaviour (``events``) and the model scores (RFM
segment, lifecycle stage, spending tier; churn risk and CLV from ``customer_values``).

The columns are named as ``customers.segment_fields.FIELDS`` (plus ``customer_id`` and
``first_paid_at``/``last_paid_at`` for the stored scores). Everything is "as of" ``now``:
orders paid, refunds and events before it; days ago counted in shop-local dates from its
date. Guests are left out: they are never members of a segment.

- paid orders: paid, not cancelled (GLOSSARY ``gmv``: Σ paid amount, refunds not subtracted).
- average order value: total spent / paid orders, rounded half up to the cent (in cents, so
  SQL and Python agree exactly).
- RFM (all history): R = days since the last paid order, F = paid orders, M = total spent;
  each "high" when better than the mean over all non-guest buyers (``analytics.rules.RFM_SEGMENTS``).
- lifecycle stage: ``customers.segment_rules.lifecycle_stage`` with
  ``settings.ZHANGGUI_LIFECYCLE_DAYS``.
- spending tier: the lower bound (yuan) of the tier of ``rules.SPENDING_TIERS`` the total
  spent falls in; none without a paid order.
- churn risk (a fraction, 1 − P(alive)) and CLV (yuan) as stored by the last customer-value
  fit (``insights.clv``); none for a customer it did not score.
"""

import re
from datetime import datetime, timedelta
from pathlib import Path

import duckdb
from django.conf import settings
from django.utils import timezone

from zhanggui.analytics import rules, storage
from zhanggui.analytics.errors import WarehouseEmpty
from zhanggui.customers.segment_rules import lifecycle_thresholds

TABLES = ("customer_profiles", "customer_tags", "memberships", "orders", "refunds", "events",
          "customer_values")
WINDOW_DAYS = 30
TIER_CODES = [str(int(bound)) for bound in rules.SPENDING_TIERS]
RFM_CASE = " ".join(
    f"WHEN {'' if r else 'NOT '}recent AND {'' if f else 'NOT '}frequent AND {'' if m else 'NOT '}big "
    f"THEN '{code}'" for (r, f, m), code in rules.RFM_SEGMENTS.items())

CTES = """
WITH profiles AS (
    SELECT customer_id, nullif(gender, '') AS gender, birthday, nullif(province_code, '') AS province_code,
           nullif(city, '') AS city, channel, created_at
    FROM customer_profiles WHERE NOT is_guest
), paid AS (
    SELECT o.customer_id, count(*) AS paid_orders, CAST(sum(o.paid_amount) AS DECIMAL(18,2)) AS total_spent,
           CAST(round(sum(o.paid_amount) * 100) AS BIGINT) AS spent_cents,
           min(o.paid_at) AS first_paid_at, max(o.paid_at) AS last_paid_at
    FROM orders o
    WHERE o.paid_at IS NOT NULL AND o.paid_at < $now AND o.status <> 'cancelled' AND NOT o.customer_is_guest
    GROUP BY o.customer_id
), buyers AS (
    SELECT *, date_diff('day', CAST(first_paid_at AS DATE), $today) AS first_paid_days_ago,
           date_diff('day', CAST(last_paid_at AS DATE), $today) AS last_paid_days_ago
    FROM paid
), means AS (
    SELECT avg(last_paid_days_ago) AS r, avg(paid_orders) AS f, avg(total_spent) AS m FROM buyers
), scored AS (
    SELECT b.*, b.last_paid_days_ago < means.r AS recent, b.paid_orders > means.f AS frequent,
           b.total_spent > means.m AS big
    FROM buyers b, means
), refunded AS (
    SELECT o.customer_id, count(*) AS refund_count
    FROM refunds r JOIN orders o USING (order_id)
    WHERE r.created_at < $now GROUP BY o.customer_id
), behaviour AS (
    SELECT customer_id,
           count(*) FILTER (WHERE kind = 'product_view' AND occurred_at >= $window_start) AS views_30d,
           count(*) FILTER (WHERE kind = 'add_to_cart' AND occurred_at >= $window_start) AS carts_30d,
           count(*) FILTER (WHERE kind = 'search' AND occurred_at >= $window_start) AS searches_30d,
           max(occurred_at) AS last_visit_at
    FROM events WHERE customer_id IS NOT NULL AND occurred_at < $now
    GROUP BY customer_id
), tagged AS (
    SELECT customer_id, list_sort(list(DISTINCT tag)) AS tags FROM customer_tags GROUP BY customer_id
), members AS (
    SELECT customer_id, max(tier_code) AS member_tier FROM memberships GROUP BY customer_id
)
"""
TIERS = "[" + ", ".join(f"'{c}'" for c in TIER_CODES) + "]"
# Each column: (expression, the joined source it reads: s paid orders, r refunds, e events,
# t tags, m memberships, v customer values; None for the profile). Only the sources a query needs are joined.
COLUMNS = {
    "gender": ("p.gender", None),
    "age": ("""CASE WHEN p.birthday IS NOT NULL THEN year($today) - year(p.birthday)
            - CASE WHEN month($today) * 100 + day($today) < month(p.birthday) * 100 + day(p.birthday)
                   THEN 1 ELSE 0 END END""", None),
    "birthday_month": ("month(p.birthday)", None),
    "is_birthday_month": ("month(p.birthday) = month($today)", None),
    "province_code": ("p.province_code", None),
    "city": ("p.city", None),
    "channel": ("p.channel", None),
    "registered_days_ago": ("date_diff('day', CAST(p.created_at AS DATE), $today)", None),
    "tags": ("coalesce(t.tags, [])", "t"),
    "is_member": ("m.member_tier IS NOT NULL", "m"),
    "member_tier": ("m.member_tier", "m"),
    "paid_orders": ("coalesce(s.paid_orders, 0)", "s"),
    "total_spent": ("coalesce(s.total_spent, 0)", "s"),
    "average_order_value": (
        "CAST((2 * s.spent_cents + s.paid_orders) // (2 * s.paid_orders) AS DECIMAL(18,0)) * 0.01", "s"),
    "first_paid_days_ago": ("s.first_paid_days_ago", "s"),
    "last_paid_days_ago": ("s.last_paid_days_ago", "s"),
    "refund_count": ("coalesce(r.refund_count, 0)", "r"),
    "views_30d": ("coalesce(e.views_30d, 0)", "e"),
    "carts_30d": ("coalesce(e.carts_30d, 0)", "e"),
    "searches_30d": ("coalesce(e.searches_30d, 0)", "e"),
    "last_visit_days_ago": ("date_diff('day', CAST(e.last_visit_at AS DATE), $today)", "e"),
    "rfm_segment": (f"CASE WHEN s.customer_id IS NOT NULL THEN CASE {RFM_CASE} END END", "s"),
    "lifecycle_stage": ("""CASE WHEN s.customer_id IS NULL THEN 'prospect'
            WHEN s.first_paid_days_ago < $new_days THEN 'new'
            WHEN s.last_paid_days_ago <= $active_days THEN 'active'
            WHEN s.last_paid_days_ago <= $at_risk_days THEN 'at_risk'
            WHEN s.last_paid_days_ago <= $dormant_days THEN 'dormant'
            ELSE 'lost' END""", "s"),
    "spending_tier": ("CASE WHEN s.customer_id IS NOT NULL THEN "
                      f"{TIERS}[{rules.spending_tier_sql('s.total_spent')} + 1] END", "s"),
    "churn_risk": ("v.churn_risk", "v"),
    "clv": ("v.clv", "v"),
    "first_paid_at": ("s.first_paid_at", "s"),
    "last_paid_at": ("s.last_paid_at", "s"),
}
JOINS = {"s": "LEFT JOIN scored s USING (customer_id)", "r": "LEFT JOIN refunded r USING (customer_id)",
         "e": "LEFT JOIN behaviour e USING (customer_id)", "t": "LEFT JOIN tagged t USING (customer_id)",
         "m": "LEFT JOIN members m USING (customer_id)",
         "v": "LEFT JOIN customer_values v USING (customer_id)"}


def features_sql(fields=None) -> str:
    """The feature query: every column, or only ``fields`` (and only the sources they read —
    a segment on the profile and the orders does not scan the events)."""
    names = [name for name in COLUMNS if fields is None or name in fields]
    sources = {COLUMNS[name][1] for name in names}
    select = ",\n       ".join(f"{COLUMNS[name][0]} AS {name}" for name in names)
    joins = "\n".join(join for key, join in JOINS.items() if key in sources)
    columns = "p.customer_id" + (f",\n       {select}" if select else "")
    return f"{CTES}SELECT {columns}\nFROM profiles p\n{joins}\n"


FEATURES_SQL = features_sql()


def local_now(now: datetime | None = None) -> datetime:
    """``now`` (default: this moment) as a naive shop-local time, as the warehouse stores times."""
    return timezone.localtime(now or timezone.now()).replace(tzinfo=None)


def parameters(now: datetime | None = None) -> dict:
    """The bound parameters of ``FEATURES_SQL`` for an evaluation at ``now`` (aware)."""
    moment = local_now(now)
    days = lifecycle_thresholds(getattr(settings, "ZHANGGUI_LIFECYCLE_DAYS", None))
    return {"now": moment, "today": moment.date(), "window_start": moment - timedelta(days=WINDOW_DAYS),
            "new_days": days["new"], "active_days": days["active"], "at_risk_days": days["at_risk"],
            "dormant_days": days["dormant"]}


def bind(sql: str, params: dict) -> dict:
    """The parameters ``sql`` names (DuckDB refuses extra ones; a query of a few features
    does not use every threshold)."""
    named = set(re.findall(r"\$(\w+)", sql))
    return {name: value for name, value in params.items() if name in named}


def materialise(db: duckdb.DuckDBPyConnection, now: datetime | None = None,
                table: str = "customer_features", fields=None) -> int:
    """Compute the features (all, or ``fields``) into a temporary table of ``db``; returns
    its row count."""
    sql = f"CREATE OR REPLACE TEMP TABLE {table} AS {features_sql(fields)}"
    db.execute(sql, bind(sql, parameters(now)))
    return db.execute(f"SELECT count(*) FROM {table}").fetchone()[0]


def open_snapshot(root: Path | None = None, threads: int | None = None) -> duckdb.DuckDBPyConnection:
    """A DuckDB connection of its own with views over the current version's files of the
    tables the features read (a worker computing segments holds no warehouse in memory).

    Raises:
        WarehouseEmpty: no warehouse has been built yet.
    """
    root = root or storage.root()
    manifest = storage.read_manifest(root)
    if manifest is None:
        raise WarehouseEmpty()
    db = duckdb.connect()
    if threads:
        db.execute(f"SET threads TO {int(threads)}")
    db.execute(f"SET TimeZone = '{timezone.get_current_timezone_name()}'")
    for table in TABLES:
        files = manifest.tables.get(table)
        if not files:
            raise WarehouseEmpty()
        scan = ", ".join(f"'{root / f}'" for f in files)
        db.execute(f"CREATE VIEW {table} AS SELECT * FROM read_parquet([{scan}])")
    return db
