"""Benchmark of the daily fulfillment loop on PostgreSQL: automatic review, waves and pick
lists, shipping labels, and the workbench.

    .venv/bin/python benchmarks/fulfillment.py
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/zg_bench_fulfillment \\
        .venv/bin/python benchmarks/fulfillment.py

Uses its own PostgreSQL database (default ``zg_bench_fulfillment`` on the server of
``DATABASE_URL``), dropped, created and migrated at the start, so the seeded review rules,
carrier services and fulfillment policy are those a new shop gets. The store: 3 warehouses
(浙江, 广东, 四川), 300 SKUs stocked in each with bin locations, 20,000 customers and
``ORDERS`` paid orders of 1–3 lines written in bulk with their reservations (about 5 % with
a buyer note, 3 % to remote provinces, a few big amounts — so some are held).

Prints one JSON object on stdout (progress and the baselines on stderr):

- ``orders``: paid orders reviewed (10,000).
- ``review_orders_per_second``: ``orders.review.auto_review_orders`` over every paid order
  with 12 active rules (facts loaded in bulk, reviewed or held, holds, tasks for the held,
  operation log), in its own batches and transactions.
- ``wave_seconds``: the held orders released in bulk, then
  ``fulfillment.waves.build_waves`` (which first makes the parcels of every reviewed order:
  routing, lines) and the pick list of every wave, for all the reviewed orders over the 3
  warehouses.
- ``label_pdf_seconds_per_100``: ``fulfillment.documents.labels_pdf`` for 100 parcels with
  tracking numbers from a waybill range (one PDF, 100 pages, barcodes).
- ``workbench_ms``: the median of 20 renders of the console's home page (the workbench) for
  the owner through Django's test client, after 2 warm-up renders.

Baselines, same run (stderr): the raw SQL read of the orders' review facts (orders joined to
lines for the same ids), the raw SQL pick-list aggregate for every wave, and WeasyPrint
rendering 100 pages holding only the tracking number.
"""

import json
import os
import random
import statistics
import sys
import time
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from bench_db import bench_database_url, log, recreate_database  # noqa: E402

ORDERS = int(os.environ.get("BENCH_ORDERS", "10000"))
CUSTOMERS = 20_000
SKUS = 300
WAREHOUSES = (("WH-ZJ", "杭州仓", "330000", "杭州"), ("WH-GD", "广州仓", "440000", "广州"),
              ("WH-SC", "成都仓", "510000", "成都"))
PROVINCES = ("330000", "320000", "310000", "440000", "350000", "510000", "420000", "110000",
             "370000", "410000", "430000", "500000")
REMOTE = ("650000", "540000", "630000")
WORKBENCH_RENDERS = 20


# ---- the store ----------------------------------------------------------------------------

