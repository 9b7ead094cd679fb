"""Benchmark of the channel stock sync: 10,000 SKUs on 5 channels.

    .venv/bin/python benchmarks/channel_sync.py                  # SQLite (a throw-away file)
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/zg_sync_bench \\
        .venv/bin/python benchmarks/channel_sync.py              # PostgreSQL (dropped, created)

1. Migrates a fresh database and writes (ORM ``bulk_create``) 10,000 SKUs with stock in two
   warehouses, 5 channels (Taobao and Douyin share, JD and Pinduoduo reserve, Xiaohongshu
   shares and is slow with a 3-unit guard), each channel's default rule, 1,000 SKU rules, and
   listings of 95 % of the SKUs on each channel; then the first full recompute (every
   quantity inserted; stderr ``first_recompute_seconds``).
2. ``recompute_seconds``: every stock row's on-hand changed at once (a full stock refresh,
   one UPDATE), then ``channels.actions_sync.recompute()`` — all quantities computed and the
   changed ones written.
3. ``single_change_ms``: the median over 50 SKUs of one stock change (``inventory.actions
   .adjust_stock``, committed) followed by ``recompute([sku])`` until its quantities on every
   channel are stored. On stderr, ``single_change_with_push_ms``: the inventory listener's
   whole path with eager Celery (mark, recompute of the SKU, and the push of the changes to
   the 5 channels: 5 CSV files and 5 publish runs written).
4. Baseline on stderr: the same full recompute as ONE hand-written SQL statement
   (``INSERT … SELECT … ON CONFLICT DO UPDATE`` with window sums; exact for this data because
   the reserved channels have no guard) after another full refresh, and a check that the
   ORM recompute then finds nothing to change (the two agree on every quantity).

Prints ONE JSON line on stdout: ``skus``, ``channels``, ``recompute_seconds``,
``single_change_ms``. Everything else goes to stderr.
"""

import argparse
import json
import os
import random
import statistics
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "benchmarks"))

from bench_db import bench_database_url, log, recreate_database  # noqa: E402

CHANNELS = [  # code, platform, pool, percent, fixed, min, max, slow (lag minutes), guard
    ("taobao", "taobao", "shared", "0.6000", 0, 0, None, 0, 0),
    ("jd", "jd", "reserved", "0.2000", 2, 1, 200, 0, 0),
    ("pinduoduo", "pinduoduo", "reserved", "0.1000", 0, 0, 50, 0, 0),
    ("douyin", "douyin", "shared", "1.0000", -5, 0, None, 0, 0),
    ("xiaohongshu", "xiaohongshu", "shared", "0.5000", 0, 0, 100, 30, 3),
]


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--skus", type=int, default=10_000)
    parser.add_argument("--changes", type=int, default=50)
    parser.add_argument("--seed", type=int, default=18)
    return parser.parse_args()


def setup_django(scratch: Path) -> str:
    os.environ["DJANGO_SETTINGS_MODULE"] = "zhanggui.settings"
    os.environ["ZHANGGUI_VAR_DIR"] = str(scratch / "var")
    os.environ["ZHANGGUI_CHANNEL_EXPORT_DIR"] = str(scratch / "exports")
    os.environ.pop("REDIS_URL", None)  # eager Celery: the listener's sync runs in-process
    (scratch / "var").mkdir(parents=True, exist_ok=True)
    if os.environ.get("DATABASE_URL"):
        url = bench_database_url("zg_sync_bench")
        recreate_database(url)
        os.environ["DATABASE_URL"] = url
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from django.db import connection

    return connection.vendor


