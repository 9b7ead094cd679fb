"""The derived tables of the warehouse (category trees, order lines with their order, the
rollups that sum facts in advance, the tables of the logistics, supply, service, campaign and
live reports), written as Parquet once per version by the refresh, beside the facts.

``materialise()`` runs in ``warehouse.refresh()`` and ``rebuild()`` after the facts are
copied: each table of ``DERIVED`` (in order: a derived table may read those above it) is
listed in ``manifest.tables`` like a fact table, so a reader registers every table of the
manifest as a view over its files and builds nothing. Per table:

- none of its inputs changed (same files) and its SQL is the same: the files are kept;
- with ``append_from``, when only new parts were appended to that input: its SQL runs over
  the new parts alone and the rows become a new part (a key may then have two rows, which
  every query over a rollup sums); at ``warehouse.MAX_PARTS`` parts it is rewritten whole;
- otherwise it is rewritten from all of its inputs.

Rollups are written in time order (their SQL sorts them), so a report's period reads only
the row groups it covers. Compression and row-group size: docs/analytics-benchmark.md.
"""

import hashlib
from dataclasses import dataclass
from pathlib import Path

import duckdb
from django.utils.translation import gettext_lazy as _

from zhanggui.analytics import logistics_tables, storage, supply_tables

# Measured on the rollups of 1 million orders and 10 million events (docs/analytics-benchmark.md):
# zstd files are the smallest and read as fast as snappy or uncompressed ones.
COMPRESSION = "zstd"
ROW_GROUP_SIZE = 122_880
# DuckDB writes a HUGEINT (what ``sum`` of integers gives) to Parquet as DOUBLE: stored as
# BIGINT instead, so a count read back is still an integer.
WIDE_INTEGERS = {"HUGEINT", "UHUGEINT"}


def materialise(db: duckdb.DuckDBPyConnection, root: Path, old: storage.Manifest | None,
                new: storage.Manifest, max_parts: int) -> dict[str, str]:
    """Write the derived tables of version ``new`` (whose fact tables are listed already),
    given the version ``old`` before it (``None``: a rebuild); returns what was done to each
    ("kept", "appended" or "written")."""
    for table, files in list(new.tables.items()):
        if files:
            _view(db, root, table, files)
    done: dict[str, str] = {}
    for name, derived in DERIVED.items():
        if not all(new.tables.get(table) for table in derived.inputs):
            continue
        digest = derived.digest()
        old_files = old.tables.get(name, []) if old and old.derived.get(name) == digest else []
        changed = {table for table in derived.inputs
                   if old is None or old.tables.get(table) != new.tables[table]}
        new.derived[name] = digest
        if old_files and not changed:
            new.tables[name], new.rows[name], done[name] = old_files, old.rows.get(name, 0), "kept"
        elif old_files and len(old_files) < max_parts and _appended(derived, changed, old, new):
            source = derived.append_from
            parts = new.tables[source][len(old.tables[source]):]
            path = f"{name}/p{new.version:06d}.parquet"
            _view(db, root, source, parts)  # the SQL reads only the new rows of its input
            try:
                rows = _write(db, derived.sql, root, path)
            finally:
                _view(db, root, source, new.tables[source])
            if rows:
                new.tables[name], done[name] = [*old_files, path], "appended"
            else:
                (root / path).unlink()
                new.tables[name], done[name] = old_files, "kept"
            new.rows[name] = old.rows.get(name, 0) + rows
        else:
            path = f"v{new.version:06d}/{name}.parquet"
            new.rows[name] = _write(db, derived.sql, root, path)
            new.tables[name], done[name] = [path], "written"
        _view(db, root, name, new.tables[name])
    return done


def _appended(derived: "Derived", changed: set[str], old: storage.Manifest, new: storage.Manifest) -> bool:
    """Whether the only input that changed is ``append_from``, by new parts only."""
    source = derived.append_from
    if not source or changed != {source}:
        return False
    before, now = old.tables.get(source, []), new.tables[source]
    return bool(before) and len(now) > len(before) and now[:len(before)] == before


