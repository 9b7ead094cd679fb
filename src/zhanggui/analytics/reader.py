"""Read access to the warehouse: one in-process DuckDB per web process, with a view per
table over the Parquet files of the current version.

``query()`` checks the manifest's modification time on every call (one ``stat``) and
re-points the views when a refresh has published a new version. Each thread gets its own
cursor; the views are shared.
"""

import threading
from pathlib import Path

import duckdb
from django.utils import timezone

from zhanggui.analytics import storage
from zhanggui.analytics.errors import WarehouseEmpty
from zhanggui.analytics.extract import EXTRACTS

_lock = threading.Lock()
_state: dict = {"db": None, "stamp": None, "root": None, "version": 0}
_local = threading.local()


def forget() -> None:
    """Drop this process's connection (tests point each test at its own warehouse)."""
    with _lock:
        if _state["db"] is not None:
            _state["db"].close()
        _state.update(db=None, stamp=None, root=None, version=0)
        _local.__dict__.clear()


def current_version() -> int:
    _ensure_views()
    return _state["version"]


def query(sql: str, params: dict | list | None = None) -> list[tuple]:
    """Run a read-only query against the current warehouse version."""
    return _cursor().execute(sql, params or {}).fetchall()


def query_with_columns(sql: str, params: dict | list | None = None) -> tuple[list[str], list[tuple]]:
    cursor = _cursor().execute(sql, params or {})
    return [d[0] for d in cursor.description], cursor.fetchall()


def _cursor() -> duckdb.DuckDBPyConnection:
    db = _ensure_views()
    if getattr(_local, "db", None) is not db:
        _local.db, _local.cursor = db, db.cursor()
        _local.cursor.execute(f"SET TimeZone = '{timezone.get_current_timezone_name()}'").fetchall()
    return _local.cursor


def _ensure_views() -> duckdb.DuckDBPyConnection:
    root = storage.root()
    stamp = storage.manifest_stamp(root)
    if stamp is None:
        raise WarehouseEmpty()
    with _lock:
        if _state["db"] is None or _state["root"] != root:
            _state["db"] = duckdb.connect()
            _state["db"].execute("SET threads TO 2").fetchall()
            _state["stamp"] = None
            _state["root"] = root
        if _state["stamp"] != stamp:
            manifest = storage.read_manifest(root)
            _point_views(_state["db"], root, manifest)
            _state["stamp"], _state["version"] = stamp, manifest.version
        return _state["db"]


def _point_views(db: duckdb.DuckDBPyConnection, root: Path, manifest: storage.Manifest) -> None:
    for extract in EXTRACTS:
        files = manifest.tables.get(extract.table, [])
        if files:
            paths = ", ".join(f"'{root / f}'" for f in files)
            db.execute(f"CREATE OR REPLACE VIEW {extract.table} AS "
                       f"SELECT * FROM read_parquet([{paths}])").fetchall()
    db.execute(ANCESTRY_VIEW).fetchall()
    db.execute(PATHS_VIEW).fetchall()


# Each category with its top-level ancestor (reports group by top-level category).
ANCESTRY_VIEW = """
CREATE OR REPLACE VIEW category_tree AS
WITH RECURSIVE tree(category_id, top_id, top_name) AS (
    SELECT category_id, category_id, name FROM categories WHERE parent_id IS NULL
    UNION ALL
    SELECT c.category_id, t.top_id, t.top_name FROM categories c JOIN tree t ON c.parent_id = t.category_id
)
SELECT * FROM tree
"""
# Each category with every ancestor, itself included (a filter on a category covers its
# subtree).
PATHS_VIEW = """
CREATE OR REPLACE VIEW category_paths AS
WITH RECURSIVE paths(category_id, ancestor_id) AS (
    SELECT category_id, category_id FROM categories
    UNION ALL
    SELECT p.category_id, c.parent_id FROM paths p JOIN categories c ON c.category_id = p.ancestor_id
    WHERE c.parent_id IS NOT NULL
)
SELECT * FROM paths
"""