def build(args, rng: random.Random) -> tuple[list, list]:
    from django.utils import timezone

    from zhanggui.catalog.models import Category, Product, Sku
    from zhanggui.channels.models import Channel, ChannelListing, SyncRule
    from zhanggui.inventory.models import Stock, Warehouse

    now = timezone.now()
    category = Category.objects.create(name="女装")
    products = Product.objects.bulk_create(
        [Product(code=f"P{n:05d}", title=f"商品{n}", category=category) for n in range(args.skus // 4 + 1)],
        batch_size=2000)
    skus = Sku.objects.bulk_create(
        [Sku(product=products[n // 4], code=f"S{n:06d}", price_amount=Decimal("99.00"),
             cost_amount=Decimal("40.00")) for n in range(args.skus)], batch_size=2000)
    warehouses = [Warehouse.objects.create(code=f"W{n}", name=f"仓{n}", province_code="330000")
                  for n in range(2)]
    Stock.objects.bulk_create([Stock(sku=sku, warehouse=w, on_hand=rng.randint(0, 300), reserved=0)
                               for sku in skus for w in warehouses], batch_size=5000)
    channels = []
    for code, platform, pool, percent, fixed, lo, hi, lag, guard in CHANNELS:
        channel = Channel.objects.create(code=code, name=code, platform=platform,
                                         sync_lag_minutes=lag, guard_units=guard)
        channels.append(channel)
        SyncRule.objects.create(channel=channel, percent=Decimal(percent), fixed=fixed,
                                min_quantity=lo, max_quantity=hi, pool=pool)
        ChannelListing.objects.bulk_create(
            [ChannelListing(channel=channel, sku=sku, status="listed", external_id=f"{code}-{sku.pk}",
                            price_amount=None, created_at=now, updated_at=now)
             for sku in skus if rng.random() < 0.95], batch_size=5000)
    rules = []
    for sku in rng.sample(skus, k=min(1000, len(skus))):
        channel = rng.choice(channels)
        pool = next(c[2] for c in CHANNELS if c[0] == channel.code)
        rules.append(SyncRule(channel=channel, sku=sku, percent=Decimal(rng.choice(["0.3", "0.5", "0.8"])),
                              fixed=rng.randint(-2, 5), min_quantity=0, max_quantity=rng.choice([None, 20]),
                              pool=pool))
    SyncRule.objects.bulk_create(rules)
    return skus, warehouses


def full_refresh(rng: random.Random) -> None:
    """Every stock row's on-hand changes (one UPDATE, as a full stock refresh writes)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("UPDATE inventory_stock SET on_hand = (on_hand * 7 + %s) %% 301", [rng.randint(1, 97)])


def baseline_sql(vendor: str) -> str:
    floor = "CAST(({x}) AS INTEGER)" if vendor == "sqlite" else "FLOOR({x})::integer"
    share = "(s.available * CAST(ROUND(r.percent * 10000) AS INTEGER)) / 10000"
    shared_share = "(p.pool * CAST(ROUND(r.percent * 10000) AS INTEGER)) / 10000"
    clamp = ("CASE WHEN r.max_quantity IS NOT NULL AND MAX({v}, r.min_quantity) > r.max_quantity "
             "THEN r.max_quantity ELSE MAX({v}, r.min_quantity) END")
    if vendor != "sqlite":
        clamp = clamp.replace("MAX(", "GREATEST(")
    wanted = clamp.format(v=f"{floor.format(x=share)} + r.fixed")
    wanted_shared = clamp.format(v=f"{floor.format(x=shared_share)} + r.fixed")
    least, greatest = ("MIN", "MAX") if vendor == "sqlite" else ("LEAST", "GREATEST")
    now = "CURRENT_TIMESTAMP"
    return f"""
WITH s AS (SELECT st.sku_id, {greatest}(SUM(st.available), 0) AS available FROM inventory_stock st
           JOIN inventory_warehouse w ON w.id = st.warehouse_id AND w.is_active GROUP BY st.sku_id),
l AS (SELECT l.channel_id, l.sku_id, c.guard_units,
             CASE WHEN c.sync_lag_minutes >= %s THEN c.guard_units ELSE 0 END AS guard
      FROM channels_channellisting l JOIN channels_channel c ON c.id = l.channel_id AND c.is_active
      WHERE l.status = 'listed'),
r AS (SELECT l.channel_id, l.sku_id, l.guard, COALESCE(o.percent, d.percent) AS percent,
             COALESCE(o.fixed, d.fixed) AS fixed, COALESCE(o.min_quantity, d.min_quantity) AS min_quantity,
             CASE WHEN o.id IS NOT NULL THEN o.max_quantity ELSE d.max_quantity END AS max_quantity,
             COALESCE(o.pool, d.pool) AS pool
      FROM l LEFT JOIN channels_syncrule o
             ON o.channel_id = l.channel_id AND o.sku_id = l.sku_id AND o.is_active
             LEFT JOIN channels_syncrule d ON d.channel_id = l.channel_id AND d.sku_id IS NULL AND d.is_active
      WHERE o.id IS NOT NULL OR d.id IS NOT NULL),
res AS (SELECT r.channel_id, r.sku_id, COALESCE(s.available, 0) AS available,
               {greatest}({wanted}, 0) AS want
        FROM r LEFT JOIN s ON s.sku_id = r.sku_id WHERE r.pool = 'reserved'),
resq AS (SELECT channel_id, sku_id, available,
                {least}(available, SUM(want) OVER (PARTITION BY sku_id ORDER BY channel_id))
                - {least}(available, SUM(want) OVER (PARTITION BY sku_id ORDER BY channel_id) - want) AS q
         FROM res),
p AS (SELECT s2.sku_id, s2.available - COALESCE(rs.total, 0) AS pool
      FROM (SELECT DISTINCT r.sku_id, COALESCE(s.available, 0) AS available
            FROM r LEFT JOIN s ON s.sku_id = r.sku_id) s2
      LEFT JOIN (SELECT sku_id, SUM(q) AS total FROM resq GROUP BY sku_id) rs ON rs.sku_id = s2.sku_id),
shq AS (SELECT r.channel_id, r.sku_id, {greatest}(0, {least}({wanted_shared}, p.pool - r.guard)) AS q
        FROM r JOIN p ON p.sku_id = r.sku_id WHERE r.pool = 'shared'),
allq AS (SELECT channel_id, sku_id, q FROM resq UNION ALL SELECT channel_id, sku_id, q FROM shq)
INSERT INTO channels_publishedquantity (channel_id, sku_id, quantity, computed_at, updated_at)
SELECT channel_id, sku_id, q, {now}, {now} FROM allq WHERE true
ON CONFLICT (channel_id, sku_id)
DO UPDATE SET quantity = excluded.quantity, computed_at = excluded.computed_at,
              updated_at = excluded.updated_at
WHERE channels_publishedquantity.quantity <> excluded.quantity
"""


def single_changes(args, rng, skus, warehouses, *, with_push: bool) -> tuple[list[float], int]:
    """Milliseconds of each stock change until its quantities are stored. ``with_push``: the
    inventory listener's whole path (eager Celery: mark, recompute, push to every channel);
    else the listener is off and the change is followed by ``recompute([sku])``."""
    from zhanggui.channels import actions_sync
    from zhanggui.channels.models import PublishRun
    from zhanggui.inventory import actions as inventory_actions
    from zhanggui.inventory import changes

    listener = changes.LISTENERS.pop("channels.sync")
    if with_push:
        changes.register("channels.sync", listener)
    runs_before = PublishRun.objects.count()
    times = []
    for sku in rng.sample(skus, k=args.changes):
        started = time.perf_counter()
        inventory_actions.adjust_stock(sku, warehouse=warehouses[0], delta=rng.randint(1, 20),
                                       reason="benchmark", actor=None)
        if not with_push:
            actions_sync.recompute([sku.pk])
        times.append((time.perf_counter() - started) * 1000)
    changes.register("channels.sync", listener)
    return times, PublishRun.objects.count() - runs_before


def main() -> None:
    args = parse_args()
    rng = random.Random(args.seed)
    with tempfile.TemporaryDirectory(prefix="zg-channel-sync-") as scratch:
        vendor = setup_django(Path(scratch))
        from django.conf import settings
        from django.db import connection, transaction

        from zhanggui.channels import actions_sync
        from zhanggui.channels.models import PublishedQuantity

        log(f"{vendor}: building {args.skus} SKUs on {len(CHANNELS)} channels")
        skus, warehouses = build(args, rng)
        started = time.perf_counter()
        first = actions_sync.recompute()
        first_seconds = time.perf_counter() - started
        rows = PublishedQuantity.objects.count()
        log(f"first recompute {first_seconds:.2f}s, {len(first.changed)} quantities")

        full_refresh(rng)
        started = time.perf_counter()
        result = actions_sync.recompute()
        recompute_seconds = time.perf_counter() - started
        log(f"recompute after a full refresh {recompute_seconds:.2f}s, {len(result.changed)} changed")

        full_refresh(rng)
        started = time.perf_counter()
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(baseline_sql(vendor), [settings.ZHANGGUI["CHANNEL_SLOW_MINUTES"]])
            baseline_rows = cursor.rowcount
        baseline_seconds = time.perf_counter() - started
        agree = actions_sync.recompute().changed == []

        times, _runs = single_changes(args, rng, skus, warehouses, with_push=False)
        single_ms = statistics.median(times)
        pushed, runs = single_changes(args, rng, skus, warehouses, with_push=True)
        print(json.dumps({"vendor": vendor, "first_recompute_seconds": round(first_seconds, 3),
                          "quantities": rows, "changed_after_refresh": len(result.changed),
                          "baseline_sql_seconds": round(baseline_seconds, 3),
                          "baseline_rows_written": baseline_rows, "baseline_agrees": agree,
                          "single_change_ms_p90": round(sorted(times)[int(len(times) * 0.9) - 1], 2),
                          "single_change_with_push_ms": round(statistics.median(pushed), 2),
                          "single_change_with_push_runs": runs}), file=sys.stderr)
        print(json.dumps({"skus": args.skus, "channels": len(CHANNELS),
                          "recompute_seconds": round(recompute_seconds, 3),
                          "single_change_ms": round(single_ms, 2)}))
        if not agree:
            sys.exit("the hand-written SQL and the ORM recompute disagree")


if __name__ == "__main__":
    main()
