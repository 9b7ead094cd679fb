"""Benchmark: webhooks delivered from the outbox to a receiver that fails (issue 20).

    .venv/bin/python benchmarks/webhooks.py [--events 10000] [--senders 2]

Uses its own PostgreSQL database (default ``zg_bench_webhooks`` on the server of
``DATABASE_URL``), dropped, created and migrated at the start. Steps:

1. A store: 20 SKUs stocked in one warehouse, 500 customers, and one webhook endpoint taking
   every event type, pointing at a local receiver (``tests/integrations/receiver.py``: it
   verifies every attempt with the reference ``standardwebhooks`` library, refuses 20 % of
   the attempts at random with a 500, and keeps the first accepted body of each webhook-id).
2. A producer process runs real actions until the outbox holds ``--events`` events:
   ``orders.place_order``, ``orders.record_payment`` (the automatic review runs on commit),
   ``fulfillment.ship_order`` and ``fulfillment.mark_delivered`` for each order — each writes
   its events in its own transaction.
3. Meanwhile ``--senders`` processes run what the Celery beat task runs
   (``integrations.webhooks.deliver_due``) in a loop, pausing 0.2 s when nothing is due.
   When half of the events are written, the receiver stops listening for 10 s (connections
   refused), then comes back on the same port.
4. The run ends when every event has been accepted once, or 600 s after the producer ended.

Prints one JSON line on stdout (progress and detail on stderr):

- ``events``: events written to the outbox by the producer's actions.
- ``delivered``: distinct events the receiver accepted (a 2xx answer to a valid signature).
- ``lost``: events never accepted (``events`` − ``delivered``; 0 expected).
- ``duplicates_after_dedupe``: after the receiver drops repeats of a webhook-id, accepted
  bodies that are the same event under another id, or an id the outbox does not hold (0).
- ``signatures_valid``: delivered events every attempt of which verified (= ``delivered``).
- ``receiver_failure_rate``: the share of the senders' attempts that failed — refused at
  random or sent while the receiver was down (from the delivery log, as a fraction).
- ``p95_delivery_seconds``: from an event's commit (its ``occurred_at``, set in the
  transaction) to the receiver's first acceptance of it, 95th percentile.
- ``events_per_second``: ``delivered`` ÷ the seconds from the first event's commit to the
  last first acceptance (so the retries of the last refused events are inside it).
"""

import argparse
import json
import multiprocessing
import os
import random
import sys
import time
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from bench_db import bench_database_url, log, recreate_database  # noqa: E402

SKUS = 20
CUSTOMERS = 500
REFUSED_SHARE = 0.2
DOWN_SECONDS = 10
TAIL_SECONDS = 600


def build_store(receiver_url: str):
    from tests import factories

    from zhanggui.integrations import webhooks

    warehouse = factories.make_warehouse()
    skus = [factories.make_listed_sku(price=str(39 + i)) for i in range(SKUS)]
    for sku in skus:
        factories.stock_up(sku, warehouse, 1_000_000)
    customers = [factories.make_customer() for _ in range(CUSTOMERS)]
    endpoint = webhooks.create_endpoint(url=receiver_url, description="benchmark receiver",
                                        actor=None)
    return endpoint, [s.pk for s in skus], [c.pk for c in customers]


# ---- the processes ----------------------------------------------------------------------------

def _written(event_model) -> int:
    """Events written since the endpoint was made (the store's own setup is before it)."""
    return event_model.objects.filter(occurred_at__gte=_since()).count()


def _since():
    from zhanggui.integrations.models import WebhookEndpoint

    return WebhookEndpoint.objects.get().created_at


def produce(target: int, sku_ids: list[int], customer_ids: list[int], done) -> None:
    """Real actions, one order after the other, until they have written ``target`` events."""
    from zhanggui.customers.models import Customer
    from zhanggui.events.models import Event
    from zhanggui.fulfillment import actions as fulfillment
    from zhanggui.orders import actions as orders
    from zhanggui.orders.models import Order, OrderStatus

    rng = random.Random(20)
    number = 0
    try:
        while _written(Event) < target:
            number += 1
            customer = Customer.objects.get(pk=rng.choice(customer_ids))
            lines = [orders.LineRequest(pk, rng.choice((1, 1, 2)))
                     for pk in rng.sample(sku_ids, rng.choice((1, 1, 2)))]
            recipient = orders.Recipient(name=f"买家{number}", phone=f"139{number:08d}",
                                         province_code="330000", city="杭州",
                                         address_detail=f"西湖区文三路 {number} 号")
            order = orders.place_order(customer, lines=lines, recipient=recipient, actor=None)
            orders.record_payment(order, method="alipay", amount=order.total_amount,
                                  succeeded=True, actor=None)
            order = Order.objects.get(pk=order.pk)
            if order.status != OrderStatus.REVIEWED:
                continue  # held by a review rule: placed and paid only
            shipment = fulfillment.ship_order(order, carrier="sf", tracking_number=f"SF{number:010d}",
                                              actor=None)
            fulfillment.mark_delivered(shipment, actor=None)
    finally:
        log(f"producer: {number} orders")
        done.set()


def send(stop) -> None:
    """What the beat's ``deliver_webhooks_task`` runs, in a loop."""
    from zhanggui.integrations import webhooks

    while not stop.is_set():
        if webhooks.deliver_due(limit=100)["attempted"] == 0:
            time.sleep(0.2)


