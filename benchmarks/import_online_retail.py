"""Import the UCI Online Retail file (541,909 invoice lines) on SQLite and PostgreSQL.

    .venv/bin/python benchmarks/import_online_retail.py

Prints a JSON list, one object per database: backend, rows, seconds, rows_per_second,
peak_rss_mb, and the pandas baseline measured in the same run (pandas_read_seconds: the
time ``pandas.read_csv`` takes just to read the same file, and ratio_to_pandas_read).
Each database is imported in a fresh process (``--worker``) through the same code path
as ``zhanggui import orders FILE --format online_retail``, into a scratch database that
is migrated first: a temporary SQLite file, and the PostgreSQL database
``zhanggui_bench`` (dropped and re-created; server from ``BENCH_POSTGRES_URL``, default
``postgres://postgres@127.0.0.1:5432``). Target: ≤ 120 s and ≤ 1 GB each.
Skips cleanly (a JSON note, exit 0) when the data set is absent.
"""

import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATASET = ROOT.parent / "shared" / "datasets" / "online_retail" / "online_retail.csv.gz"
POSTGRES_SERVER = os.environ.get("BENCH_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432")
POSTGRES_DATABASE = "zhanggui_bench"


def pandas_read_seconds() -> float:
    import pandas as pd

    started = time.perf_counter()
    frame = pd.read_csv(DATASET, dtype={"InvoiceNo": str, "StockCode": str, "CustomerID": str})
    seconds = time.perf_counter() - started
    assert len(frame) == 541_909
    return seconds


def recreate_postgres_database() -> str | None:
    """A fresh scratch database; None when no PostgreSQL server answers."""
    try:
        import psycopg

        with psycopg.connect(f"{POSTGRES_SERVER}/postgres", autocommit=True, connect_timeout=5) as db:
            db.execute(f"DROP DATABASE IF EXISTS {POSTGRES_DATABASE}")
            db.execute(f"CREATE DATABASE {POSTGRES_DATABASE}")
    except Exception as error:  # no server, no driver, no rights: report and go on
        print(f"PostgreSQL skipped: {error}", file=sys.stderr)
        return None
    return f"{POSTGRES_SERVER}/{POSTGRES_DATABASE}"


def run_worker(backend: str, database_url: str | None, var_dir: str) -> dict:
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "zhanggui.settings", "ZHANGGUI_VAR_DIR": var_dir}
    env.pop("DATABASE_URL", None)
    if database_url:
        env["DATABASE_URL"] = database_url
    done = subprocess.run([sys.executable, __file__, "--worker", backend], env=env, cwd=ROOT,
                          capture_output=True, text=True, check=False)
    if done.returncode != 0:
        return {"backend": backend, "error": done.stderr.strip()[-2000:]}
    return json.loads(done.stdout.strip().splitlines()[-1])


def worker(backend: str) -> None:
    """Migrate the scratch database, import the file, print one JSON object."""
    import django

    django.setup()
    from django.core.management import call_command

    from zhanggui.imports.models import ImportRun

    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    call_command("import", "orders", str(DATASET), format_name="online_retail", no_progress=True,
                 verbosity=0, stdout=open(os.devnull, "w"))  # noqa: SIM115
    seconds = time.perf_counter() - started
    run = ImportRun.objects.latest("pk")
    peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(json.dumps({
        "backend": backend, "rows": run.rows_read, "seconds": round(seconds, 2),
        "rows_per_second": round(run.rows_read / seconds), "peak_rss_mb": round(peak_kb / 1024, 1),
        "status": run.status, "orders_created": run.created_count,
        "lines_created": run.details["counts"].get("lines_created", 0),
    }))


def main() -> None:
    if not DATASET.exists():
        print(json.dumps([{"skipped": True, "reason": f"data set not found: {DATASET}"}]))
        return
    baseline = pandas_read_seconds()
    results = []
    with tempfile.TemporaryDirectory(prefix="zhanggui-bench-") as scratch:
        results.append(run_worker("sqlite", None, str(Path(scratch) / "sqlite")))
        postgres_url = recreate_postgres_database()
        if postgres_url:
            results.append(run_worker("postgresql", postgres_url, str(Path(scratch) / "postgres")))
        else:
            results.append({"backend": "postgresql", "skipped": True, "reason": "no server"})
    for result in results:
        if "seconds" in result:
            result["pandas_read_seconds"] = round(baseline, 2)
            result["ratio_to_pandas_read"] = round(result["seconds"] / baseline, 1)
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--worker":
        worker(sys.argv[2])
    else:
        main()
