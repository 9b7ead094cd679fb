"""Read access to the warehouse: one in-process DuckDB per web process, holding the current
version's tables in memory.

``query()`` checks the manifest's modification time on every call (one ``stat``). When a
refresh has published a new version, the process loads what changed: the new parts of
append-only tables are inserted, rewritten tables are replaced, unchanged ones are kept,
and the derived tables (``DERIVED``: category trees, order lines with their order, first
orders, and the rollups that sum facts in advance) are rebuilt when their inputs changed.
One thread loads a version, in one DuckDB transaction; queries on the other threads
meanwhile read the version before, whole, and do not wait.

Why in memory and not views over the Parquet files: every report query would otherwise
decompress and decode the files again, and the rollups would be recomputed per query. At
ten million events a first load takes about ten seconds and the process holds about 2 GB
(the raw events stay on disk, ``ON_DISK``); reports are several times faster
(docs/analytics-benchmark.md). Each thread gets its own cursor on the shared database.
``ZHANGGUI_WAREHOUSE_IN_MEMORY=false`` trades that speed for memory: views over the files
instead of tables, and no rollups.
"""

import os
import threading
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import duckdb
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from zhanggui.analytics import logistics_tables, storage, supply_tables
from zhanggui.analytics.errors import WarehouseEmpty
from zhanggui.analytics.extract import EXTRACTS

_lock = threading.Lock()
_loading = threading.Lock()  # held by the thread loading a new version
_state: dict = {"db": None, "stamp": None, "root": None, "version": 0, "files": {}, "tables": frozenset(),
                 "cache": {}, "pool": None}
_local = threading.local()
CORES = os.cpu_count() or 2
# A report runs its queries side by side (``submit``), one core each: most read a row group
# or a few, where DuckDB's own parallelism costs more than it gives. On two cores that was
# faster than two threads per query, with two or three queries at once
# (docs/analytics-benchmark.md). Loading a version uses every core.
QUERY_THREADS = 1
POOL = max(2, CORES)


def forget() -> None:
    """Drop this process's database (tests point each test at its own warehouse)."""
    with _lock:
        if _state["db"] is not None:
            _state["db"].close()
        _state.update(db=None, stamp=None, root=None, version=0, files={}, tables=frozenset(), cache={})
        _local.__dict__.clear()


def current_version() -> int:
    _ensure_loaded()
    return _state["version"]


def tables() -> frozenset[str]:
    """The tables and views the current version holds (a rollup only when in memory)."""
    _ensure_loaded()
    return _state["tables"]


def query(sql: str, params: dict | list | None = None) -> list[tuple]:
    """Run a read-only query against the current warehouse version."""
    return _cursor().execute(sql, params or {}).fetchall()


def query_cached(sql: str) -> list[tuple]:
    """The rows of a small lookup (names, first sales), kept until another version loads."""
    _ensure_loaded()
    version = _state["version"]  # set once its tables are committed
    if _state["cache"].get("version") != version:
        _state["cache"] = {"version": version}
    cache = _state["cache"]
    if sql not in cache:
        cache[sql] = query(sql)
    return cache[sql]


def submit(sql: str, params: dict | list | None = None) -> Future:
    """``query`` on one of ``POOL`` threads (each with its own cursor; DuckDB runs a query
    without holding the GIL): the future of its rows."""
    _ensure_loaded()
    return _pool().submit(lambda: query(sql, params))


def _pool() -> ThreadPoolExecutor:
    with _lock:
        if _state["pool"] is None:
            _state["pool"] = ThreadPoolExecutor(max_workers=POOL, thread_name_prefix="warehouse")
        return _state["pool"]


def query_with_columns(sql: str, params: dict | list | None = None) -> tuple[list[str], list[tuple]]:
    cursor = _cursor().execute(sql, params or {})
    return [d[0] for d in cursor.description], cursor.fetchall()


def _cursor() -> duckdb.DuckDBPyConnection:
    db = _ensure_loaded()
    if getattr(_local, "db", None) is not db:
        _local.db, _local.cursor = db, db.cursor()
        _local.cursor.execute(f"SET TimeZone = '{timezone.get_current_timezone_name()}'").fetchall()
    return _local.cursor