def _child(receiver, target, args) -> None:
    # The child must not hold the receiver's listening socket, or the port stays open while
    # the receiver is down (connections would wait instead of being refused).
    receiver.server.socket.close()
    target(*args)


def _start(receiver, target, *args):
    from django.db import connections

    connections.close_all()  # a forked child opens its own connection
    process = multiprocessing.get_context("fork").Process(
        target=_child, args=(receiver, target, args), daemon=True)
    process.start()
    return process


# ---- the outcome ------------------------------------------------------------------------------

def _same_event_key(body: dict) -> str:
    return json.dumps([body["type"], body["subject"], body["timestamp"], body["data"]],
                      sort_keys=True)


def outcome(receiver) -> dict:
    from zhanggui.events.models import Event
    from zhanggui.integrations.models import WebhookAttempt

    committed = {str(e.event_id): e.occurred_at.timestamp() for e in
                 Event.objects.filter(occurred_at__gte=_since()).only("event_id", "occurred_at")}
    with receiver.lock:
        attempts = list(receiver.attempts)
        unique = dict(receiver.unique)
    first_accepted: dict[str, float] = {}
    all_valid: dict[str, bool] = {}
    for attempt in attempts:
        all_valid[attempt["id"]] = all_valid.get(attempt["id"], True) and attempt["valid"]
        if attempt["status"] == 200:
            first_accepted.setdefault(attempt["id"], attempt["at"])
    delivered = [event_id for event_id in unique if event_id in committed]
    foreign = len(unique) - len(delivered)
    same_event_twice = len(delivered) - len({_same_event_key(unique[i]) for i in delivered})
    latencies = sorted(first_accepted[i] - committed[i] for i in delivered)
    sent = WebhookAttempt.objects.count()
    failed = sent - WebhookAttempt.objects.filter(status_code__gte=200, status_code__lt=300).count()
    span = max(first_accepted[i] for i in delivered) - min(committed.values()) if delivered else 0
    log(f"attempts sent {sent}, failed {failed}, at the receiver {len(attempts)} "
        f"(repeats of an accepted id: {sum(a['status'] == 200 for a in attempts) - len(unique)}), "
        f"invalid signatures {sum(not a['valid'] for a in attempts)}")
    return {
        "events": len(committed),
        "delivered": len(delivered),
        "lost": len(committed) - len(delivered),
        "duplicates_after_dedupe": same_event_twice + foreign,
        "signatures_valid": sum(all_valid[i] for i in delivered),
        "receiver_failure_rate": round(failed / sent, 4) if sent else None,
        "p95_delivery_seconds": round(latencies[int(0.95 * (len(latencies) - 1))], 2)
        if latencies else None,
        "events_per_second": round(len(delivered) / span, 1) if span else None,
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--events", type=int, default=10_000)
    parser.add_argument("--senders", type=int, default=2)
    options = parser.parse_args()

    url = bench_database_url("zg_bench_webhooks")
    recreate_database(url)
    os.environ["DATABASE_URL"] = url
    os.environ["ZHANGGUI_WEBHOOK_ALLOW_PRIVATE"] = "1"  # the receiver listens on 127.0.0.1
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zhanggui.settings")
    os.environ.pop("REDIS_URL", None)  # Celery eager: the review runs on the payment's commit
    import django

    django.setup()
    from django.core.management import call_command
    from tests.integrations.receiver import Receiver

    from zhanggui.events.models import Event
    from zhanggui.integrations.models import WebhookDelivery

    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    log(f"migrated in {time.perf_counter() - started:.1f} s")
    rng = random.Random(21)
    with Receiver(refuse=lambda _n: rng.random() < REFUSED_SHARE) as receiver:
        endpoint, sku_ids, customer_ids = build_store(receiver.url)
        receiver.secret = endpoint.secret
        log(f"store built; receiver at {receiver.url}")
        context = multiprocessing.get_context("fork")
        produced, stop = context.Event(), context.Event()
        processes = [_start(receiver, produce, options.events, sku_ids, customer_ids, produced)]
        processes += [_start(receiver, send, stop) for _ in range(options.senders)]
        went_down = False
        ended_at = None
        while True:
            time.sleep(0.5)
            written = _written(Event)
            if not went_down and written >= options.events // 2:
                log(f"{written} events written: the receiver goes down for {DOWN_SECONDS} s")
                receiver.go_down(DOWN_SECONDS)
                went_down = True
                log("the receiver is back")
            if produced.is_set() and ended_at is None:
                ended_at = time.monotonic()
                log(f"producer done: {written} events")
            if ended_at is not None:
                accepted = sum(1 for _ in receiver.unique)
                if accepted >= written and not WebhookDelivery.objects.filter(
                        status="pending").exists():
                    break
                if time.monotonic() - ended_at > TAIL_SECONDS:
                    log("gave up waiting for the last deliveries")
                    break
        stop.set()
        for process in processes:
            process.join(timeout=30)
        result = outcome(receiver)
    log(f"endpoint still active: {type(endpoint).objects.get(pk=endpoint.pk).is_active}; "
        f"run ended {datetime.now():%H:%M:%S}")
    print(json.dumps(result))


if __name__ == "__main__":
    main()