def _write(db: duckdb.DuckDBPyConnection, sql: str, root: Path, path: str) -> int:
    """Write the rows of ``sql`` to ``root / path``; returns how many."""
    columns = db.execute(f"DESCRIBE {sql}").fetchall()
    if any(kind in WIDE_INTEGERS for _name, kind, *_rest in columns):
        casts = ", ".join(f'CAST("{name}" AS BIGINT) AS "{name}"' if kind in WIDE_INTEGERS else f'"{name}"'
                          for name, kind, *_rest in columns)
        sql = f"SELECT {casts} FROM ({sql})"
    (root / path).parent.mkdir(parents=True, exist_ok=True)
    db.execute(f"COPY ({sql}) TO '{root / path}' (FORMAT parquet, COMPRESSION {COMPRESSION}, "
               f"ROW_GROUP_SIZE {ROW_GROUP_SIZE})").fetchall()
    return db.execute(f"SELECT count(*) FROM read_parquet('{root / path}')").fetchall()[0][0]


def _view(db: duckdb.DuckDBPyConnection, root: Path, table: str, files: list[str]) -> None:
    db.execute(f"CREATE OR REPLACE VIEW {table} AS SELECT * FROM {scan(root, files)}").fetchall()


def scan(root: Path, files: list[str]) -> str:
    return "read_parquet([" + ", ".join(f"'{root / f}'" for f in files) + "])"


@dataclass(frozen=True)
class Derived:
    """A table the refresh derives from fact tables (or from derived ones above it) and
    writes again when an input changes.

    A *rollup* sums facts in advance, at a grain that still answers its metrics exactly
    (``metrics.Rollup``). With ``append_from``, new rows of that input are summed alone and
    added: a key may then have more than one row, which every query over the rollup sums."""
    inputs: frozenset[str]
    sql: str
    label: str  # what the "how is this computed" panel calls it (translated)
    rollup: bool = False
    append_from: str = ""

    def digest(self) -> str:
        """Identifies the SQL: files written by another definition are not kept."""
        return hashlib.sha256(" ".join(self.sql.split()).encode()).hexdigest()[:16]


def _derived(inputs: set[str], label, sql: str, **options) -> Derived:
    return Derived(inputs=frozenset(inputs), sql=sql, label=label, **options)


