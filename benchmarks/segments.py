"""Benchmark of segments at a million customers.

    .venv/bin/python benchmarks/segments.py                      # 1,000,000 customers
    .venv/bin/python benchmarks/segments.py --customers 50000    # quick check

1. Migrates a throw-away SQLite database (``benchmarks/analytics.py``'s ``setup_django``) and
   writes the customers into it with raw ``executemany`` (the members stored refer to them).
2. Fabricates the warehouse tables the segments read straight as Parquet with DuckDB SQL
   (deterministic hashes, not Python loops): customer profiles (gender, birthday, province,
   channel), tags, memberships, about 2.5 orders per customer over two years (some unpaid,
   some cancelled), refunds, and 60 days of behaviour events; then publishes a manifest, as a
   refresh would.
3. ``segment_seconds``: one 4-condition segment with an RFM and a lifecycle stage evaluated
   from those tables (``segment_refresh.evaluate_one``: the features it tests computed and
   its condition applied in one query — what the preview does). The baseline, in the
   same run and on the same connection settings: a hand-written DuckDB query computing just
   what that segment needs; both must select the same customers (asserted); its time and the
   ratio go to stderr.
4. ``materialise_seconds``: ``segment_refresh.refresh_segments`` for the demo's definitions
   (``demo.segments_seed.DEFINITIONS``): features once, every segment evaluated, members
   written to the database through ``replace_segment_members`` (the first evaluation: every
   member is new, the largest write). The customer scores (written for every customer) and a
   second evaluation (the steady state: only the difference is written) are timed to stderr.

5. ``send_per_second``: the campaigns' outbox delivering queued e-mails to a local SMTP sink
   (aiosmtpd) with 2 workers (threads, each with its own database connection), through
   ``marketing.outbox.deliver`` — claim, send through Django's SMTP backend, record — as the
   Celery task does; every message must reach the sink exactly once (asserted).

Prints one JSON line on stdout: ``customers``, ``segment_seconds``, ``materialise_seconds``,
``send_per_second``.
"""

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "src"))

from benchmarks.analytics import PROVINCE_WEIGHT, complete_insert, log, setup_django  # noqa: E402

SEGMENT = {"match": "all", "conditions": [
    {"field": "rfm_segment", "op": "in", "value": ["important_value", "important_retention"]},
    {"field": "lifecycle_stage", "op": "in", "value": ["active", "at_risk"]},
    {"field": "gender", "op": "eq", "value": "female"},
    {"field": "province_code", "op": "in", "value": ["320000", "330000", "310000", "440000"]}]}

# The same segment by hand: only the columns it needs, RFM means over the same buyers.
BASELINE = """
WITH buyers AS (
    SELECT o.customer_id, count(*) AS f, sum(o.paid_amount) AS m, min(o.paid_at) AS first_at,
           date_diff('day', CAST(max(o.paid_at) AS DATE), $today) AS r
    FROM orders o JOIN customer_profiles p ON p.customer_id = o.customer_id AND NOT p.is_guest
    WHERE o.paid_at IS NOT NULL AND o.paid_at < $now AND o.status <> 'cancelled'
    GROUP BY o.customer_id
), means AS (SELECT avg(r) AS r, avg(f) AS f, avg(m) AS m FROM buyers)
SELECT b.customer_id FROM buyers b, means, customer_profiles p
WHERE p.customer_id = b.customer_id AND p.gender = 'female'
  AND p.province_code IN ('320000', '330000', '310000', '440000')
  AND b.m > means.m AND b.f > means.f
  AND date_diff('day', CAST(b.first_at AS DATE), $today) >= $new_days
  AND b.r <= $at_risk_days
"""


