"""The five reports on Apache Spark and on DuckDB over one warehouse: the same numbers, and
how long each takes.

    .venv/bin/python benchmarks/analytics.py --orders 20000 --events 200000 --keep DIR
    .venv/bin/python benchmarks/analytics_spark.py --warehouse DIR

``DIR`` is what ``benchmarks/analytics.py --keep DIR`` left: ``DIR/var`` (its SQLite database
and settings) and ``DIR/warehouse``. Each report of ``reports.REPORTS``' five (overview,
traffic, sales, customers, aftersales) runs on the 30 days ending today, as in
``benchmarks/analytics.py``: once on each engine, compared (counts and Decimal money exactly,
floats within 1e-9; rows that tie in a table's order
sorted, ``canonical``), then ``--runs`` warm runs each, interleaved; the median is printed.
The Spark session's start, the views' registration and the first (cold) runs go to stderr.

Prints one JSON line: ``{"reports_equal": true, "spark_seconds": {report: s, …},
"duckdb_seconds": {report: s, …}}``; exits non-zero when a report's numbers differ.
"""

import argparse
import json
import os
import statistics
import sys
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))
sys.path.insert(0, str(ROOT / "src"))

FIVE = ("overview", "traffic", "sales", "customers", "aftersales")


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S', time.gmtime())} UTC] {message}", file=sys.stderr, flush=True)


def setup_django(directory: Path) -> None:
    """The settings ``benchmarks/analytics.py --keep`` ran with (its database, its warehouse)."""
    os.environ["DJANGO_SETTINGS_MODULE"] = "zhanggui.settings"
    os.environ["ZHANGGUI_VAR_DIR"] = str(directory / "var")
    os.environ["ZHANGGUI_WAREHOUSE_DIR"] = str(directory / "warehouse")
    os.environ.pop("DATABASE_URL", None)
    import django

    django.setup()


def run(args) -> dict:
    directory = Path(args.warehouse).resolve()
    if not (directory / "warehouse" / "manifest.json").exists():
        sys.exit(f"no warehouse in {directory} (benchmarks/analytics.py --keep {directory} makes one)")
    setup_django(directory)
    from django.conf import settings
    from django.utils import timezone

    from zhanggui.analytics import reader, reports, spark
    from zhanggui.analytics.engine import Filters
    from zhanggui.analytics.report_compare import canonical, differences
    from zhanggui.analytics.rules import Period

    today = timezone.localdate()
    period = Period("current", today - timedelta(days=29), today + timedelta(days=1))
    engines = {}

    def on(engine: str, name: str) -> dict:
        settings.ZHANGGUI_ANALYTICS_ENGINE = engine
        return canonical(reports.REPORTS[name](period, None, Filters()).as_dict())

    started = time.perf_counter()
    spark.session()
    log(f"Spark session ({settings.ZHANGGUI_SPARK_MASTER}): started in {time.perf_counter() - started:.1f} s")
    settings.ZHANGGUI_ANALYTICS_ENGINE = "spark"
    started = time.perf_counter()
    version = reader.current_version()
    log(f"Spark views of version {version}: {time.perf_counter() - started:.1f} s; "
        f"{len(spark.tables())} tables and views")
    settings.ZHANGGUI_ANALYTICS_ENGINE = "duckdb"
    started = time.perf_counter()
    reader.current_version()
    log(f"DuckDB reader load: {time.perf_counter() - started:.1f} s")
    equal = True
    for name in FIVE:
        for engine in ("duckdb", "spark"):
            started = time.perf_counter()
            engines[engine] = on(engine, name)
            log(f"  {name} on {engine}, cold: {time.perf_counter() - started:.2f} s")
        found = differences(engines["duckdb"], engines["spark"])
        if found:
            equal = False
            log(f"  {name}: Spark differs from DuckDB in {len(found)} places: {found[:10]}")
    timings: dict = {"spark": {}, "duckdb": {}}
    for name in FIVE:
        runs: dict = {"spark": [], "duckdb": []}
        for _ in range(args.runs):
            for engine in runs:
                started = time.perf_counter()
                on(engine, name)
                runs[engine].append(time.perf_counter() - started)
        for engine, seconds in runs.items():
            timings[engine][name] = round(statistics.median(seconds), 4)
        log(f"  {name}: spark {timings['spark'][name]} s, duckdb {timings['duckdb'][name]} s")
    spark.stop()
    return {"reports_equal": equal, "spark_seconds": timings["spark"], "duckdb_seconds": timings["duckdb"]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--warehouse", required=True,
                        help="a directory kept by benchmarks/analytics.py --keep")
    parser.add_argument("--runs", type=int, default=3, help="warm runs per report and engine (median)")
    result = run(parser.parse_args())
    print(json.dumps(result))
    if not result["reports_equal"]:
        sys.exit("Spark's numbers differ from DuckDB's (see stderr)")


if __name__ == "__main__":
    main()