DERIVED = {
    # Each category with its top-level ancestor (reports group by top-level category).
    "category_tree": _derived({"categories"}, _("Each category with its top-level category"), """
        WITH RECURSIVE tree(category_id, top_id, top_name) AS (
            SELECT category_id, category_id, name FROM categories WHERE parent_id IS NULL
            UNION ALL
            SELECT c.category_id, t.top_id, t.top_name
            FROM categories c JOIN tree t ON c.parent_id = t.category_id
        )
        SELECT * FROM tree"""),
    # Each category with every ancestor, itself included (a category filter covers its subtree).
    "category_paths": _derived({"categories"}, _("Each category with its ancestors"), """
        WITH RECURSIVE paths(category_id, ancestor_id) AS (
            SELECT category_id, category_id FROM categories
            UNION ALL
            SELECT p.category_id, c.parent_id FROM paths p
            JOIN categories c ON c.category_id = p.ancestor_id WHERE c.parent_id IS NOT NULL
        )
        SELECT * FROM paths"""),
    # Each customer's first paid (not cancelled) order, and the month of it: new vs returning
    # buyers and the cohorts.
    "buyer_firsts": _derived({"orders"}, _("Each buyer's first paid order"), """
        SELECT customer_id, min(paid_at) AS first_paid_at,
               date_trunc('month', min(paid_at)) AS cohort, bool_or(customer_is_guest) AS is_guest
        FROM orders WHERE paid_at IS NOT NULL AND status <> 'cancelled'
        GROUP BY customer_id"""),
    # Each order line with what the reports ask of its order and product, in order of payment
    # (the order-line sources read it instead of joining four tables on every query).
    "line_facts": _derived({"orders", "order_lines", "products", "category_tree"},
        _("Order lines with their order and category"), """
        SELECT l.*, o.paid_at, o.status, o.channel, o.customer_id, o.customer_is_guest,
               o.refunded_amount AS order_refunded_amount, pr.category_id, t.top_id AS top_category
        FROM order_lines l JOIN orders o USING (order_id)
        LEFT JOIN products pr ON pr.product_id = l.product_id
        LEFT JOIN category_tree t ON t.category_id = pr.category_id
        ORDER BY o.paid_at, l.line_id"""),
    # When each product was first paid for (its lifecycle stage counts days on sale from it).
    "product_firsts": _derived({"line_facts"}, _("Each product's first sale"), """
        SELECT product_id, min(paid_at) AS first_sold_at FROM line_facts
        WHERE paid_at IS NOT NULL AND status <> 'cancelled'
        GROUP BY product_id"""),
    # The source each order's order event came from (traffic attribution).
    "order_sources": _derived({"events"}, _("The source of each order's order event"), """
        SELECT DISTINCT order_id, source FROM events WHERE kind = 'order'"""),
    # Rollups. Events summed per visit and day (and source, channel, device): a quarter of
    # the events' rows, and still every distinct visitor of any set of days.
    "visit_days": _derived({"events"}, _("Events summed per visit and day"), """
        SELECT date_trunc('day', occurred_at) AS day_at, CAST(occurred_at AS DATE) AS day,
               visitor_id, session_id, source, channel, device, count(*) AS events,
               count(*) FILTER (WHERE kind = 'page_view') AS page_views,
               count(*) FILTER (WHERE kind = 'product_view') AS product_views,
               count(*) FILTER (WHERE kind = 'add_to_cart') AS carts,
               count(*) FILTER (WHERE kind = 'favorite') AS favorites,
               count(*) FILTER (WHERE kind = 'order') AS orders,
               count(*) FILTER (WHERE kind = 'payment') AS payments,
               count(*) FILTER (WHERE kind = 'search') AS searches,
               count(*) FILTER (WHERE kind = 'search' AND result_count = 0) AS zero_result_searches
        FROM events
        GROUP BY ALL
        ORDER BY day_at""", rollup=True, append_from="events"),
    # Search events per day, term, visitor and channel (appended like visit_days).
    "search_days": _derived({"events"}, _("Searches per day, term and visitor"), """
        SELECT date_trunc('day', occurred_at) AS day_at, CAST(occurred_at AS DATE) AS day,
               search_term, visitor_id, channel, count(*) AS searches,
               count(*) FILTER (WHERE result_count = 0) AS zero_result_searches
        FROM events WHERE kind = 'search'
        GROUP BY ALL
        ORDER BY day_at""", rollup=True, append_from="events"),
    # Paid (not cancelled) orders with the customer's first paid order and, among the
    # customer's own (not guest) paid orders, the two before this one (and the one before in
    # the same channel, in the same province): a distinct count of buyers over any dates
    # becomes a count of the orders whose previous one is earlier.
    "paid_order_facts": _derived({"orders", "buyer_firsts"},
        _("Paid orders with the buyer's previous paid orders"), """
        SELECT o.*, f.first_paid_at,
               lag(o.paid_at) OVER buyer AS prev_paid_at, lag(o.paid_at, 2) OVER buyer AS prev2_paid_at,
               lag(o.paid_at) OVER in_channel AS prev_channel_paid_at,
               lag(o.paid_at) OVER in_province AS prev_province_paid_at
        FROM orders o LEFT JOIN buyer_firsts f USING (customer_id)
        WHERE o.paid_at IS NOT NULL AND o.status <> 'cancelled'
        WINDOW buyer AS (PARTITION BY o.customer_id, o.customer_is_guest ORDER BY o.paid_at, o.order_id),
               in_channel AS (PARTITION BY o.customer_id, o.customer_is_guest, o.channel
                              ORDER BY o.paid_at, o.order_id),
               in_province AS (PARTITION BY o.customer_id, o.customer_is_guest, o.province_code
                               ORDER BY o.paid_at, o.order_id)
        ORDER BY o.paid_at""", rollup=True),
    # Paid (not cancelled) orders per hour, channel and province: their count and amount.
    "order_hours": _derived({"orders"}, _("Paid orders per hour"), """
        SELECT date_trunc('hour', paid_at) AS hour_at, channel, province_code,
               count(*) AS orders, sum(paid_amount) AS paid_amount
        FROM orders WHERE paid_at IS NOT NULL AND status <> 'cancelled'
        GROUP BY ALL
        ORDER BY hour_at""", rollup=True),
    # Paid (not cancelled) order lines with the customer's previous paid line of the same
    # product and of the same top-level category: distinct buyers per product or category.
    "paid_line_facts": _derived({"line_facts"},
        _("Paid order lines with the buyer's previous line of the product and category"), """
        SELECT l.*,
               lag(l.paid_at) OVER (PARTITION BY l.customer_id, l.customer_is_guest, l.product_id
                                    ORDER BY l.paid_at, l.line_id) AS prev_product_paid_at,
               lag(l.paid_at) OVER (PARTITION BY l.customer_id, l.customer_is_guest, l.top_category
                                    ORDER BY l.paid_at, l.line_id) AS prev_category_paid_at
        FROM line_facts l WHERE l.paid_at IS NOT NULL AND l.status <> 'cancelled'
        ORDER BY l.paid_at""", rollup=True),
    # Product views with the visitor's previous view of the product: distinct viewers per product.
    "product_views": _derived({"events"},
        _("Product views with the visitor's previous view of the product"), """
        SELECT occurred_at, product_id, visitor_id, channel,
               lag(occurred_at) OVER (PARTITION BY product_id, visitor_id ORDER BY occurred_at, id)
                   AS prev_viewed_at
        FROM events WHERE kind = 'product_view'
        ORDER BY occurred_at""", rollup=True),
    # Payment attempts and refunds per day (and channel, status, reason, method).
    "payment_days": _derived({"payments", "orders"}, _("Payment attempts per day"), """
        SELECT date_trunc('day', pa.created_at) AS day_at, CAST(pa.created_at AS DATE) AS day,
               o.channel, pa.status, pa.failure_reason, pa.method, count(*) AS attempts
        FROM payments pa JOIN orders o USING (order_id)
        GROUP BY ALL
        ORDER BY day_at""", rollup=True),
    "refund_days": _derived({"refunds", "orders"}, _("Refunds per day"), """
        SELECT date_trunc('day', r.created_at) AS day_at, CAST(r.created_at AS DATE) AS day,
               o.channel, sum(r.amount) AS amount
        FROM refunds r JOIN orders o USING (order_id)
        GROUP BY ALL
        ORDER BY day_at""", rollup=True),
    # After-sales request lines with their order's channel and product's top-level category.
    "aftersales_facts": _derived({"aftersales", "orders", "products", "category_tree"},
        _("After-sales request lines with their channel and category"), """
        SELECT a.*, o.channel, t.top_id AS top_category
        FROM aftersales a JOIN orders o USING (order_id)
        JOIN products pr ON pr.product_id = a.product_id
        JOIN category_tree t ON t.category_id = pr.category_id
        ORDER BY a.requested_at""", rollup=True),
    # The order lines each refund refunded: those of its after-sales request, or every line
    # of the order when it has none.
    "refunded_lines": _derived({"refunds", "orders", "order_lines", "aftersales"},
        _("The order lines each refund refunded"), """
        SELECT DISTINCT r.created_at, l.line_id, o.channel
        FROM refunds r JOIN orders o USING (order_id)
        JOIN order_lines l ON l.order_id = r.order_id
        WHERE r.request_id IS NULL OR l.line_id IN (
            SELECT a.line_id FROM aftersales a WHERE a.request_id = r.request_id)
        ORDER BY r.created_at""", rollup=True),
    # Customers of each cohort (month of the first paid order) buying in each later month,
    # by the day of their first paid order in that month, with the cohort's size.
    "cohort_months": _derived({"orders", "buyer_firsts"}, _("Cohort customers buying per month"), """
        WITH active AS (
            SELECT f.cohort, date_diff('month', f.cohort, date_trunc('month', o.paid_at)) AS month_number,
                   o.customer_id, date_trunc('day', min(o.paid_at)) AS first_day_at
            FROM orders o JOIN buyer_firsts f USING (customer_id)
            WHERE o.paid_at IS NOT NULL AND o.status <> 'cancelled' AND NOT o.customer_is_guest
            GROUP BY ALL
        ), size AS (
            SELECT cohort, count(*) AS cohort_size FROM buyer_firsts WHERE NOT is_guest GROUP BY cohort
        )
        SELECT a.cohort, a.month_number, a.first_day_at, count(*) AS customers, s.cohort_size
        FROM active a JOIN size s USING (cohort)
        GROUP BY ALL
        ORDER BY a.cohort, a.month_number""", rollup=True),
}
# Parcels and their orders, for the logistics report (``logistics_tables``).
DERIVED.update({name: _derived(inputs, label, sql)
                for name, (inputs, label, sql) in logistics_tables.DERIVED.items()})
# Suppliers, drop-ship orders, purchase orders and stock, for the supply reports (``supply_tables``).
DERIVED.update({name: _derived(inputs, label, sql)
                for name, (inputs, label, sql) in supply_tables.DERIVED.items()})
# Tickets and inquiries, for the service report (``service_tables``); campaign attribution and
# A/B outcomes (``campaign_tables``); live sessions and segments with their figures, for the
# live report (``live_tables``).
from zhanggui.analytics import campaign_tables, live_tables, service_tables  # noqa: E402

for _tables in (service_tables.DERIVED, campaign_tables.DERIVED, live_tables.DERIVED):
    DERIVED.update({name: _derived(inputs, label, sql) for name, (inputs, label, sql) in _tables.items()})
