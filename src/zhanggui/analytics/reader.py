"""Read access to the warehouse: one in-process DuckDB per web process, holding the current
version's tables in memory.

``query()`` checks the manifest's modification time on every call (one ``stat``). When a
refresh has published a new version, the process loads what changed: the new parts of
append-only tables are inserted, rewritten tables are replaced, unchanged ones are kept,
and the derived tables (``DERIVED``: category trees, order lines with their order, first
orders) are rebuilt when their inputs changed. Each table is replaced in one DuckDB
transaction, so a query running meanwhile sees the old rows or the new ones, never a mix
within a table.

Why in memory and not views over the Parquet files: every report query would otherwise
decompress and decode the files again; loading them once per version takes a few seconds
at ten million events and makes each report about twice as fast (docs/analytics-benchmark.md).
Each thread gets its own cursor on the shared database. ``ZHANGGUI_WAREHOUSE_IN_MEMORY=false``
trades that speed for memory: views over the files instead of tables.
"""

import threading
from pathlib import Path

import duckdb
from django.conf import settings
from django.utils import timezone

from zhanggui.analytics import storage
from zhanggui.analytics.errors import WarehouseEmpty
from zhanggui.analytics.extract import EXTRACTS

_lock = threading.Lock()
_state: dict = {"db": None, "stamp": None, "root": None, "version": 0, "files": {}}
_local = threading.local()
THREADS = 2


def forget() -> None:
    """Drop this process's database (tests point each test at its own warehouse)."""
    with _lock:
        if _state["db"] is not None:
            _state["db"].close()
        _state.update(db=None, stamp=None, root=None, version=0, files={})
        _local.__dict__.clear()


def current_version() -> int:
    _ensure_loaded()
    return _state["version"]


def query(sql: str, params: dict | list | None = None) -> list[tuple]:
    """Run a read-only query against the current warehouse version."""
    return _cursor().execute(sql, params or {}).fetchall()


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
            _state["db"].execute(f"SET threads TO {THREADS}").fetchall()
            _state.update(stamp=None, root=root, files={})
        if _state["stamp"] != stamp:
            manifest = storage.read_manifest(root)
            _state["files"] = load(_state["db"], root, manifest, _state["files"])
            _state["stamp"], _state["version"] = stamp, manifest.version
        return _state["db"]


def load(db: duckdb.DuckDBPyConnection, root: Path, manifest: storage.Manifest,
         loaded: dict[str, list[str]]) -> dict[str, list[str]]:
    """Bring ``db``'s tables to ``manifest``'s version, given the files ``loaded`` already;
    returns the files now loaded per table. With ``ZHANGGUI_WAREHOUSE_IN_MEMORY`` off, the
    tables are views over the files and the derived tables views over those."""
    in_memory = settings.ZHANGGUI_WAREHOUSE_IN_MEMORY
    now: dict[str, list[str]] = {}
    changed: set[str] = set()
    for extract in EXTRACTS:
        files = manifest.tables.get(extract.table, [])
        before = loaded.get(extract.table)
        now[extract.table] = files
        if not files or files == before:
            continue
        changed.add(extract.table)
        table = extract.table
        if not in_memory:
            _in_transaction(db, f"CREATE OR REPLACE VIEW {table} AS SELECT * FROM {_scan(root, files)}")
        elif before and files[:len(before)] == before:  # new parts appended
            _in_transaction(db, f"INSERT INTO {table} SELECT * FROM {_scan(root, files[len(before):])}")
        else:
            _in_transaction(db, f"CREATE OR REPLACE TABLE {table} AS SELECT * FROM {_scan(root, files)}")
    kind = "TABLE" if in_memory else "VIEW"
    present = {table for table, files in now.items() if files}
    for name, (inputs, sql) in DERIVED.items():  # in order: a derived table may read an earlier one
        if inputs <= present:
            present.add(name)
            if changed & inputs:
                changed.add(name)
                _in_transaction(db, f"CREATE OR REPLACE {kind} {name} AS {sql}")
    return now


def _in_transaction(db: duckdb.DuckDBPyConnection, sql: str) -> None:
    db.execute("BEGIN TRANSACTION").fetchall()
    try:
        db.execute(sql).fetchall()
    except BaseException:
        db.execute("ROLLBACK").fetchall()
        raise
    db.execute("COMMIT").fetchall()


def _scan(root: Path, files: list[str]) -> str:
    return "read_parquet([" + ", ".join(f"'{root / f}'" for f in files) + "])"


# Tables derived from the loaded ones (or from derived ones above them), rebuilt when an
# input changes: (inputs, SELECT).
DERIVED = {
    # Each category with its top-level ancestor (reports group by top-level category).
    "category_tree": ({"categories"}, """
        WITH RECURSIVE tree(category_id, top_id, top_name) AS (
            SELECT category_id, category_id, name FROM categories WHERE parent_id IS NULL
            UNION ALL
            SELECT c.category_id, t.top_id, t.top_name
            FROM categories c JOIN tree t ON c.parent_id = t.category_id
        )
        SELECT * FROM tree"""),
    # Each category with every ancestor, itself included (a category filter covers its subtree).
    "category_paths": ({"categories"}, """
        WITH RECURSIVE paths(category_id, ancestor_id) AS (
            SELECT category_id, category_id FROM categories
            UNION ALL
            SELECT p.category_id, c.parent_id FROM paths p
            JOIN categories c ON c.category_id = p.ancestor_id WHERE c.parent_id IS NOT NULL
        )
        SELECT * FROM paths"""),
    # Each customer's first paid (not cancelled) order, and the month of it: new vs returning
    # buyers and the cohorts.
    "buyer_firsts": ({"orders"}, """
        SELECT customer_id, min(paid_at) AS first_paid_at,
               date_trunc('month', min(paid_at)) AS cohort, bool_or(customer_is_guest) AS is_guest
        FROM orders WHERE paid_at IS NOT NULL AND status <> 'cancelled'
        GROUP BY customer_id"""),
    # Each order line with what the reports ask of its order and product, in order of payment
    # (the order-line sources read it instead of joining four tables on every query).
    "line_facts": ({"orders", "order_lines", "products", "category_tree"}, """
        SELECT l.*, o.paid_at, o.status, o.channel, o.customer_id, o.customer_is_guest,
               o.refunded_amount AS order_refunded_amount, pr.category_id, t.top_id AS top_category
        FROM order_lines l JOIN orders o USING (order_id)
        LEFT JOIN products pr ON pr.product_id = l.product_id
        LEFT JOIN category_tree t ON t.category_id = pr.category_id
        ORDER BY o.paid_at, l.line_id"""),
    # When each product was first paid for (its lifecycle stage counts days on sale from it).
    "product_firsts": ({"line_facts"}, """
        SELECT product_id, min(paid_at) AS first_sold_at FROM line_facts
        WHERE paid_at IS NOT NULL AND status <> 'cancelled'
        GROUP BY product_id"""),
}
