"""A PostgreSQL store with 1,000,000 orders for the console benchmark (benchmarks/console.py).

The demo seeder writes a consistent store of ~31,000 orders (scale 1) in about a minute;
this script then copies its orders, with their lines, payments, shipments, stock
movements, reservations and operation-log entries, in SQL (``INSERT … SELECT`` over
``generate_series``) until the store holds ``ORDERS`` orders. Copy ``k`` shifts every id by
``k`` times the table's largest id, suffixes order numbers, tracking numbers and references
with ``-k`` and moves every time back by ``k`` × 17 minutes, so statuses, channels,
carriers, warehouses and the two years of dates keep the demo's mix. Personal data columns
are copied as they are (ciphertext and blind index).

Idempotent: a database that already holds ``ORDERS`` orders is reused as it is. Run on its
own it prints one JSON line: ``{"orders": …, "built": true|false, "seconds": …}``.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/zg_bench_console \
        .venv/bin/python benchmarks/console_data.py
"""

import json
import os
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit

import psycopg
from psycopg import sql

ORDERS = 1_000_000
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/zg_bench_console"
SEED_TODAY = "2026-12-01"
ROOT = Path(__file__).resolve().parent.parent
ZHANGGUI = ROOT / ".venv" / "bin" / "zhanggui"

# table -> (id-shifted foreign keys to orders, text columns suffixed with "-k",
#           timestamp columns moved back)
ORDER_ID = "order_id"
CLONED = {
    "orders_orderline": ((ORDER_ID,), (), ()),
    "orders_payment": ((ORDER_ID,), ("transaction_id",), ("created_at",)),
    "fulfillment_shipment": ((ORDER_ID,), ("tracking_number",),
                             ("created_at", "updated_at", "shipped_at", "delivered_at")),
    "inventory_stockmovement": ((), ("reference",), ("created_at",)),
    "inventory_reservation": ((), ("reference",), ("created_at", "closed_at")),
    "accounts_operationlog": ((), ("object_repr",), ("created_at",)),
}
ORDER_TIMES = ("created_at", "updated_at", "placed_at", "paid_at", "reviewed_at", "shipped_at",
               "delivered_at", "completed_at", "cancelled_at", "closed_at")
ORDER_SUFFIXED = ("number", "external_id")
# Operation-log entries whose object_id is an order's or a shipment's id.
LOG_OBJECT_TABLES = {"orders.order": "orders_order", "fulfillment.shipment":
                     "fulfillment_shipment", "orders.payment": "orders_payment"}


def _log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def _admin_url(url: str) -> tuple[str, str]:
    parts = urlsplit(url)
    return parts._replace(path="/postgres").geturl(), parts.path.lstrip("/")


def _database_exists(url: str) -> bool:
    admin_url, name = _admin_url(url)
    with psycopg.connect(admin_url, autocommit=True) as connection:
        return connection.execute("SELECT 1 FROM pg_database WHERE datname = %s",
                                  [name]).fetchone() is not None


def _order_count(url: str) -> int:
    with psycopg.connect(url) as connection:
        row = connection.execute("SELECT to_regclass('orders_order')").fetchone()
        if row[0] is None:
            return 0
        return connection.execute("SELECT count(*) FROM orders_order").fetchone()[0]


def _seed(url: str) -> None:
    admin_url, name = _admin_url(url)
    with psycopg.connect(admin_url, autocommit=True) as connection:
        connection.execute(sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(name)))
        connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    env = {**os.environ, "DATABASE_URL": url}
    for command in (["migrate", "-v0"], ["seed_demo", "--scale", "1", "--today", SEED_TODAY]):
        subprocess.run([str(ZHANGGUI), *command], env=env, check=True, stdout=sys.stderr)


def _suffixed(column: str) -> sql.Composable:
    # Empty stays empty (unique constraints skip it); otherwise "<value>-<k>".
    return sql.SQL("CASE WHEN {c} = '' THEN {c} ELSE {c} || '-' || copy.k END").format(
        c=sql.Identifier(column))


def _moved(column: str) -> sql.Composable:
    return sql.SQL("{c} - copy.k * interval '17 minutes'").format(c=sql.Identifier(column))


def _columns(cursor, table: str) -> list[str]:
    cursor.execute("SELECT column_name FROM information_schema.columns WHERE table_name = %s "
                   "ORDER BY ordinal_position", [table])
    return [row[0] for row in cursor.fetchall()]


