"""Fill and refresh the analytics warehouse: Parquet files derived from the OLTP database.

``rebuild()`` writes every table from scratch; ``refresh()`` copies only what changed since
the last run (watermarks on ``updated_at`` for mutable rows, on the id for append-only rows,
each re-read with an overlap so rows committed late are not missed) and merges it by key,
so running it twice, or rebuilding, gives the same tables. Then the derived tables and
rollups are written from the new facts (``rollups.materialise``: kept, appended to or
rewritten). Both hold the warehouse lock and publish the new version by replacing the
manifest atomically (``storage``).
"""

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from time import perf_counter

import duckdb
import pyarrow as pa
from django.db import connection
from django.utils import timezone

from zhanggui.analytics import rollups, storage
from zhanggui.analytics.extract import EXTRACTS, TS, Extract, read_rows

# Re-read this far behind a watermark: a transaction that committed after the last refresh
# may carry an ``updated_at`` (or an id) from before it. Re-read rows are merged by key.
UPDATED_AT_OVERLAP = timedelta(minutes=10)
ID_OVERLAP = 10_000
# An append-only table grows by one Parquet part per refresh that brings new rows; when it
# has this many, the next refresh rewrites it as one file (few, large files scan fastest).
MAX_PARTS = 48
SQLITE_MAX_PARAMETERS = 900


@dataclass
class RunResult:
    kind: str  # "rebuild" | "refresh"
    version: int
    seconds: float
    rows: dict[str, int]  # rows read from the OLTP database, per table
    derived: dict[str, str] = field(default_factory=dict)  # derived table: kept, appended or written


def rebuild(directory: Path | None = None) -> RunResult:
    """Write the whole warehouse from scratch as a new version."""
    return _run("rebuild", directory)


def refresh(directory: Path | None = None) -> RunResult:
    """Bring the warehouse up to date incrementally (a rebuild when there is none yet)."""
    return _run("refresh", directory)


def _run(kind: str, directory: Path | None) -> RunResult:
    started = perf_counter()
    with storage.exclusive(directory) as root:
        current = storage.read_manifest(root)
        old = current if kind == "refresh" else None
        now = timezone.now().isoformat()
        new = storage.Manifest(
            version=(current.version if current else 0) + 1,
            built_at=old.built_at if old else now, refreshed_at=now,
            previous=sorted(current.files()) if current else [])
        db = duckdb.connect()
        db.execute("SET threads TO 2").fetchall()
        db.execute(f"SET TimeZone = '{timezone.get_current_timezone_name()}'").fetchall()
        read: dict[str, int] = {}
        changed: dict[str, list[int]] = {}
        try:
            for extract in EXTRACTS:
                read[extract.table] = _copy_table(db, extract, root, old, new, changed)
            derived = rollups.materialise(db, root, old, new, MAX_PARTS)
        finally:
            db.close()
        storage.write_manifest(new, root)
        storage.remove_unreferenced(new, root)
    return RunResult(kind="refresh" if old else "rebuild", version=new.version,
                     seconds=perf_counter() - started, rows=read, derived=derived)