def build_store(rng: random.Random):
    from django.db import connection, transaction
    from django.utils import timezone
    from tests import factories

    from zhanggui.accounts.roles import Role
    from zhanggui.customers.models import Customer
    from zhanggui.inventory import actions as inventory_actions
    from zhanggui.inventory.models import Reservation, Stock, Warehouse
    from zhanggui.orders.models import Order, OrderLine

    owner = factories.make_staff(Role.OWNER, "owner")
    warehouses = [Warehouse.objects.create(code=code, name=name, province_code=province, city=city)
                  for code, name, province, city in WAREHOUSES]
    skus = [factories.make_listed_sku(price=str(29 + i % 40 * 5), cost=str(12 + i % 40 * 2))
            for i in range(SKUS)]
    for index, sku in enumerate(skus):
        for warehouse in warehouses:
            inventory_actions.receive_stock(sku, warehouse=warehouse, quantity=100_000,
                                            reason="benchmark receipt", actor=None)
        Stock.objects.filter(sku=sku).update(
            bin_location=f"{'ABCDEF'[index % 6]}-{index // 6 % 20 + 1:02d}-{index % 17 + 1:02d}")
    log(f"{len(warehouses)} warehouses, {len(skus)} SKUs stocked")
    customers = Customer.objects.bulk_create([
        Customer(code=f"B{n:06d}", nickname=f"买家{n}", name=f"顾客{n}", phone=f"139{n:08d}",
                 province_code=rng.choice(PROVINCES), city="城市")
        for n in range(CUSTOMERS)], batch_size=1000)
    now = timezone.now()
    stock_of = {(s.sku_id, s.warehouse_id): s.pk for s in Stock.objects.all()}
    nearest = {w.province_code: w for w in warehouses}
    orders, lines, reservations = [], [], []
    for n in range(ORDERS):
        customer = rng.choice(customers)
        province = rng.choice(REMOTE) if rng.random() < 0.03 else customer.province_code
        warehouse = nearest.get(province, warehouses[n % 3])
        chosen = rng.sample(skus, rng.choice((1, 1, 1, 2, 2, 3)))
        quantities = [rng.choice((1, 1, 1, 2, 3)) for _ in chosen]
        if rng.random() < 0.002:
            quantities[0] = 40  # a bulk buy: over the amount threshold
        goods = sum((sku.price_amount * q for sku, q in zip(chosen, quantities, strict=True)),
                    Decimal("0"))
        paid_at = now - timedelta(minutes=rng.randint(5, 36 * 60))
        order = Order(number=f"B{n:09d}", customer=customer, status="paid", goods_amount=goods,
                      total_amount=goods, paid_amount=goods, recipient_name=customer.name,
                      recipient_phone=customer.phone, province_code=province, city="城市",
                      district="某区", address_detail=f"幸福路 {n % 997 + 1} 号 {n % 13 + 1} 室",
                      buyer_note="请尽快发货" if rng.random() < 0.05 else "",
                      placed_at=paid_at - timedelta(minutes=2), paid_at=paid_at)
        orders.append(order)
        for sku, quantity in zip(chosen, quantities, strict=True):
            lines.append((order, OrderLine(sku=sku, warehouse=warehouse, product_title=f"商品 {sku.code}",
                                           sku_code=sku.code, quantity=quantity,
                                           unit_price_amount=sku.price_amount,
                                           unit_cost_amount=sku.cost_amount,
                                           total_amount=sku.price_amount * quantity)))
            reservations.append((order, stock_of[(sku.pk, warehouse.pk)], quantity, paid_at))
    with transaction.atomic():
        Order.objects.bulk_create(orders, batch_size=2000)
        for order, line in lines:
            line.order = order
        OrderLine.objects.bulk_create([line for _order, line in lines], batch_size=2000)
        Reservation.objects.bulk_create([
            Reservation(stock_id=stock, reference=f"order:{order.number}", quantity=quantity,
                        created_at=at) for order, stock, quantity, at in reservations],
            batch_size=2000)
        with connection.cursor() as cursor:  # the stock rows hold what is reserved
            cursor.execute("""
                UPDATE inventory_stock s SET reserved = r.units
                FROM (SELECT stock_id, SUM(quantity) AS units FROM inventory_reservation
                      WHERE status = 'active' GROUP BY stock_id) r
                WHERE r.stock_id = s.id""")
    log(f"{len(orders)} paid orders, {len(lines)} lines, {len(reservations)} reservations")
    return owner, [order.pk for order in orders]


# ---- the measurements -----------------------------------------------------------------------

def measure_review(order_ids: list[int]) -> float:
    from django.db import connection

    from zhanggui.orders.review import auto_review_orders
    from zhanggui.orders.review_models import ReviewRule

    ReviewRule.objects.update(is_active=True)
    active = ReviewRule.objects.filter(is_active=True).count()
    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("""SELECT o.id, o.total_amount, o.buyer_note, o.seller_note, o.province_code,
                                 o.city, o.district, o.recipient_phone_index, o.customer_id,
                                 l.sku_id, l.quantity, l.unit_price_amount, l.unit_cost_amount
                          FROM orders_order o JOIN orders_orderline l ON l.order_id = o.id
                          WHERE o.id = ANY(%s)""", [order_ids])
        cursor.fetchall()
    log(f"baseline: raw SQL read of the review facts (orders × lines) "
        f"{time.perf_counter() - started:.3f} s")
    started = time.perf_counter()
    summary = auto_review_orders(order_ids)
    seconds = time.perf_counter() - started
    log(f"auto review: {summary.reviewed} reviewed, {summary.held} held by {active} active rules "
        f"in {seconds:.2f} s")
    return len(order_ids) / seconds


