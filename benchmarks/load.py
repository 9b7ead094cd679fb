"""Benchmark: a flash sale against the production shape on this machine, with the staff's
dashboards and the storefront's traffic at once (issue 19).

    .venv/bin/python benchmarks/load.py [--clients 16] [--web-processes N] [--worker-class gthread]

Needs PostgreSQL (the server of ``DATABASE_URL``, default postgres://postgres@127.0.0.1:5432)
and Redis (``ZG_LOAD_REDIS_URL``, default redis://127.0.0.1:6379/13, flushed). Steps:

1. A fresh database ``zg_load_run`` (copied from the migrated template ``zg_load_template``
   and migrated), seeded: a flash-sale SKU with 500 units in stock and a ``flash_sale``
   promotion of 500 units at 9.90 (list price 99.00) with a per-buyer limit of 1, another
   SKU, 2,000 buyer customers, 100 paid orders and an analytics warehouse built from them
   (so the dashboards answer), an owner (console password and API token) and a storefront
   account with its token.
2. ``tools/serve_prod.py --skip-setup`` on a free port of 127.0.0.1 with ``REDIS_URL`` set
   (gunicorn with ``--web-processes`` processes, a Celery worker, beat).
3. Three locust runs (``benchmarks/locustfile.py``, headless) with the same ``--clients``
   concurrent clients, one after the other: a warm-up; the ceiling (``CeilingClient``:
   ``GET /api/v1/accounts/me`` with a token, ``--ceiling-requests`` requests); the flash sale
   (``FlashSaleBuyer`` × clients: price-cart then place-order for each of the 2,000 buyers,
   once; meanwhile ``StaffDashboard`` × 3 and ``TrafficIngest`` × 2).
4. The raw conditional UPDATE from the same number of clients (threads, one psycopg
   connection each, autocommit) on a stock row of another SKU.
5. The outcome read from the database; everything stopped; the database dropped.

Prints one JSON line on stdout (detail on stderr):

- ``web_processes``: gunicorn processes; ``flash_sale_buyers`` / ``flash_sale_units``: 2,000 / 500.
- ``sold``: units of the flash-sale SKU on the orders placed (order lines, from the database);
  ``oversold``: how far that, the promotion's units at the flash price or the stock row's
  reserved units went past the 500 units (0 expected), plus one for a stock ledger that
  does not add up to the row.
- ``place_order_p50_ms`` / ``place_order_p99_ms``: latency of the place-order requests that
  placed an order (201), measured by the clients (refusals once sold out are faster and left
  out; stderr shows all).
- ``orders_per_second``: orders placed (201) ÷ the flash sale's wall time, from the start of
  its first place-order request to the end of the request that placed the last of them
  (the 500th when it sells out). The price-cart request each buyer sends first is inside it.
- ``dashboard_p95_ms``: console pages (workbench, report pages) and the reports' JSON API,
  requested by the staff clients while the flash sale ran.
- ``server_errors``: responses ≥ 500 and failed connections, over every run.
- ``raw_update_per_second``: ``UPDATE inventory_stock SET reserved = reserved + 1 WHERE
  id = … AND on_hand - reserved >= 1`` rows updated per second by ``--clients`` connections.
- ``http_ceiling_per_second``: ``/api/v1/accounts/me`` answers per second through the same
  server with the same number of clients.
"""

import argparse
import json
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
from decimal import Decimal
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "tools"))

import serve_prod  # noqa: E402

DATABASE = "zg_load_run"
PASSWORD = "Correct-Horse-42"
DASHBOARD_CLIENTS = 3
INGEST_CLIENTS = 2


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S', time.gmtime())}] {message}", file=sys.stderr, flush=True)


def percentile(values: list[float], share: float) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    return round(ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))], 1)


