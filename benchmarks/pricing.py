"""Benchmark of the price engine and of order placement with pricing on PostgreSQL.

    .venv/bin/python benchmarks/pricing.py
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/zhanggui_bench_pricing \\
        .venv/bin/python benchmarks/pricing.py

Uses its own PostgreSQL database (default ``zhanggui_bench_pricing`` on the server of
``DATABASE_URL``, created when missing, flushed and migrated at the start), never the
``test`` database. Prints one JSON object on stdout (progress on stderr):

- ``price_cart_median_ms`` / ``price_cart_p99_ms``: ``pricing.rules.price_cart`` on a 20-line
  cart against 200 active offers of every kind (item, order level, gifts, free shipping,
  exclusion groups, scopes of SKUs, products and categories), plus 3 coupons, a member
  price list and a shipping template with region rules; pure engine, no database.
- ``orders_per_second``: ``orders.place_order`` (pricing through the engine with the offer
  rows locked, stock reserved with the conditional update, lines, operation log) from 8
  concurrent clients, each its own connection and transaction per order.
- ``raw_update_per_second``: the same conditional stock update
  (``UPDATE … SET reserved = reserved + n WHERE … on_hand - reserved >= n``), one
  autocommitted statement per "order", by raw SQL from 8 clients in the same run on the
  same rows. ``ratio`` = orders_per_second / raw_update_per_second.
- ``queries_per_order`` and ``duplicate_queries``: the SQL statements one placement of a
  3-line order with two active offers issues (Django's ``CaptureQueriesContext``).
"""

import json
import os
import re
import statistics
import sys
import threading
import time
from collections import Counter
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from bench_db import bench_database_url, ensure_database, log  # noqa: E402

CLIENTS = 8
ORDERS_PER_CLIENT = 40
RAW_PER_CLIENT = 400
ENGINE_RUNS = 400


# ---- the pure engine ----------------------------------------------------------------------

def engine_inputs():
    from zhanggui.pricing import rules

    d = Decimal
    lines = [rules.CartLine(sku_id=i, quantity=1 + i % 3, unit_price=d(19) + d(i) * d("7.35"),
                            product_id=1000 + i // 2, category_ids=frozenset({10 + i % 5, 1}),
                            weight_grams=150 + 40 * i) for i in range(1, 21)]
    kinds = ["item_percent", "item_fixed", "flash_sale", "threshold", "n_pieces", "buy_x_get_y",
             "bundle", "gift", "first_order", "free_shipping"]
    offers = []
    for n in range(200):
        kind = kinds[n % len(kinds)]
        scope = [rules.Scope(), rules.Scope("skus", frozenset({1 + n % 40, 2 + n % 40})),
                 rules.Scope("products", frozenset({1000 + n % 15})),
                 rules.Scope("categories", frozenset({10 + n % 7}))][n % 4]
        if kind == "bundle":
            scope = rules.Scope("skus", frozenset({1 + n % 20, 1 + (n + 3) % 20}))
        offers.append(rules.OfferSpec(
            key=f"promotion:{n}", kind=kind, name=f"offer {n}", offer_id=n, scope=scope,
            exclusion_group=["", "store", "item", ""][n % 4], priority=n % 7,
            discount_rate=d("0.05") + d(n % 5) / 100, discount_amount=d(1 + n % 9),
            special_price=d(15 + n % 30), tiers=((d(100 + n), d(10)), (d(300 + n), d(35))),
            is_repeating=n % 6 == 0, min_amount=d(n % 3 * 50), min_quantity=2 + n % 2,
            free_quantity=1, gift_sku_id=999, units_left=None if n % 3 else 5,
            eligibility=rules.Eligibility(channels=frozenset({"own"}) if n % 5 else frozenset())))
    coupons = [rules.CouponSpec(key=f"coupon:C{n}", code=f"C{n}", name="券", kind=k,
                                discount_rate=d("0.1"), discount_amount=d(20), min_amount=d(150))
               for n, k in enumerate(["fixed", "percent", "fixed"])]
    overrides = [rules.PriceOverride("member:1", "会员价", i, d(18) + d(i) * d(7)) for i in range(1, 21, 3)]
    shipping = rules.ShippingSpec(
        template_id=1, name="默认", first_fee=d(5), additional_fee=d(1),
        region_rules=(rules.RegionRule(frozenset({"650000", "540000"}), d(20), d(8)),),
        is_remote_excluded=True, free_over_amount=d(999))
    buyer = rules.Buyer(customer_id=1, member_tier="gold", tags=frozenset({"vip"}), is_new_customer=True)
    return lines, offers, coupons, overrides, shipping, buyer


def bench_engine() -> dict:
    from zhanggui.pricing import rules

    lines, offers, coupons, overrides, shipping, buyer = engine_inputs()
    at = datetime(2026, 11, 11, tzinfo=UTC)

    def once():
        return rules.price_cart(lines, buyer=buyer, channel="own", at=at, offers=offers,
                                coupons=coupons, price_overrides=overrides, shipping=shipping,
                                province_code="330000")

    result = once()
    assert result.total >= 0 and result.discounts, "the benchmark cart must get discounts"
    for _ in range(20):
        once()
    times, cpu = [], []
    for _ in range(ENGINE_RUNS):
        start, start_cpu = time.perf_counter(), time.thread_time()
        once()
        times.append((time.perf_counter() - start) * 1000)
        cpu.append((time.thread_time() - start_cpu) * 1000)
    times.sort()
    return {"price_cart_median_ms": round(statistics.median(times), 3),
            "price_cart_p99_ms": round(times[int(len(times) * 0.99) - 1], 3),
            "price_cart_cpu_median_ms": round(statistics.median(cpu), 3),
            "price_cart_discounts_applied": len(result.discounts)}


