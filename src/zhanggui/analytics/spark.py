"""The warehouse on Apache Spark: the reader's six functions (``query``, ``query_with_columns``,
``submit``, ``query_cached``, ``tables``, ``current_version``) with the same contracts, run by
Spark SQL over the same Parquet files (``ZHANGGUI_ANALYTICS_ENGINE = "spark"``; docs/spark.md).

One ``SparkSession`` per process, built from the settings: ``ZHANGGUI_SPARK_MASTER`` (local[2]
by default, or a cluster), ``ZHANGGUI_SPARK_CONF`` (a JSON object of further settings), the
session's time zone the shop's. Every table of the current manifest is a temporary view over
its files under ``ZHANGGUI_SPARK_WAREHOUSE_URI`` (by default the warehouse directory; an
``s3a://bucket/prefix`` the warehouse is synced to), registered when a query first reads it; a
derived table the manifest does not list is a view of its SQL (translated; a rollup among them
is cached once computed, as the DuckDB reader holds it in memory). When the manifest's version
changes the views are dropped and registered again; a query meanwhile waits, so it reads one
version whole.

Queries are the registry's DuckDB SQL, translated (``spark_sql``), and rows come back with
the Python types DuckDB gives: ``Decimal``, ``int``, ``float``, ``date``, naive ``datetime``
(shop time), ``str``, ``bool``, ``None``.
"""

import json
import logging
import threading
import time
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager

from django.conf import settings

from zhanggui.analytics import storage
from zhanggui.analytics.errors import WarehouseEmpty
from zhanggui.analytics.spark_sql import tables_of, translate

logger = logging.getLogger(__name__)

APP_NAME = "zhanggui-analytics"
POOL = 4  # queries of one report submitted side by side (Spark schedules their tasks)
# A manifest on object storage is looked at no more often than this (one request each time).
REMOTE_CHECK_SECONDS = 5.0

_lock = threading.Lock()
_state: dict = {"session": None, "stamp": None, "version": 0, "tables": frozenset(), "known": {},
                "registered": set(), "cached": set(), "cache": {}, "pool": None, "checked": 0.0, "base": None}
_version_lock = threading.Condition()
_register_lock = threading.RLock()
_readers = {"count": 0, "loading": False}


def base_conf() -> dict[str, str]:
    """The session's settings before ``ZHANGGUI_SPARK_CONF`` (which may override any)."""
    master = settings.ZHANGGUI_SPARK_MASTER or "local[2]"
    conf = {
        "spark.master": master, "spark.app.name": APP_NAME, "spark.ui.enabled": "false",
        "spark.sql.session.timeZone": settings.TIME_ZONE,
        # The warehouse's times are plain shop-local timestamps (DuckDB's TIMESTAMP).
        "spark.sql.timestampType": "TIMESTAMP_NTZ",
        "spark.sql.parquet.inferTimestampNTZ.enabled": "true",
        # DuckDB gives inf for x / 0 and NULL for nothing to cast; Spark's ANSI mode would fail
        # the query instead.
        "spark.sql.ansi.enabled": "false",
        "spark.sql.execution.arrow.pyspark.enabled": "false",
        "spark.ui.showConsoleProgress": "false",
        # The service policies' working hours are TIME columns (Spark 4.1+ behind this flag).
        "spark.sql.timeType.enabled": "true",
    }
    if master.startswith("local"):
        conf["spark.sql.shuffle.partitions"] = "4"  # the default 200 is for a cluster's data
        conf["spark.driver.bindAddress"] = "127.0.0.1"
        conf["spark.driver.host"] = "127.0.0.1"
    return conf


def extra_conf() -> dict[str, str]:
    raw = settings.ZHANGGUI_SPARK_CONF or "{}"
    extra = raw if isinstance(raw, dict) else json.loads(raw)
    return {str(key): str(value) for key, value in extra.items()}


def session():
    """This process's SparkSession (built on first use)."""
    with _lock:
        if _state["session"] is None:
            from pyspark.sql import SparkSession

            builder = SparkSession.builder
            for key, value in {**base_conf(), **extra_conf()}.items():
                builder = builder.config(key, value)
            started = time.perf_counter()
            _state["session"] = builder.getOrCreate()
            _state["session"].sparkContext.setLogLevel("ERROR")
            # PySpark logs every failed query's Java stack; the caller gets the exception.
            logging.getLogger("SQLQueryContextLogger").setLevel(logging.CRITICAL)
            logger.info("Spark session started in %.1f s", time.perf_counter() - started)
        return _state["session"]