def seed(args) -> dict:
    """Everything the scenario needs, through the real actions."""
    import django

    django.setup()
    from django.core.management import call_command

    from zhanggui.accounts.actions import create_api_token, create_staff
    from zhanggui.catalog import actions as catalog
    from zhanggui.catalog.models import Category
    from zhanggui.customers.actions import create_customer
    from zhanggui.inventory.actions import receive_stock
    from zhanggui.inventory.models import Stock, Warehouse
    from zhanggui.orders import actions as orders
    from zhanggui.pricing.actions import create_promotion

    started = time.perf_counter()
    call_command("migrate", "--noinput", verbosity=0)
    log(f"migrated in {time.perf_counter() - started:.1f} s")
    owner = create_staff("loadowner", password=PASSWORD, roles=["owner"], actor=None, display_name="店主")
    storefront = create_staff("storefront", password=PASSWORD + "x", roles=["owner"], actor=None,
                              display_name="storefront")
    category = Category.objects.create(name="秒杀", level=1)
    warehouse = Warehouse.objects.create(code="WH-LOAD", name="杭州仓", province_code="330000", city="杭州")

    def listed_sku(code: str, price: str, units: int):
        product = catalog.create_product(f"SPU-{code}", title=f"商品 {code}", category=category,
                                         option_names=["颜色"], actor=None)
        sku = catalog.create_sku(product, code=code, option_values={"颜色": "红"},
                                 price_amount=Decimal(price), cost_amount=Decimal("30.00"), actor=None)
        catalog.set_listing_status(product, status="listed", reason="new", actor=None)
        receive_stock(sku, warehouse=warehouse, quantity=units, reason="load seed", actor=None)
        return sku

    flash = listed_sku("FLASH-1", "99.00", args.units)
    other = listed_sku("OTHER-1", "59.00", 100_000)
    raw = listed_sku("RAW-1", "10.00", args.raw_updates + 1000)
    promotion = create_promotion("限时秒杀", kind="flash_sale", actor=None,
                                 special_price_amount=Decimal("9.90"), scope="skus", scope_ids=[flash.pk],
                                 stock_cap=args.units, per_buyer_limit=1)
    buyers = [create_customer(f"B{n:05d}", nickname=f"买家{n}", phone=f"139{n:08d}", province_code="330000",
                              city="杭州", actor=None).pk for n in range(args.buyers)]
    log(f"seeded the catalogue, the promotion and {len(buyers)} buyers")
    recipient = orders.Recipient(name="张三丰", phone="13800000000", province_code="330000", city="杭州",
                                 address_detail="西湖区文三路 100 号")
    for pk in buyers[-100:]:  # history for the dashboards (not flash-sale buyers' limits: other SKU)
        from zhanggui.customers.models import Customer

        order = orders.place_order(Customer.objects.get(pk=pk), lines=[orders.LineRequest(other.pk, 1)],
                                   recipient=recipient, actor=None)
        orders.record_payment(order, method="alipay", amount=order.total_amount, succeeded=True, actor=None)
    call_command("warehouse", "rebuild", stdout=sys.stderr)
    log(f"history orders and the warehouse ready ({time.perf_counter() - started:.1f} s)")
    return {"buyers": buyers, "flash_sku": flash.pk, "flash_product": flash.product_id,
            "other_sku": other.pk, "promotion": promotion.pk,
            "raw_stock": Stock.objects.get(sku=raw).pk, "flash_stock": Stock.objects.get(sku=flash).pk,
            "staff_username": owner.username, "staff_password": PASSWORD,
            "staff_token": create_api_token(owner, name="dashboards", actor=None)[1],
            "storefront_token": create_api_token(storefront, name="storefront", actor=None)[1]}


def run_locust(host: str, config: dict, classes: list[str], users: int, run_time: int, work: Path) -> list:
    config_path, record_path = work / "config.json", work / "record.json"
    config_path.write_text(json.dumps(config))
    record_path.unlink(missing_ok=True)
    env = {**os.environ, "ZG_LOAD_CONFIG": str(config_path), "ZG_LOAD_RECORD": str(record_path)}
    command = [str(Path(sys.executable).parent / "locust"), "-f", str(ROOT / "benchmarks" / "locustfile.py"),
               "--headless", "--host", host, "-u", str(users), "-r", str(users), "--run-time", f"{run_time}s",
               "--stop-timeout", "30", "--only-summary", "--loglevel", "WARNING", *classes]
    subprocess.run(command, env=env, stdout=sys.stderr, stderr=sys.stderr, check=False,
                   timeout=run_time + 120)
    return json.loads(record_path.read_text())["records"]


