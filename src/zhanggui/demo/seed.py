"""Seed the demo store: one call, one transaction, deterministic for a seed and a day.

The history is simulated in memory with the rules the actions use and written in bulk;
calling the per-order actions 30,000 times would take far too long. The invariants the
actions enforce hold afterwards (``tests/demo`` checks them against the database). Then the
last day is played through the real actions on the demo's clock (``live``): automatic
review, tasks and their escalation, the abnormal-parcel sweeps, waves and packing.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from time import perf_counter

from django.db import transaction

from zhanggui.catalog.models import Product, Sku
from zhanggui.demo import (
    anomalies_seed,
    campaigns_seed,
    channel_sync_seed,
    channels_seed,
    customers_seed,
    experiments_seed,
    live,
    live_plan,
    live_seed,
    live_setup,
    log_write,
    marketing_seed,
    master_logs,
    membership_seed,
    orders_write,
    pricing_seed,
    segments_seed,
    service_seed,
    supply_seed,
    team_seed,
    traffic_seed,
)
from zhanggui.demo.basics import seed_staff, seed_warehouses
from zhanggui.demo.catalog_seed import seed_catalog
from zhanggui.demo.context import Clock, SeedOptions, stream
from zhanggui.demo.data_people import STAFF
from zhanggui.demo.lifecycle import run_lifecycles
from zhanggui.demo.logistics_plan import Logistics
from zhanggui.demo.numbers import Numbers
from zhanggui.demo.orders_plan import plan_orders
from zhanggui.demo.parcels_write import ParcelWriter
from zhanggui.demo.stock_sim import StockSimulation
from zhanggui.inventory.queries import ledger_mismatches
from zhanggui.orders.models import Order


@dataclass
class SeedReport:
    seconds: float
    counts: dict[str, int] = field(default_factory=dict)


class Progress:
    """Prints one line per phase: its name, seconds taken and what it made."""

    def __init__(self, write: Callable[[str], None]):
        self.write = write
        self.started = self.last = perf_counter()

    def done(self, phase: str, detail: str = "") -> None:
        now = perf_counter()
        self.write(f"  {phase:<34}{now - self.last:6.1f} s  {detail}")
        self.last = now

    @property
    def total(self) -> float:
        return perf_counter() - self.started


def demo_logins() -> list[tuple[str, str]]:
    """(username, display name) of the demo staff; the password is ``DEMO_PASSWORD``."""
    return list(STAFF)


def is_seeded() -> bool:
    """True when the store already holds products or orders (demo or not)."""
    return Product.objects.exists() or Order.objects.exists()


def seed_demo(options: SeedOptions, write: Callable[[str], None] = print) -> SeedReport:
    """Generate and write the whole demo store. Raises if the store is not empty."""
    if is_seeded():
        raise RuntimeError("the store already has products or orders; reset it first")
    clock = Clock.for_options(options)
    write(f"Seeding the demo store (seed {options.seed}, scale {options.scale:g}, "
          f"today {clock.today:%Y-%m-%d} {clock.now:%H:%M})")
    progress = Progress(write)
    with transaction.atomic():
        counts = _seed(options, clock, progress)
        mismatches = ledger_mismatches()
        if mismatches:
            raise RuntimeError(f"stock ledger does not explain rows {mismatches[:10]}")
        progress.done("checks", "ledger explains every stock row")
    write(f"Seeded in {progress.total:.1f} s.")
    return SeedReport(seconds=progress.total, counts=counts)


def _seed(options: SeedOptions, clock: Clock, progress: Progress) -> dict[str, int]:
    staff = seed_staff()
    services = live_setup.prepare_shop(clock, staff)
    progress.done("roles and staff", f"{len(staff)} logins, {len(services)} carrier services")
    catalog = seed_catalog(options, clock)
    master_logs.write_catalog_logs(catalog.drafts, staff)
    progress.done("catalog", f"{catalog.categories} categories, {len(catalog.drafts)} products, "
                             f"{len(catalog.skus)} SKUs")
    warehouses = seed_warehouses(clock)
    customers = customers_seed.plan_customers(options)
    orders = plan_orders(options, clock, customers, catalog.skus)
    progress.done("order plan", f"{len(orders)} orders, {len(customers)} customers")
    numbers = Numbers(stream(options, "numbers"))
    logistics = Logistics(stream(options, "logistics"), clock, services)
    run_lifecycles(stream(options, "lifecycle"), clock, numbers, orders, logistics)
    anomalies_seed.plant(stream(options, "anomalies"), clock, numbers, orders)
    live_plan.mark_live(clock, orders)
    progress.done("payments, fulfillment, after-sales")
    simulation = StockSimulation(stream(options, "stock"), clock, catalog.skus, warehouses, orders)
    movements = simulation.run()
    suppliers = supply_seed.seed_suppliers(clock, catalog.skus, warehouses, staff.get("supplier"))
    purchase_orders = supply_seed.write_purchase_history(stream(options, "supply"), clock,
                                                         movements, suppliers, staff)
    orders_write.assign_tracking_numbers(numbers, orders)
    progress.done("stock simulation", f"{len(simulation.stocks)} stock rows, {len(movements)} "
                                      f"movements, {simulation.urgent_receipts} urgent receipts, "
                                      f"{purchase_orders} purchase orders")
    _note_first_orders(customers, orders)
    customers_seed.write_customers(options, clock, customers)
    progress.done("customers written", f"{len(customers)}")
    orders_write.write_stock(simulation.stocks, movements, staff,
                             clock.at(clock.first_day - timedelta(days=1), 9))
    receipt_logs = master_logs.write_receipt_logs(movements, staff)
    progress.done("stock and ledger written")
    parcels = ParcelWriter(clock, services, dict(Sku.objects.values_list("pk", "weight_grams")))
    orders_write.write_orders(orders, staff)
    orders_write.write_aftersales(orders, staff)
    progress.done("orders written", f"{sum(len(o.lines) for o in orders)} lines")
    orders_write.write_parcels(orders, staff, parcels)
    progress.done("parcels and tracking written", f"{parcels.parcels} parcels, "
                                                  f"{parcels.events} tracking events")
    progress.done("drop-ship supplier orders", f"{supply_seed.write_supplier_orders(clock)}")
    traffic_seed.seed_traffic(options, clock, catalog.drafts, orders, progress)
    progress.done("pricing", f"{pricing_seed.seed_pricing(clock, staff)} offers and templates")
    _seed_channels_and_live(clock, staff, progress)
    spend = marketing_seed.write_ad_spend(stream(options, "marketing"), clock, orders, staff)
    progress.done("ad spend", f"{spend} days × channels")
    _seed_customers_for_life(options, clock, staff, progress)
    with live_setup.simulated_now(clock.now):
        team = team_seed.seed_team(clock, staff, finalise=False)
    progress.done("team KPIs", ", ".join(f"{v} {k}" for k, v in team.items()))
    order_logs = log_write.write_order_logs(orders, staff)
    progress.done("operation log written", f"{order_logs + receipt_logs} entries")
    today = live.run_live(stream(options, "live"), clock, staff, services, orders)
    progress.done("today, through the actions", ", ".join(f"{v} {k}" for k, v in today.items()))
    return {"products": len(catalog.drafts), "skus": len(catalog.skus),
            "customers": len(customers), "orders": len(orders), "movements": len(movements)}


def _seed_channels_and_live(clock: Clock, staff, progress: Progress) -> None:
    """Sales channels with listings and prices, their stock sync (after the stock is written),
    livestream sessions."""
    with live_setup.simulated_now(clock.now):  # stamped on the demo's clock
        channels = channels_seed.seed_channels(clock, staff)
        sync = channel_sync_seed.seed_channel_sync(clock, staff)
    progress.done("channels", ", ".join(f"{v} {k}" for k, v in channels.items()))
    progress.done("channel stock sync", ", ".join(f"{v} {k}" for k, v in sync.items()))
    live_sessions = live_seed.seed_live(clock, staff)
    progress.done("live sessions", ", ".join(f"{v} {k}" for k, v in live_sessions.items()))


def _seed_customers_for_life(options: SeedOptions, clock: Clock, staff, progress: Progress) -> None:
    """Membership and points, segments, past campaigns with an A/B test, the service desk."""
    points = membership_seed.seed_membership(clock, staff)
    progress.done("membership and points", ", ".join(f"{v} {k}" for k, v in points.items()))
    progress.done("segments", f"{segments_seed.seed_segments(staff.get('operator'))} definitions")
    sent = campaigns_seed.seed_campaigns(clock, staff)
    experiment = experiments_seed.seed_experiments(clock, staff)
    progress.done("campaigns", ", ".join(f"{v} {k}" for k, v in sent.items())
                  + (f", A/B test {experiment.code}" if experiment else ""))
    desk = service_seed.seed_service(stream(options, "service"), now=clock.now)
    progress.done("service desk", ", ".join(f"{v} {k}" for k, v in desk.items()))


def _note_first_orders(customers, orders) -> None:
    for customer in customers:
        customer.order_count = 0
    for order in orders:  # sorted by placement
        customer = order.customer
        customer.first_order_at = customer.first_order_at or order.placed_at
        customer.last_order_at = order.placed_at
        customer.order_count += 1