def stop() -> None:
    """Stop the session (tests, and a process that no longer needs it)."""
    forget()
    with _lock:
        if _state["session"] is not None:
            _state["session"].stop()
        _state["session"] = None
        if _state["pool"] is not None:
            _state["pool"].shutdown(wait=False)
        _state["pool"] = None


def forget() -> None:
    """Drop this process's views and caches (the next query registers them again)."""
    with _lock:
        if _state["session"] is not None:
            _drop(_state["session"])
        _state.update(stamp=None, version=0, tables=frozenset(), known={}, registered=set(), cached=set(),
                      cache={}, checked=0.0, base=None)


def base_uri() -> str:
    """Where Spark reads the warehouse's files: the setting, else the warehouse directory."""
    uri = settings.ZHANGGUI_SPARK_WAREHOUSE_URI or storage.root().resolve().as_uri()
    return uri.rstrip("/")


def _remote(uri: str) -> bool:
    return not uri.startswith("file:")


def current_version() -> int:
    _ensure_loaded()
    return _state["version"]


def tables() -> frozenset[str]:
    """The tables and views the current version holds."""
    _ensure_loaded()
    return _state["tables"]


def query(sql: str, params: dict | list | None = None) -> list[tuple]:
    """Run a read-only query of the registry (DuckDB SQL) against the current version."""
    return query_with_columns(sql, params)[1]


def query_with_columns(sql: str, params: dict | list | None = None) -> tuple[list[str], list[tuple]]:
    spark = _ensure_loaded()
    statement = translate(sql)
    with _reading():
        _needs(spark, tables_of(sql))
        frame = spark.sql(statement, args=_args(params))
        columns = list(frame.columns)
        rows = _plain(frame).collect()
    return columns, [tuple(_value(v) for v in row) for row in rows]


def query_cached(sql: str) -> list[tuple]:
    """The rows of a small lookup, kept until another version is registered."""
    _ensure_loaded()
    version = _state["version"]
    if _state["cache"].get("version") != version:
        _state["cache"] = {"version": version}
    cache = _state["cache"]
    if sql not in cache:
        cache[sql] = query(sql)
    return cache[sql]


def submit(sql: str, params: dict | list | None = None) -> Future:
    """``query`` on one of ``POOL`` threads: the future of its rows."""
    _ensure_loaded()
    with _lock:
        if _state["pool"] is None:
            _state["pool"] = ThreadPoolExecutor(max_workers=POOL, thread_name_prefix="spark")
        pool = _state["pool"]
    return pool.submit(query, sql, params)


def _args(params: dict | list | tuple | None):
    if not params:
        return None
    return dict(params) if isinstance(params, dict) else list(params)


def _plain(frame):
    """The frame with any session-zone timestamp as a plain one (PySpark would hand it back
    in the Python process's zone): the fix-ups leave none, this is the safety net."""
    from pyspark.sql import functions
    from pyspark.sql.types import TimestampType

    if not any(type(f.dataType) is TimestampType for f in frame.schema.fields):
        return frame
    positional = frame.toDF(*[f"c{i}" for i in range(len(frame.columns))])
    return positional.select(*[
        functions.col(f"c{i}").cast("timestamp_ntz") if type(f.dataType) is TimestampType
        else functions.col(f"c{i}") for i, f in enumerate(frame.schema.fields)])


def _value(value):
    """A Spark value as DuckDB's Python client gives it (a struct as a dict)."""
    from pyspark.sql import Row

    if isinstance(value, Row):
        return {k: _value(v) for k, v in value.asDict().items()}
    if isinstance(value, list):
        return [_value(v) for v in value]
    if isinstance(value, dict):
        return {k: _value(v) for k, v in value.items()}
    if isinstance(value, bytearray):
        return bytes(value)
    return value