def raw_updates(url: str, stock_id: int, clients: int, attempts: int) -> float:
    """Rows updated per second by ``clients`` connections sharing ``attempts`` UPDATEs."""
    import psycopg

    sql = ("UPDATE inventory_stock SET reserved = reserved + 1 "
           "WHERE id = %s AND on_hand - reserved >= 1")
    left = iter(range(attempts))
    lock, updated = threading.Lock(), [0]
    connections = [psycopg.connect(urlsplit(url)._replace(scheme="postgresql").geturl(), autocommit=True)
                   for _ in range(clients)]
    barrier = threading.Barrier(clients + 1)

    def client(conn):
        barrier.wait()
        done = 0
        while True:
            with lock:
                if next(left, None) is None:
                    break
            done += conn.execute(sql, (stock_id,)).rowcount
        with lock:
            updated[0] += done

    threads = [threading.Thread(target=client, args=(conn,)) for conn in connections]
    for thread in threads:
        thread.start()
    barrier.wait()
    started = time.perf_counter()
    for thread in threads:
        thread.join()
    seconds = time.perf_counter() - started
    for conn in connections:
        conn.close()
    log(f"raw UPDATE: {updated[0]} rows in {seconds:.2f} s from {clients} connections")
    return updated[0] / seconds


def outcome(config: dict, units: int) -> dict:
    """Sold and oversold, from the database."""
    from django.db.models import Sum

    from zhanggui.inventory.models import Stock, StockMovement
    from zhanggui.orders.models import OrderLine
    from zhanggui.pricing.models import OfferUsage, Promotion

    stock = Stock.objects.get(pk=config["flash_stock"])
    sold = OrderLine.objects.filter(sku_id=config["flash_sku"]).aggregate(n=Sum("quantity"))["n"] or 0
    at_flash_price = OfferUsage.objects.filter(promotion_id=config["promotion"]).aggregate(
        n=Sum("units"))["n"] or 0
    promotion = Promotion.objects.get(pk=config["promotion"])
    ledger = StockMovement.objects.filter(stock=stock).aggregate(
        on_hand=Sum("on_hand_delta"), reserved=Sum("reserved_delta"))
    ledger_ok = ledger["on_hand"] == stock.on_hand and ledger["reserved"] == stock.reserved == sold
    log(f"flash SKU: {sold} units on orders, {at_flash_price} at the flash price (promotion sold_units "
        f"{promotion.sold_units}); stock on hand {stock.on_hand}, reserved {stock.reserved}; "
        f"ledger {'adds up' if ledger_ok else 'DOES NOT add up: ' + str(ledger)}")
    oversold = max(0, sold - units, at_flash_price - units, promotion.sold_units - units,
                   stock.reserved - stock.on_hand) + (0 if ledger_ok else 1)
    return {"sold": sold, "oversold": oversold}