def fabricate(root: Path, customers: int, now_local) -> dict[str, int]:
    """Write the six tables as Parquet under ``root`` and publish a manifest."""
    import duckdb

    from zhanggui.analytics import storage
    from zhanggui.analytics.extract import EXTRACTS

    provinces = [code for code, weight in PROVINCE_WEIGHT.items() for _ in range(weight)] + [
        "410000", "500000", "610000", "530000"]
    db = duckdb.connect()
    db.execute("SET TimeZone = 'UTC'")
    n, now = customers, f"TIMESTAMP '{now_local:%Y-%m-%d %H:%M:%S}'"
    folder = root / "v000001"
    folder.mkdir(parents=True, exist_ok=True)
    province_list = "[" + ", ".join(f"'{p}'" for p in provinces) + "]"
    selects = {
        "customer_profiles": f"""
            SELECT i AS customer_id,
                   CASE WHEN hash(i, 1) % 10 < 5 THEN 'female' WHEN hash(i, 1) % 10 < 9 THEN 'male'
                        ELSE '' END AS gender,
                   CASE WHEN hash(i, 2) % 10 < 7 THEN DATE '1960-01-01' + CAST(hash(i, 3) % 17000 AS INTEGER)
                        END AS birthday,
                   {province_list}[1 + CAST(hash(i, 4) % {len(provinces)} AS INTEGER)] AS province_code,
                   '' AS city, CASE WHEN hash(i, 5) % 4 = 0 THEN 'douyin' ELSE 'own' END AS channel,
                   false AS is_guest, {now} - INTERVAL (hash(i, 6) % 900) DAY AS created_at,
                   '' AS updated_at
            FROM range(1, {n} + 1) t(i)""",
        "customer_tags": f"""
            SELECT row_number() OVER () AS customer_tag_id, customer_id, tag FROM (
                SELECT 1 + hash(j, 7) % {n} AS customer_id,
                       ['VIP', '团长', '老客', '敏感价格', '大码'][1 + CAST(hash(j, 8) % 5 AS INTEGER)] AS tag
                FROM range({n // 3}) t(j)) GROUP BY ALL""",
        "memberships": f"""
            SELECT i AS membership_id, i AS customer_id,
                   ['normal', 'silver', 'gold'][1 + CAST(hash(i, 9) % 3 AS INTEGER)] AS tier_code,
                   CAST(hash(i, 9) % 3 AS INTEGER) AS tier_rank, '' AS updated_at
            FROM range(1, {n} + 1) t(i) WHERE hash(i, 10) % 5 = 0""",
        "orders": f"""
            SELECT j AS order_id, 'B' || j AS number,
                   1 + CAST(floor({n} * pow(CAST(hash(j, 11) % 1000000 AS DOUBLE) / 1000000, 1.4)) AS BIGINT)
                       AS customer_id,
                   'own' AS channel,
                   CASE WHEN hash(j, 12) % 100 < 5 THEN 'closed' WHEN hash(j, 12) % 100 < 8 THEN 'cancelled'
                        ELSE 'completed' END AS status,
                   '330000' AS province_code, false AS is_imported,
                   CAST((hash(j, 13) % 60000) / 100.0 + 9.9 AS DECIMAL(14,2)) AS goods_amount,
                   CAST(0 AS DECIMAL(14,2)) AS discount_amount, CAST(0 AS DECIMAL(14,2)) AS shipping_amount,
                   CAST((hash(j, 13) % 60000) / 100.0 + 9.9 AS DECIMAL(14,2)) AS total_amount,
                   CASE WHEN hash(j, 12) % 100 >= 5
                        THEN CAST((hash(j, 13) % 60000) / 100.0 + 9.9 AS DECIMAL(14,2)) ELSE 0 END
                       AS paid_amount,
                   CAST(0 AS DECIMAL(14,2)) AS refunded_amount,
                   {now} - INTERVAL (hash(j, 14) % (730 * 24 * 60)) MINUTE AS placed_at,
                   CASE WHEN hash(j, 12) % 100 >= 5
                        THEN {now} - INTERVAL (hash(j, 14) % (730 * 24 * 60)) MINUTE + INTERVAL 5 MINUTE
                        END AS paid_at,
                   NULL::TIMESTAMP AS cancelled_at, false AS customer_is_guest, '' AS updated_at
            FROM range(1, {n * 5 // 2} + 1) t(j)""",
        "refunds": f"""
            SELECT j AS refund_id, 1 + hash(j, 15) % {n * 5 // 2} AS order_id, NULL::BIGINT AS request_id,
                   CAST(10 AS DECIMAL(14,2)) AS amount, {now} - INTERVAL (hash(j, 16) % 700) DAY AS created_at
            FROM range(1, {n // 10} + 1) t(j)""",
        "events": f"""
            SELECT j AS id,
                   ['page_view', 'product_view', 'product_view', 'add_to_cart', 'search', 'favorite']
                       [1 + CAST(hash(j, 17) % 6 AS INTEGER)] AS kind,
                   'v' || (hash(j, 18) % {n}) AS visitor_id, 's' || (j // 6) AS session_id,
                   CASE WHEN hash(j, 19) % 10 < 4 THEN 1 + hash(j, 18) % {n} END AS customer_id,
                   1 + hash(j, 20) % 5000 AS product_id, NULL::BIGINT AS order_id, '' AS search_term,
                   NULL::INTEGER AS result_count, 'search' AS source, 'own' AS channel, 'mobile' AS device,
                   {now} - INTERVAL (hash(j, 21) % (60 * 24 * 60)) MINUTE AS occurred_at
            FROM range(1, {n * 5} + 1) t(j)""",
    }
    stamp = now_local.isoformat()
    manifest = storage.Manifest(version=1, built_at=stamp, refreshed_at=stamp)
    types = {e.table: dict(e.columns) for e in EXTRACTS}
    for table, select in selects.items():
        columns = ", ".join(f"CAST({name} AS {'VARCHAR' if name == 'updated_at' else kind}) AS {name}"
                            for name, kind in types[table].items())
        path = folder / f"{table}.parquet"
        db.execute(f"COPY (SELECT {columns} FROM ({select})) TO '{path}' (FORMAT parquet, COMPRESSION zstd)")
        manifest.tables[table] = [f"v000001/{table}.parquet"]
        manifest.rows[table] = db.execute(f"SELECT count(*) FROM '{path}'").fetchone()[0]
    storage.write_manifest(manifest, root)
    return manifest.rows