def measure_waves(owner) -> tuple[float, int]:
    from django.db import connection
    from django.utils import timezone

    from zhanggui.fulfillment import waves
    from zhanggui.orders.models import Order

    held = Order.objects.filter(status="paid").update(status="reviewed", reviewed_at=timezone.now(),
                                                      is_held=False)
    reviewed = Order.objects.filter(status="reviewed").count()
    log(f"{held} held orders released in bulk; {reviewed} reviewed orders")
    started = time.perf_counter()
    built = waves.build_waves(actor=owner)
    rows = sum(len(waves.pick_list(wave)) for wave in built)
    seconds = time.perf_counter() - started
    log(f"{len(built)} waves with {rows} pick rows in {seconds:.2f} s")
    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("""SELECT s.wave_id, st.bin_location, l.sku_id, SUM(l.quantity)
                          FROM fulfillment_shipmentline l
                          JOIN fulfillment_shipment s ON s.id = l.shipment_id
                          JOIN inventory_stock st ON st.sku_id = l.sku_id
                               AND st.warehouse_id = s.warehouse_id
                          WHERE s.wave_id IS NOT NULL
                          GROUP BY 1, 2, 3 ORDER BY 1, 2""")
        cursor.fetchall()
    log(f"baseline: raw SQL pick-list aggregate of every wave {time.perf_counter() - started:.3f} s")
    return seconds, reviewed


def measure_labels(owner) -> float:
    import weasyprint

    from zhanggui.fulfillment import documents, waybills
    from zhanggui.fulfillment.models import CarrierService, Shipment

    service = CarrierService.objects.filter(is_active=True).order_by("-is_default", "pk").first()
    service.waybill_prefix, service.waybill_next, service.waybill_last = "BN", 1, 9_999_999
    service.save()
    parcels = list(Shipment.objects.filter(status="picking").order_by("pk")[:100])
    waybills.assign_tracking_numbers(parcels, service=service, actor=owner)
    parcels = list(Shipment.objects.filter(pk__in=[p.pk for p in parcels]))
    documents.labels_pdf(parcels[:2])  # fonts and templates loaded once
    started = time.perf_counter()
    pdf = documents.labels_pdf(parcels)
    seconds = time.perf_counter() - started
    log(f"labels: {len(parcels)} parcels, {len(pdf) // 1024} KiB in {seconds:.2f} s")
    html = "".join(f"<section style='page-break-after:always'>{p.tracking_number}</section>"
                   for p in parcels)
    started = time.perf_counter()
    weasyprint.HTML(string=f"<html><body>{html}</body></html>").write_pdf()
    log(f"baseline: WeasyPrint, 100 pages of a bare tracking number "
        f"{time.perf_counter() - started:.2f} s")
    return seconds * 100 / len(parcels)


def measure_workbench(owner) -> float:
    from django.test import Client
    from django.urls import reverse

    client = Client()
    client.force_login(owner)
    url = reverse("admin:index")
    timings = []
    for attempt in range(WORKBENCH_RENDERS + 2):
        started = time.perf_counter()
        response = client.get(url)
        elapsed = (time.perf_counter() - started) * 1000
        assert response.status_code == 200, response.status_code
        if attempt >= 2:
            timings.append(elapsed)
    log(f"workbench: median {statistics.median(timings):.1f} ms, max {max(timings):.1f} ms")
    return statistics.median(timings)


def main() -> None:
    url = bench_database_url("zg_bench_fulfillment")
    recreate_database(url)
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zhanggui.settings")
    os.environ.pop("REDIS_URL", None)  # Celery eager: tasks opened in-process
    import django

    django.setup()
    from django.core.management import call_command

    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    log(f"migrated {url.rsplit('/', 1)[1]} in {time.perf_counter() - started:.1f} s")
    rng = random.Random(14)
    owner, order_ids = build_store(rng)
    result = {"orders": len(order_ids)}
    result["review_orders_per_second"] = round(measure_review(order_ids), 1)
    wave_seconds, _reviewed = measure_waves(owner)
    result["wave_seconds"] = round(wave_seconds, 2)
    result["label_pdf_seconds_per_100"] = round(measure_labels(owner), 2)
    result["workbench_ms"] = round(measure_workbench(owner), 1)
    print(json.dumps({key: result[key] for key in (
        "review_orders_per_second", "wave_seconds", "label_pdf_seconds_per_100", "workbench_ms",
        "orders")}))


if __name__ == "__main__":
    main()