def flash_figures(records: list, units: int) -> dict:
    orders = [r for r in records if r[0] == "place_order"]
    placed = sorted((r for r in orders if r[1] == 201), key=lambda r: r[2] + r[3] / 1000)
    statuses: dict[int, int] = {}
    for r in records:
        statuses[r[1]] = statuses.get(r[1], 0) + 1
    log(f"flash-sale run: {len(records)} requests, statuses {dict(sorted(statuses.items()))}")
    every = [r[3] for r in orders]
    log(f"place-order, every answer: p50 {percentile(every, 0.5)} ms, p99 {percentile(every, 0.99)} ms "
        f"({len(orders)} requests)")
    for name in ("price_cart", "traffic_events", "dashboard"):
        times = [r[3] for r in records if r[0] == name]
        log(f"{name}: p50 {percentile(times, 0.5)} ms, p95 {percentile(times, 0.95)} ms ({len(times)})")
    last = placed[min(len(placed), units) - 1] if placed else None
    seconds = (last[2] + last[3] / 1000 - min(r[2] for r in orders)) if last else None
    log(f"{len(placed)} orders placed in {seconds and round(seconds, 2)} s of flash sale")
    return {"place_order_p50_ms": percentile([r[3] for r in placed], 0.5),
            "place_order_p99_ms": percentile([r[3] for r in placed], 0.99),
            "orders_per_second": round(len(placed) / seconds, 1) if seconds else 0.0,
            "dashboard_p95_ms": percentile([r[3] for r in records if r[0] == "dashboard"], 0.95)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=16, help="concurrent clients (buyers, ceiling, raw)")
    parser.add_argument("--web-processes", type=int, default=min(2 * (os.cpu_count() or 1) + 1, 9))
    parser.add_argument("--worker-class", default="gthread", choices=["gthread", "sync"])
    parser.add_argument("--threads", type=int, default=4, help="threads per gthread process")
    parser.add_argument("--buyers", type=int, default=2000)
    parser.add_argument("--units", type=int, default=500)
    parser.add_argument("--ceiling-requests", type=int, default=4000)
    parser.add_argument("--raw-updates", type=int, default=4000)
    parser.add_argument("--time-limit", type=int, default=600, help="seconds for the flash-sale run at most")
    args = parser.parse_args()
    server = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/postgres")
    redis_url = os.environ.get("ZG_LOAD_REDIS_URL", "redis://127.0.0.1:6379/13")
    import redis

    redis.Redis.from_url(redis_url).flushdb()
    url = serve_prod.clone_database(server, DATABASE)
    work = Path(tempfile.mkdtemp(prefix="zg-load-"))
    port = serve_prod.free_port()
    env = {**os.environ, "DATABASE_URL": url, "REDIS_URL": redis_url, "ZHANGGUI_VAR_DIR": str(work),
           "ZHANGGUI_SECRET_KEY": os.urandom(32).hex(), "DJANGO_SETTINGS_MODULE": "zhanggui.settings",
           "ZHANGGUI_BIND": f"127.0.0.1:{port}", "WEB_CONCURRENCY": str(args.web_processes),
           "GUNICORN_WORKER_CLASS": args.worker_class, "GUNICORN_THREADS": str(args.threads),
           "CELERY_CONCURRENCY": "1", "ZHANGGUI_AUTO_REVIEW_ON_PAYMENT": "0"}
    os.environ.update(env)
    server_process = None
    try:
        config = seed(args)
        config.update(buyer_clients=args.clients, dashboard_clients=DASHBOARD_CLIENTS,
                      ingest_clients=INGEST_CLIENTS, ceiling_requests=args.ceiling_requests)
        from django.db import connections

        connections.close_all()
        server_process = subprocess.Popen(
            [sys.executable, str(ROOT / "tools" / "serve_prod.py"), "--skip-setup"],
            env=env, stdout=sys.stderr, stderr=sys.stderr)
        host = f"http://127.0.0.1:{port}"
        serve_prod.wait_until_serving(f"{host}/login/", server_process, timeout=180)
        log(f"serving on {host}: {args.web_processes} {args.worker_class} processes")
        warm = run_locust(host, {**config, "ceiling_requests": 50 * args.web_processes}, ["CeilingClient"],
                          args.clients, 60, work)
        ceiling_records = run_locust(host, config, ["CeilingClient"], args.clients, 120, work)
        starts = [r[2] for r in ceiling_records]
        ceiling_seconds = max(r[2] + r[3] / 1000 for r in ceiling_records) - min(starts)
        http_ceiling = len(ceiling_records) / ceiling_seconds
        log(f"ceiling: {len(ceiling_records)} answers in {ceiling_seconds:.2f} s; p50 "
            f"{percentile([r[3] for r in ceiling_records], 0.5)} ms")
        flash_records = run_locust(host, config, ["FlashSaleBuyer", "StaffDashboard", "TrafficIngest"],
                                   args.clients + DASHBOARD_CLIENTS + INGEST_CLIENTS, args.time_limit, work)
        figures = flash_figures(flash_records, args.units)
        raw = raw_updates(url, config["raw_stock"], args.clients, args.raw_updates)
        result = outcome(config, args.units)
        errors = sum(1 for r in warm + ceiling_records + flash_records if r[1] >= 500 or r[1] == 0)
    finally:
        if server_process is not None:
            server_process.send_signal(signal.SIGTERM)
            server_process.wait(timeout=90)
        from django.db import connections

        connections.close_all()
        serve_prod.drop_database(server, DATABASE)
    print(json.dumps({
        "web_processes": args.web_processes, "flash_sale_buyers": args.buyers,
        "flash_sale_units": args.units, "oversold": result["oversold"], "sold": result["sold"],
        **figures,
        "server_errors": errors, "raw_update_per_second": round(raw, 1),
        "http_ceiling_per_second": round(http_ceiling, 1)}))


if __name__ == "__main__":
    main()