def _clone(cursor, table: str, *, copies: int, order_shift: int, limit: str = "",
           shifted: tuple = (), suffixed: tuple = (), moved: tuple = (),
           extra: dict | None = None) -> None:
    """Insert ``copies`` copies of ``table``'s original rows (id ≤ the original maximum)."""
    started = time.perf_counter()
    cursor.execute(sql.SQL("SELECT coalesce(max(id), 0) FROM {}").format(sql.Identifier(table)))
    shift = cursor.fetchone()[0]
    columns = _columns(cursor, table)
    values = []
    for column in columns:
        if column == "id":
            values.append(sql.SQL("id + copy.k * {}").format(sql.Literal(shift)))
        elif column in shifted:
            values.append(sql.SQL("{} + copy.k * {}").format(sql.Identifier(column),
                                                           sql.Literal(order_shift)))
        elif column in suffixed:
            values.append(_suffixed(column))
        elif column in moved:
            values.append(_moved(column))
        elif extra and column in extra:
            values.append(extra[column])
        else:
            values.append(sql.Identifier(column))
    statement = sql.SQL(
        "INSERT INTO {table} ({columns}) SELECT {values} FROM {table} "
        "CROSS JOIN generate_series(1, {copies}) AS copy(k) {limit}").format(
        table=sql.Identifier(table), columns=sql.SQL(", ").join(map(sql.Identifier, columns)),
        values=sql.SQL(", ").join(values), copies=sql.Literal(copies), limit=sql.SQL(limit))
    cursor.execute(statement)
    inserted = cursor.rowcount
    cursor.execute(sql.SQL("SELECT setval(pg_get_serial_sequence({t}, 'id'), max(id)) FROM {i}")
                   .format(t=sql.Literal(table), i=sql.Identifier(table)))
    _log(f"  {table:<28} +{inserted:>9} rows "
         f"in {time.perf_counter() - started:5.1f} s")


def _log_object_id(cursor) -> sql.Composable:
    """object_id of a copied log entry: shifted like the object it is about."""
    cases = []
    for object_type, table in LOG_OBJECT_TABLES.items():
        cursor.execute(sql.SQL("SELECT coalesce(max(id), 0) FROM {}").format(sql.Identifier(table)))
        shift = cursor.fetchone()[0]
        cases.append(sql.SQL("WHEN object_type = {t} AND object_id ~ '^[0-9]+$' "
                             "THEN (object_id::bigint + copy.k * {s})::text").format(
            t=sql.Literal(object_type), s=sql.Literal(shift)))
    return sql.SQL("CASE {} ELSE object_id END").format(sql.SQL(" ").join(cases))


def _multiply(url: str) -> None:
    with psycopg.connect(url) as connection, connection.cursor() as cursor:
        cursor.execute("SELECT count(*), max(id) FROM orders_order")
        seeded, order_shift = cursor.fetchone()
        copies = -(-ORDERS // seeded) - 1
        _log(f"copying {seeded} seeded orders {copies} times")
        cursor.execute("SET synchronous_commit = off")
        # The copies of the log must be computed before the orders' maximum id moves.
        log_object_id = _log_object_id(cursor)
        # Exactly ORDERS orders: the last copy stops early; rows of other tables whose order
        # was left out are left out too.
        kept = f"WHERE copy.k * {order_shift} + id <= {order_shift} * {copies} + " \
               f"(SELECT id FROM orders_order ORDER BY id OFFSET {ORDERS - seeded * copies - 1}" \
               f" LIMIT 1)" if ORDERS % seeded else ""
        for table, (shifted, suffixed, moved) in CLONED.items():
            limit = ""
            if kept and shifted:
                limit = kept.replace("+ id", "+ order_id")
            extra = {"object_id": log_object_id} if table == "accounts_operationlog" else None
            _clone(cursor, table, copies=copies, order_shift=order_shift, limit=limit,
                   shifted=shifted, suffixed=suffixed, moved=moved, extra=extra)
        _clone(cursor, "orders_order", copies=copies, order_shift=order_shift, limit=kept,
               suffixed=ORDER_SUFFIXED, moved=ORDER_TIMES)
        connection.commit()
    with psycopg.connect(url, autocommit=True) as connection:
        connection.execute("VACUUM ANALYZE")


def ensure(url: str = DEFAULT_URL) -> dict:
    """Build the benchmark store at ``url`` unless it already holds ``ORDERS`` orders."""
    started = time.perf_counter()
    count = _order_count(url) if _database_exists(url) else 0
    built = count < ORDERS
    if built:
        _log(f"building {ORDERS} orders in {_admin_url(url)[1]} (found {count})")
        _seed(url)
        _multiply(url)
        count = _order_count(url)
    return {"orders": count, "built": built, "seconds": round(time.perf_counter() - started, 1)}


if __name__ == "__main__":
    print(json.dumps(ensure(os.environ.get("DATABASE_URL", DEFAULT_URL))))