def _copy_table(db: duckdb.DuckDBPyConnection, extract: Extract, root: Path,
                old: storage.Manifest | None, new: storage.Manifest,
                changed: dict[str, list[int]]) -> int:
    """Copy one table into the new version; returns how many rows were read."""
    delta = _read_delta(extract, old, changed)
    if extract.mode == "by_updated_at":
        changed[extract.table] = delta.column(extract.key).to_pylist()
    old_files = old.tables.get(extract.table, []) if old else []
    _carry_watermark(extract, delta, old, new)
    if old_files and delta.num_rows == 0 and extract.mode != "whole":
        new.tables[extract.table] = old_files
        new.rows[extract.table] = old.rows.get(extract.table, 0)
        return 0
    db.register("delta_arrow", delta)
    local = _local_select(extract, delta.schema)
    if old_files and extract.mode == "by_id":
        # Append a part; rows re-read inside the overlap are stored already.
        floor = min(delta.column(extract.key).to_pylist())
        fresh = (f"SELECT * FROM ({local}) WHERE {extract.key} NOT IN (SELECT {extract.key} "
                 f"FROM {_scan(root, old_files)} WHERE {extract.key} >= {int(floor)})")
        if not db.execute(f"SELECT count(*) FROM ({fresh})").fetchall()[0][0]:
            return _keep(extract, old, new, delta.num_rows)
        if len(old_files) < MAX_PARTS:
            path = f"{extract.table}/p{new.version:06d}.parquet"
            query = f"{fresh} ORDER BY {_sort_key(extract)}"
            files = [*old_files, path]
        else:  # compaction: the parts and the new rows become one file
            path = f"{extract.table}/c{new.version:06d}.parquet"
            query = f"SELECT * FROM {_scan(root, old_files)} UNION ALL {fresh} ORDER BY {_sort_key(extract)}"
            files = [path]
    elif old_files and extract.mode in ("by_updated_at", "whole") and _unchanged(
            db, root, extract, local, old_files):
        # Only rows re-read inside the overlap (or the whole table), exactly as stored.
        changed[extract.table] = []
        return _keep(extract, old, new, delta.num_rows)
    elif old_files and extract.mode != "whole":
        path = f"v{new.version:06d}/{extract.table}.parquet"
        match = extract.parent if extract.mode == "by_parent" else extract.key
        replaced = changed[extract.parent_table] if extract.mode == "by_parent" else None
        if replaced is not None:
            db.register("replaced_arrow", pa.table({"key": pa.array(replaced, pa.int64())}))
            keys = "SELECT key FROM replaced_arrow"
        else:
            keys = f"SELECT {extract.key} FROM delta_arrow"
        query = (f"SELECT * FROM {_scan(root, old_files)} WHERE {match} NOT IN ({keys}) "
                 f"UNION ALL {local} ORDER BY {_sort_key(extract)}")
        files = [path]
    else:
        folder, name = ((extract.table, f"p{new.version:06d}") if extract.mode == "by_id"
                        else (f"v{new.version:06d}", extract.table))
        path = f"{folder}/{name}.parquet"
        query = f"{local} ORDER BY {_sort_key(extract)}"
        files = [path]
    (root / path).parent.mkdir(parents=True, exist_ok=True)
    db.execute(f"COPY ({query}) TO '{root / path}' (FORMAT parquet, COMPRESSION zstd)").fetchall()
    new.tables[extract.table] = files
    new.rows[extract.table] = db.execute(f"SELECT count(*) FROM {_scan(root, files)}").fetchall()[0][0]
    return delta.num_rows


def _keep(extract: Extract, old: storage.Manifest, new: storage.Manifest, read: int) -> int:
    """The new version keeps the table's files as they are."""
    new.tables[extract.table] = old.tables[extract.table]
    new.rows[extract.table] = old.rows.get(extract.table, 0)
    return read


def _unchanged(db: duckdb.DuckDBPyConnection, root: Path, extract: Extract, local: str,
               old_files: list[str]) -> bool:
    """Whether the re-read rows are exactly the stored rows of their keys (of the whole
    table, for a table re-read whole): none new, none changed, none gone."""
    stored = f"SELECT * FROM {_scan(root, old_files)}"
    if extract.mode != "whole":
        stored += f" WHERE {extract.key} IN (SELECT {extract.key} FROM delta_arrow)"
    read, kept, different = db.execute(
        f"SELECT (SELECT count(*) FROM ({local})), (SELECT count(*) FROM ({stored})), "
        f"(SELECT count(*) FROM ({local} EXCEPT {stored}))").fetchall()[0]
    return read == kept and different == 0


def _carry_watermark(extract: Extract, delta: pa.Table, old: storage.Manifest | None,
                     new: storage.Manifest) -> None:
    mark = old.watermarks.get(extract.table) if old else None
    if extract.mode in ("by_updated_at", "by_id") and delta.num_rows:
        column = "id" if extract.mode == "by_id" else "updated_at"
        values = [v for v in delta.column(_watermark_column(extract, column)).to_pylist() if v]
        latest = max(values)
        latest = latest if isinstance(latest, int) else _as_iso(latest)
        mark = latest if mark is None else max(mark, latest, key=_order_key)
    if mark is not None:
        new.watermarks[extract.table] = mark