CUSTOMER_SQL = ("INSERT INTO customers_customer (id, created_at, updated_at, code, nickname, name, phone, "
                "email, gender, birthday, province_code, city, channel, note, country) "
                "VALUES (?, ?, ?, ?, ?, '', '', '', '', NULL, '', '', 'own', '', '')")


def write_customers(n: int) -> None:
    from django.db import connection, transaction

    with transaction.atomic():
        raw = connection.connection
        sql = complete_insert(raw, CUSTOMER_SQL)
        stamp = "2025-01-01 00:00:00"
        for start in range(1, n + 1, 100_000):
            raw.executemany(sql, [(i, stamp, stamp, f"C{i:08d}", f"顾客{i}")
                                  for i in range(start, min(start + 100_000, n + 1))])


def measure_send_rate(count: int, workers: int = 2) -> float:
    """Messages per second the outbox delivers to a local SMTP sink with ``workers`` threads."""
    import socket
    import threading

    from aiosmtpd.controller import Controller
    from django.conf import settings
    from django.db import connections
    from django.utils import timezone

    from zhanggui.customers.models import Customer
    from zhanggui.marketing import outbox
    from zhanggui.marketing.models import Message, MessageStatus

    class Sink:
        received = 0

        async def handle_DATA(self, server, session, envelope):  # aiosmtpd's hook name
            Sink.received += 1
            return "250 Message accepted for delivery"

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(Sink(), hostname="127.0.0.1", port=port)
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_USE_TLS = "127.0.0.1", port, False
    customers = Customer.objects.bulk_create(
        [Customer(code=f"MAIL{i:07d}", nickname=f"订阅者{i}", email=f"reader{i}@example.com")
         for i in range(count)], batch_size=1000)
    now = timezone.now()
    Message.objects.bulk_create(
        [Message(idempotency_key=f"bench:{c.pk}", customer=c, channel="email",
                 subject="新品上架", body="您好，新品上架，欢迎选购。", send_after=now)
         for c in customers], batch_size=1000)
    ids = list(Message.objects.filter(idempotency_key__startswith="bench:")
               .order_by("pk").values_list("pk", flat=True))

    def work(part: list[int]) -> None:
        try:
            for pk in part:
                outbox.deliver(pk)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=work, args=(ids[n::workers],)) for n in range(workers)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    seconds = time.perf_counter() - started
    controller.stop()
    sent = Message.objects.filter(idempotency_key__startswith="bench:",
                                  status=MessageStatus.SENT).count()
    assert sent == count == Sink.received, (sent, count, Sink.received)
    log(f"outbox: {count} e-mails to a local SMTP sink with {workers} workers in {seconds:.1f} s")
    return count / seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--customers", type=int, default=1_000_000)
    parser.add_argument("--messages", type=int, default=2_000)
    args = parser.parse_args()
    scratch = Path(tempfile.mkdtemp(prefix="zg-segments-"))
    setup_django(scratch)
    from django.utils import timezone

    from zhanggui.analytics import customer_features, segment_refresh
    from zhanggui.customers.models_segments import Segment
    from zhanggui.demo.segments_seed import seed_segments

    started = time.perf_counter()
    write_customers(args.customers)
    log(f"{args.customers} customers written to the database in {time.perf_counter() - started:.1f} s")
    now = timezone.now()
    started = time.perf_counter()
    rows = fabricate(scratch / "warehouse", args.customers, customer_features.local_now(now))
    log(f"warehouse fabricated in {time.perf_counter() - started:.1f} s: {rows}")

    db = customer_features.open_snapshot()
    params = customer_features.parameters(now)
    started = time.perf_counter()
    baseline = db.execute(BASELINE, {k: params[k] for k in ("now", "today", "new_days", "at_risk_days")}
                          ).fetchnumpy()["customer_id"]
    baseline_seconds = time.perf_counter() - started
    started = time.perf_counter()
    ids = segment_refresh.evaluate_one(db, SEGMENT, now)
    segment_seconds = time.perf_counter() - started
    assert sorted(ids) == sorted(baseline.tolist()), (len(ids), len(baseline))
    db.close()
    log(f"segment: {len(ids)} members in {segment_seconds:.2f} s; hand-written DuckDB SQL "
        f"{baseline_seconds:.2f} s (ratio {segment_seconds / baseline_seconds:.2f})")

    seed_segments()
    started = time.perf_counter()
    run = segment_refresh.refresh_segments(now=now, with_scores=False)
    materialise_seconds = time.perf_counter() - started
    log(f"materialised {len(run.segments)} segments in {materialise_seconds:.2f} s: {run.segments}")
    started = time.perf_counter()
    segment_refresh.refresh_segments(now=now, with_scores=False)
    log(f"second evaluation (nothing changed, nothing written) {time.perf_counter() - started:.2f} s")
    db = customer_features.open_snapshot()
    customer_features.materialise(db, now)
    started = time.perf_counter()
    scores = segment_refresh.store_scores(db, now)
    log(f"customer scores {scores} in {time.perf_counter() - started:.2f} s")
    assert Segment.objects.count() == len(run.segments)
    send_per_second = measure_send_rate(args.messages)
    print(json.dumps({"customers": args.customers, "segment_seconds": round(segment_seconds, 3),
                      "materialise_seconds": round(materialise_seconds, 3),
                      "send_per_second": round(send_per_second, 1)}))


if __name__ == "__main__":
    main()