def _ensure_loaded() -> duckdb.DuckDBPyConnection:
    root = storage.root()
    stamp = storage.manifest_stamp(root)
    if stamp is None:
        raise WarehouseEmpty()
    with _lock:
        if _state["db"] is None or _state["root"] != root:
            if _state["db"] is not None:
                _state["db"].close()
            _state["db"] = duckdb.connect()
            _state["db"].execute(f"SET threads TO {QUERY_THREADS}").fetchall()
            _state.update(stamp=None, root=root, files={})
        db, readable = _state["db"], _state["stamp"] is not None
        if _state["stamp"] == stamp:
            return db
    # A new version: one thread loads it. While it does, the others read the version loaded
    # before (the load is one transaction), unless there is none yet.
    if not _loading.acquire(blocking=not readable):
        return db
    try:
        if _state["stamp"] != stamp and _state["db"] is db:
            manifest = storage.read_manifest(root)
            db.execute(f"SET threads TO {CORES}").fetchall()
            try:
                files = load(db, root, manifest, _state["files"])
            finally:
                db.execute(f"SET threads TO {QUERY_THREADS}").fetchall()
            tables = frozenset(name for (name,) in db.execute(
                "SELECT table_name FROM information_schema.tables").fetchall())
            with _lock:
                _state.update(files=files, stamp=stamp, version=manifest.version, tables=tables)
    finally:
        _loading.release()
    return db


def load(db: duckdb.DuckDBPyConnection, root: Path, manifest: storage.Manifest,
         loaded: dict[str, list[str]]) -> dict[str, list[str]]:
    """Bring ``db``'s tables to ``manifest``'s version, given the files ``loaded`` already;
    returns the files now loaded per table. With ``ZHANGGUI_WAREHOUSE_IN_MEMORY`` off, the
    tables are views over the files and the derived tables views over those.

    Everything runs in one transaction: a query on another cursor meanwhile reads the
    version before, whole."""
    in_memory = settings.ZHANGGUI_WAREHOUSE_IN_MEMORY
    statements: list[str] = []
    now: dict[str, list[str]] = {}
    changed: set[str] = set()
    appended: dict[str, list[str]] = {}  # tables that only gained parts: the new parts
    for extract in EXTRACTS:
        table = extract.table
        files, before = manifest.tables.get(table, []), loaded.get(table)
        now[table] = files
        if not files or files == before:
            continue
        changed.add(table)
        if before and files[:len(before)] == before:  # new parts appended
            appended[table] = files[len(before):]
        if not in_memory or table in ON_DISK:
            statements.append(f"CREATE OR REPLACE VIEW {table} AS SELECT * FROM {_scan(root, files)}")
        elif table in appended:
            statements.append(f"INSERT INTO {table} SELECT * FROM {_scan(root, appended[table])}")
        else:
            statements.append(f"CREATE OR REPLACE TABLE {table} AS SELECT * FROM {_scan(root, files)}")
    present = {table for table, files in now.items() if files}
    statements += _derived_statements(root, present, changed, appended, in_memory)
    if statements:
        _in_transaction(db, statements)
    return now


def _derived_statements(root: Path, present: set[str], changed: set[str],
                        appended: dict[str, list[str]], in_memory: bool) -> list[str]:
    """The statements that bring the derived tables up to date with the ``changed`` ones."""
    kind, statements = "TABLE" if in_memory else "VIEW", []
    for name, derived in DERIVED.items():  # in order: a derived table may read an earlier one
        if not derived.inputs <= present or (derived.rollup and not in_memory):
            continue  # a rollup held as a view would cost more than the facts it sums
        present.add(name)
        if not changed & derived.inputs:
            continue
        changed.add(name)
        if derived.append_from and changed & derived.inputs == {derived.append_from} \
                and derived.append_from in appended:
            # Only new rows of its input: sum them alone and add the rows (a key may then
            # have two rows, which every query over a rollup sums).
            rows = _scan(root, appended[derived.append_from])
            statements.append(f"INSERT INTO {name} WITH {derived.append_from} AS "
                              f"(SELECT * FROM {rows}) {derived.sql}")
        else:
            statements.append(f"CREATE OR REPLACE {kind} {name} AS {derived.sql}")
    return statements


# Facts read through a view over their files even in memory: the rollups built from them
# answer the reports (the events are most of the warehouse; only a category filter or a
# grouping no rollup has reads them).
ON_DISK = {"events", "stock_movements"}


def _in_transaction(db: duckdb.DuckDBPyConnection, statements: list[str]) -> None:
    db.execute("BEGIN TRANSACTION").fetchall()
    try:
        for sql in statements:
            db.execute(sql).fetchall()
    except BaseException:
        db.execute("ROLLBACK").fetchall()
        raise
    db.execute("COMMIT").fetchall()


def _scan(root: Path, files: list[str]) -> str:
    return "read_parquet([" + ", ".join(f"'{root / f}'" for f in files) + "])"


@dataclass(frozen=True)
class Derived:
    """A table the reader derives from loaded tables (or from derived ones above it) and
    rebuilds when an input changes.

    A *rollup* sums facts in advance, at a grain that still answers its metrics exactly
    (``metrics.Rollup``); it exists only in memory, since as a view it would cost more than
    the facts. With ``append_from``, new rows of that input are summed alone and added: a
    key may then have more than one row, which every query over the rollup sums."""
    inputs: frozenset[str]
    sql: str
    label: str  # what the "how is this computed" panel calls it (translated)
    rollup: bool = False
    append_from: str = ""


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