@contextmanager
def _reading():
    """Queries run while no version is being registered (and a registration waits for them)."""
    with _version_lock:
        while _readers["loading"]:
            _version_lock.wait()
        _readers["count"] += 1
    try:
        yield
    finally:
        with _version_lock:
            _readers["count"] -= 1
            _version_lock.notify_all()


def _stamp(uri: str):
    """The manifest's modification stamp (None: no warehouse yet)."""
    if not _remote(uri):
        return storage.manifest_stamp()
    spark = session()
    jvm = spark.sparkContext._jvm
    path = jvm.org.apache.hadoop.fs.Path(f"{uri}/manifest.json")
    fs = path.getFileSystem(spark.sparkContext._jsc.hadoopConfiguration())
    if not fs.exists(path):
        return None
    return fs.getFileStatus(path).getModificationTime()


def _read_manifest(uri: str) -> storage.Manifest | None:
    if not _remote(uri):
        return storage.read_manifest()
    spark = session()
    text = "\n".join(r.value for r in spark.read.text(f"{uri}/manifest.json", wholetext=True).collect())
    data = json.loads(text)
    known = storage.Manifest.__dataclass_fields__
    return storage.Manifest(**{k: v for k, v in data.items() if k in known})


def _ensure_loaded():
    """The session, with the current version's tables known (views are registered when a
    query first reads them: ``_needs``)."""
    uri = base_uri()
    spark = session()
    now = time.monotonic()
    if _state["base"] == uri and _state["stamp"] is not None and _remote(uri) \
            and now - _state["checked"] < REMOTE_CHECK_SECONDS:
        return spark
    stamp = _stamp(uri)
    _state["checked"] = now
    if stamp is None:
        raise WarehouseEmpty()
    if _state["stamp"] == stamp and _state["base"] == uri:
        return spark
    with _version_lock:
        if _state["stamp"] == stamp and _state["base"] == uri:
            return spark
        while _readers["loading"]:
            _version_lock.wait()
        _readers["loading"] = True
        while _readers["count"]:
            _version_lock.wait()
    try:
        if _state["stamp"] != stamp or _state["base"] != uri:
            manifest = _read_manifest(uri)
            if manifest is None:
                raise WarehouseEmpty()
            _drop(spark)
            known = known_tables(manifest)
            _state.update(stamp=stamp, base=uri, version=manifest.version, tables=frozenset(known),
                          known=known, registered=set(), cached=set())
    finally:
        with _version_lock:
            _readers["loading"] = False
            _version_lock.notify_all()
    return spark


def derived_tables() -> dict:
    """The warehouse's derived tables, in order (a table may read those above it)."""
    try:
        from zhanggui.analytics.rollups import DERIVED
    except ImportError:  # before the refresh wrote them as Parquet
        from zhanggui.analytics.reader import DERIVED
    return DERIVED


def known_tables(manifest: storage.Manifest) -> dict:
    """What each table of the version is: its files (``list``), or a derived table the
    manifest does not list (its definition), when its inputs are there."""
    known: dict = {table: files for table, files in manifest.tables.items() if files}
    for name, derived in derived_tables().items():
        if name not in known and derived.inputs <= known.keys():
            known[name] = derived
    return known


def _drop(spark) -> None:
    """Drop the views of the version before (and uncache its rollups)."""
    for name in _state.get("cached", ()):
        spark.catalog.uncacheTable(name)
    for name in _state.get("registered", ()):
        spark.catalog.dropTempView(name)


def _needs(spark, names) -> None:
    """Register the views of ``names`` (and of what they read) not registered yet."""
    known, registered = _state["known"], _state["registered"]
    with _register_lock:
        for name in names:
            if name in registered or name not in known:
                continue  # Spark reports an unknown table itself
            definition = known[name]
            if isinstance(definition, list):
                files = [f"{_state['base']}/{f}" for f in definition]
                spark.read.parquet(*files).createOrReplaceTempView(name)
            else:
                statement = translate(definition.sql)
                _needs(spark, (definition.inputs | tables_of(definition.sql)) - {name})
                spark.sql(f"CREATE OR REPLACE TEMPORARY VIEW {name} AS {statement}")
                if definition.rollup:  # computed once per version, as the DuckDB reader holds it
                    spark.sql(f"CACHE LAZY TABLE {name}")
                    _state["cached"].add(name)
            registered.add(name)