# ---- the database -------------------------------------------------------------------------

def setup_shop():
    from django.core.management import call_command
    from tests import factories

    from zhanggui.pricing.models import Promotion

    call_command("migrate", verbosity=0)
    call_command("flush", interactive=False, verbosity=0)
    from zhanggui.accounts.roles import sync_roles

    sync_roles()
    warehouse = factories.make_warehouse()
    skus = [factories.make_listed_sku(price=str(30 + 10 * i)) for i in range(12)]
    for sku in skus:
        factories.stock_up(sku, warehouse, 1_000_000)
    customers = [factories.make_customer() for _ in range(CLIENTS + 1)]
    Promotion.objects.all().delete()
    factories.make_promotion("item_percent", name="新品九折", discount_rate=Decimal("0.10"), scope="skus",
                             scope_ids=[skus[0].pk, skus[1].pk])
    factories.make_promotion("threshold", name="满200减20", tiers=[{"threshold": "200", "amount": "20"}],
                             budget_amount=Decimal("100000000"))
    return skus, customers


def queries_per_order(skus, customer) -> dict:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from tests import factories

    from zhanggui.orders import actions

    lines = [actions.LineRequest(s.pk, 1 + i) for i, s in enumerate(skus[:3])]
    actions.place_order(customer, lines=lines, recipient=factories.recipient(), actor=None)  # warm
    with CaptureQueriesContext(connection) as captured:
        order = actions.place_order(customer, lines=lines, recipient=factories.recipient(), actor=None)
    assert len(order.pricing_breakdown["discounts"]) == 2, order.pricing_breakdown
    statements = [q["sql"] for q in captured.captured_queries]
    counts = Counter(statements)
    duplicates = {sql: n for sql, n in counts.items() if n > 1}
    by_table = Counter()
    for sql in statements:
        match = re.search(r'(?:FROM|INTO|UPDATE) "(\w+?)_', sql)
        by_table[match.group(1) if match else sql.split()[0].lower()] += 1
    return {"queries_per_order": len(statements),
            "duplicate_queries": sum(n - 1 for n in duplicates.values()),
            "duplicated_statements": list(duplicates)[:5], "queries_by_app": dict(sorted(by_table.items()))}


def _threads(work) -> float:
    from django.db import connections

    barrier = threading.Barrier(CLIENTS + 1)
    errors = []

    def run(index):
        try:
            barrier.wait()
            work(index)
        except Exception as exc:  # reported, and the benchmark fails
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(CLIENTS)]
    for thread in threads:
        thread.start()
    barrier.wait()
    start = time.perf_counter()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - start
    if errors:
        raise RuntimeError(f"{len(errors)} clients failed: {errors[:3]}")
    return elapsed


def bench_orders(skus, customers) -> float:
    from tests import factories

    from zhanggui.orders import actions

    def client(index):
        customer = customers[index]
        for n in range(ORDERS_PER_CLIENT):
            picked = [skus[(index + n + k) % len(skus)] for k in range(3)]
            lines = [actions.LineRequest(s.pk, 1 + k) for k, s in enumerate(picked)]
            actions.place_order(customer, lines=lines, recipient=factories.recipient(), actor=None)

    return CLIENTS * ORDERS_PER_CLIENT / _threads(client)


def bench_raw(skus) -> float:
    from django.db import connection

    from zhanggui.inventory.models import Stock

    stock_ids = list(Stock.objects.filter(sku__in=skus).order_by("pk").values_list("pk", flat=True))
    sql = ("UPDATE inventory_stock SET reserved = reserved + %s, updated_at = now() "
           "WHERE id = %s AND on_hand - reserved >= %s")

    def client(index):
        with connection.cursor() as cursor:
            for n in range(RAW_PER_CLIENT):
                stock_id = stock_ids[(index + n) % len(stock_ids)]
                cursor.execute(sql, [1, stock_id, 1])
                assert cursor.rowcount == 1

    per_second = CLIENTS * RAW_PER_CLIENT / _threads(client)
    Stock.objects.filter(pk__in=stock_ids).update(reserved=0)  # the raw updates have no ledger
    return per_second


def main() -> None:
    url = bench_database_url("zhanggui_bench_pricing")
    ensure_database(url)
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zhanggui.settings")
    os.environ.setdefault("ZHANGGUI_LOG_LEVEL", "ERROR")
    import django

    django.setup()
    log("engine: 20 lines × 200 offers")
    result = bench_engine()
    log(f"database {urlsplit(url).path.strip('/')}: migrate and seed")
    skus, customers = setup_shop()
    result.update(queries_per_order(skus, customers[-1]))
    log(f"orders: {CLIENTS} clients × {ORDERS_PER_CLIENT}")
    orders = bench_orders(skus, customers)
    log(f"raw conditional updates: {CLIENTS} clients × {RAW_PER_CLIENT}")
    raw = bench_raw(skus)
    result.update({"orders_per_second": round(orders, 1), "raw_update_per_second": round(raw, 1),
                   "ratio": round(orders / raw, 4), "clients": CLIENTS})
    print(json.dumps(result, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
