"""Read access to the warehouse: one in-process DuckDB per web process, with a view over
the current version's Parquet files for every table of the manifest.

The refresh writes the facts and the derived tables (``rollups``: category trees, order
lines with their order, the rollups that sum facts in advance, …) once per version, so a
reader builds nothing: loading a version is creating views, a few milliseconds, and the
process holds only what its queries need while they run (the rollups are written in time
order: a report's period reads only its row groups). ``query()`` checks the manifest's
modification time on every call (one ``stat``); when a refresh has published a new version,
one thread replaces the views of the tables whose files changed, in one DuckDB transaction,
while queries on the other threads read the version before, whole, and do not wait. The
files of the version before stay on disk ``storage.KEEP_OLD_SECONDS`` for queries still
reading them. Each thread gets its own cursor on the shared database.

``ZHANGGUI_WAREHOUSE_IN_MEMORY=true`` (for an install with one process) loads every table
but the raw events and stock movements into memory instead: reports a little faster, for
about 1.9 GB at ten million events (docs/analytics-benchmark.md).

With ``ZHANGGUI_ANALYTICS_ENGINE = "spark"`` the functions of this module answer from
``zhanggui.analytics.spark`` instead (``_spark``).
"""

import os
import threading
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path

import duckdb
from django.conf import settings
from django.utils import timezone

from zhanggui.analytics import storage
from zhanggui.analytics.errors import WarehouseEmpty
from zhanggui.analytics.rollups import DERIVED, scan

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
# Each query reads the footers of the files it scans: kept in memory once read (a few KB per
# file).
SETTINGS = ["parquet_metadata_cache = true"]


def forget() -> None:
    """Drop this process's database (tests point each test at its own warehouse)."""
    with _lock:
        if _state["db"] is not None:
            _state["db"].close()
        _state.update(db=None, stamp=None, root=None, version=0, files={}, tables=frozenset(), cache={})
        _local.__dict__.clear()


def _spark():
    """The Spark engine's module when ``ZHANGGUI_ANALYTICS_ENGINE`` is "spark" (its functions
    have the names and signatures of this module's), else ``None``."""
    if settings.ZHANGGUI_ANALYTICS_ENGINE != "spark":
        return None
    from zhanggui.analytics import spark

    return spark


def current_version() -> int:
    if spark := _spark():
        return spark.current_version()
    _ensure_loaded()
    return _state["version"]


def tables() -> frozenset[str]:
    """The tables (views) the current version holds."""
    if spark := _spark():
        return spark.tables()
    _ensure_loaded()
    return _state["tables"]


def query(sql: str, params: dict | list | None = None) -> list[tuple]:
    """Run a read-only query against the current warehouse version."""
    if spark := _spark():
        return spark.query(sql, params)
    return _cursor().execute(sql, params or {}).fetchall()


def query_cached(sql: str) -> list[tuple]:
    """The rows of a small lookup (names, first sales), kept until another version loads."""
    if spark := _spark():
        return spark.query_cached(sql)
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
    if spark := _spark():
        return spark.submit(sql, params)
    _ensure_loaded()
    return _pool().submit(lambda: query(sql, params))


def _pool() -> ThreadPoolExecutor:
    with _lock:
        if _state["pool"] is None:
            _state["pool"] = ThreadPoolExecutor(max_workers=POOL, thread_name_prefix="warehouse")
        return _state["pool"]


def query_with_columns(sql: str, params: dict | list | None = None) -> tuple[list[str], list[tuple]]:
    if spark := _spark():
        return spark.query_with_columns(sql, params)
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
            for setting in SETTINGS:
                _state["db"].execute(f"SET {setting}").fetchall()
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
         loaded: dict[str, tuple[str, list[str]]]) -> dict[str, tuple[str, list[str]]]:
    """Bring ``db`` to ``manifest``'s version, given what is ``loaded`` already (per table:
    "VIEW" or "TABLE", and its files); returns what is loaded now. Every table of the
    manifest (facts and derived) becomes a view over its files, or with
    ``ZHANGGUI_WAREHOUSE_IN_MEMORY`` a table in memory (but ``ON_DISK``); a table whose files
    did not change is left alone.

    Everything runs in one transaction: a query on another cursor meanwhile reads the
    version before, whole."""
    in_memory = settings.ZHANGGUI_WAREHOUSE_IN_MEMORY
    statements: list[str] = []
    now: dict[str, tuple[str, list[str]]] = {}
    for table, files in manifest.tables.items():  # the facts, then the derived tables in order
        if not files or (table in DERIVED and not DERIVED[table].inputs <= now.keys()):
            continue  # a derived table left over from a version that had its inputs
        kind = "TABLE" if in_memory and table not in ON_DISK else "VIEW"
        before_kind, before = loaded.get(table, (kind, []))
        now[table] = (kind, files)
        if files == before and kind == before_kind:
            continue
        if before_kind != kind:
            statements.append(f"DROP {before_kind} {table}")
        if kind == "TABLE" and before and before_kind == kind and files[:len(before)] == before:
            statements.append(f"INSERT INTO {table} SELECT * FROM {scan(root, files[len(before):])}")
        else:
            statements.append(f"CREATE OR REPLACE {kind} {table} AS SELECT * FROM {scan(root, files)}")
    statements += [f"DROP {kind} {table}" for table, (kind, _files) in loaded.items() if table not in now]
    if statements:
        _in_transaction(db, statements)
    return now


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