def _watermark_column(extract: Extract, column: str) -> str:
    return extract.key if column == "id" else "updated_at"


def _order_key(value):
    return value if isinstance(value, int) else datetime.fromisoformat(str(value))


def _as_iso(value) -> str:
    """A UTC ISO timestamp from what the database driver returned."""
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    if timezone.is_naive(value):
        value = timezone.make_aware(value, UTC)
    return value.astimezone(UTC).isoformat()


def _read_delta(extract: Extract, old: storage.Manifest | None,
                changed: dict[str, list[int]]) -> pa.Table:
    alias = extract.select.split(" FROM ", 1)[1].split()[1]
    mark = old.watermarks.get(extract.table) if old else None
    if old is None or extract.mode == "whole":
        batches = read_rows(extract)
    elif extract.mode == "by_parent":
        batches = _rows_for_parents(extract, alias, changed.get(extract.parent_table, []))
    elif mark is None:
        batches = read_rows(extract)
    elif extract.mode == "by_id":
        batches = read_rows(extract, where=f"{alias}.id > %s",
                            params=(max(int(mark) - ID_OVERLAP, 0),))
    else:
        since = datetime.fromisoformat(str(mark)) - UPDATED_AT_OVERLAP
        batches = read_rows(extract, where=extract.changed_since or f"{extract.watermark} > %s",
                            params=(connection.ops.adapt_datetimefield_value(since),))
    # Each batch becomes Arrow columns at once (a tenth of the memory of Python rows); the
    # batches' types are unified at the end (a column all NULL in one batch takes the type
    # the others have).
    tables = [pa.table([_array(list(values)) for values in zip(*rows, strict=True)], names=extract.names)
              for rows in batches]
    if not tables:
        return pa.table([pa.nulls(0) for _ in extract.columns], names=extract.names)
    return pa.concat_tables(tables, promote_options="permissive")


def _array(values: list) -> pa.Array:
    if not any(v is not None for v in values):
        return pa.nulls(len(values))
    return pa.array(values)


def _rows_for_parents(extract: Extract, alias: str, parents: list[int]):
    for start in range(0, len(parents), SQLITE_MAX_PARAMETERS):
        chunk = parents[start:start + SQLITE_MAX_PARAMETERS]
        marks = ", ".join(["%s"] * len(chunk))
        yield from read_rows(extract, where=f"{alias}.{extract.parent} IN ({marks})",
                             params=tuple(chunk))


def _local_select(extract: Extract, schema: pa.Schema) -> str:
    """Cast the raw columns to the warehouse types; times become shop-local timestamps.

    SQLite returns times as UTC text, PostgreSQL as aware datetimes: both end up as naive
    timestamps in the shop's time zone (the connection's ``TimeZone``).
    """
    parts = []
    for (name, kind), arrow_field in zip(extract.columns, schema, strict=True):
        if kind == TS and pa.types.is_timestamp(arrow_field.type) and arrow_field.type.tz:
            expression = f"CAST({name} AS TIMESTAMPTZ)::TIMESTAMP"
        elif kind == TS:
            expression = f"timezone('UTC', CAST({name} AS TIMESTAMP))::TIMESTAMP"
        else:
            expression = f"CAST({name} AS {kind})"
        if name == "updated_at":
            expression = f"CAST({name} AS VARCHAR)"  # kept as read: only the watermark uses it
        parts.append(f"{expression} AS {name}")
    return f"SELECT {', '.join(parts)} FROM delta_arrow"


def _sort_key(extract: Extract) -> str:
    # Time-ordered files let DuckDB skip row groups outside a report's period.
    for column in ("paid_at", "occurred_at", "created_at", "requested_at"):
        if column in extract.names:
            return f"{column}, {extract.key}"
    return extract.key


def _scan(root: Path, files: list[str]) -> str:
    return "read_parquet([" + ", ".join(f"'{root / f}'" for f in files) + "])"
