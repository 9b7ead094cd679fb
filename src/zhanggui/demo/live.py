"""The demo's "today", played through the real actions after the bulk history, each step at
its own moment on the simulated clock (``live_setup.simulated_now``), in time order:

* waybill ranges loaded on the carrier services a week ago;
* today's and yesterday's paid orders through automatic review when the history reviewed
  them (some held: buyer notes, remote regions, large amounts, four orders to one address),
  their tasks opened;
* the carrier's callback that a showcase parcel's delivery failed (its task opens);
* the abnormal-parcel sweep and the escalation of overdue tasks at a few moments, as the
  beat runs them (overdue tasks go up to the owner, the staff's lead);
* reviewed orders allocated into parcels, one or two waves of the busiest warehouse picking,
  a few of their parcels scanned (one wrong scan refused) and packed.
"""

import random
from collections.abc import Callable
from datetime import datetime, timedelta

from django.db.models import Count

from zhanggui.accounts.models import Staff
from zhanggui.catalog.models import Sku
from zhanggui.demo import live_plan
from zhanggui.demo.context import Clock
from zhanggui.demo.live_setup import simulated_now
from zhanggui.demo.numbers import TRACKING_FORMATS
from zhanggui.demo.parcels_write import PACKAGING_GRAMS, PACKAGING_PER_UNIT_GRAMS
from zhanggui.demo.plans import OrderPlan
from zhanggui.fulfillment import anomalies, carriers, packing, waves, waybills
from zhanggui.fulfillment.allocation import allocate_orders
from zhanggui.fulfillment.models import (
    CarrierService,
    Shipment,
    ShipmentStatus,
    TrackingEventKind,
    TrackingSource,
)
from zhanggui.fulfillment.tracking import TrackingEventIn, record_tracking_events
from zhanggui.inventory.models import Warehouse
from zhanggui.orders.review import auto_review_orders
from zhanggui.tasks.actions import escalate_overdue_tasks

K = TrackingEventKind
WAYBILLS_PER_SERVICE = 10_000
PACKED_IN_WAVES = 3
FAILED_NOTE = "收件人电话无人接听，派送失败"
FAILURE_AFTER = timedelta(days=2)

Step = tuple[datetime, int, Callable[[], object]]


class LivePhase:
    def __init__(self, rng: random.Random, clock: Clock, staff: dict[str, Staff],
                 services: dict[str, CarrierService]):
        self.rng, self.clock, self.staff, self.services = rng, clock, staff, services
        self.steps: list[Step] = []
        self.counts: dict[str, int] = {"reviewed": 0, "held": 0, "waves": 0, "packed": 0,
                                       "events": 0}

    def at(self, moment: datetime, step: Callable[[], object]) -> None:
        self.steps.append((min(moment, self.clock.now), len(self.steps), step))

    def run(self, orders: list[OrderPlan]) -> dict[str, int]:
        now = self.clock.now
        self.at(now - timedelta(days=8), self.load_waybill_ranges)
        for order in orders:
            if order.live == live_plan.REVIEW and order.live_review_at is not None:
                self.at(order.live_review_at, lambda o=order: self.review(o))
            elif order.live == live_plan.FAILED:
                self.plan_failure(order)
        for hours in (30, 12, 0):
            moment = now - timedelta(hours=hours, minutes=1 if hours == 0 else 0)
            self.at(moment, lambda m=moment: anomalies.sweep_abnormal_parcels(now=m))
            self.at(moment, lambda m=moment: escalate_overdue_tasks(now=m))
        wave_at = now - timedelta(minutes=20)
        self.at(wave_at, self.build_waves)
        self.at(now - timedelta(seconds=30), lambda: allocate_orders(actor=self.staff["warehouse"]))
        with simulated_now(now) as simulated:
            for moment, _n, step in sorted(self.steps, key=lambda s: (s[0], s[1])):
                simulated.set(moment)
                step()
        return self.counts

    # ---- set-up ----------------------------------------------------------------------------

    def load_waybill_ranges(self) -> None:
        """The carriers' electronic-waybill ranges (电子面单号段), in the number format of
        each carrier's historical parcels."""
        for carrier, service in sorted(self.services.items()):
            prefix, digits = TRACKING_FORMATS[carrier]
            first = self.rng.randrange(10 ** (digits - 1), 10 ** digits - WAYBILLS_PER_SERVICE)
            carriers.load_waybill_range(service, prefix=prefix, first=first,
                                        last=first + WAYBILLS_PER_SERVICE - 1, digits=digits,
                                        actor=self.staff["owner"])

    # ---- review ----------------------------------------------------------------------------

    def review(self, order: OrderPlan) -> None:
        summary = auto_review_orders([order.pk], actor=None)
        self.counts["reviewed"] += summary.reviewed
        self.counts["held"] += summary.held

    # ---- the showcase parcel whose delivery fails ----------------------------------------

    def plan_failure(self, order: OrderPlan) -> None:
        failed_at = order.shipped_at + FAILURE_AFTER
        self.at(failed_at, lambda: self.event(order, K.FAILED, failed_at, FAILED_NOTE))

    def event(self, order: OrderPlan, kind: str, moment: datetime, description: str) -> None:
        """A carrier's callback, as ``/fulfillment/tracking/callback`` records it."""
        result = record_tracking_events(
            [TrackingEventIn(carrier=order.carrier, tracking_number=order.tracking_number,
                             event_id=f"{order.tracking_number}-{kind}", kind=kind,
                             occurred_at=moment, description=description)],
            source=TrackingSource.API, actor=None)
        self.counts["events"] += result.recorded

    def pack_parcels(self, parcels: list[Shipment], *, wrong_scan: bool = False) -> None:
        actor = self.staff["warehouse"]
        for parcel in parcels:
            lines = packing.packing_lines(parcel)
            if wrong_scan:
                other = (Sku.objects.exclude(pk__in=[line["sku_id"] for line in lines])
                         .order_by("pk").values_list("code", flat=True).first())
                if other:
                    packing.scan(parcel, other, actor=actor)
                wrong_scan = False
            for line in lines:
                for _unit in range(line["quantity"] - line["packed_quantity"]):
                    packing.scan(parcel, line["barcode"] or line["sku_code"], actor=actor)
            packing.finish_packing(parcel, weight_grams=_weight(parcel), actor=actor)
            self.counts["packed"] += 1

    # ---- waves -----------------------------------------------------------------------------

    def build_waves(self) -> None:
        """Waves of the warehouse with the most parcels to pick (every reviewed order gets
        its parcels first), then a few of their parcels packed."""
        actor = self.staff["warehouse"]
        allocate_orders(actor=actor)
        busiest = (Shipment.objects.filter(status=ShipmentStatus.PENDING, wave__isnull=True)
                   .values("warehouse_id").annotate(n=Count("pk"))
                   .order_by("-n", "warehouse_id").first())
        if busiest is None:
            return
        built = waves.build_waves(warehouse=Warehouse.objects.get(pk=busiest["warehouse_id"]),
                                  actor=actor)
        self.counts["waves"] += len(built)
        # A few parcels packed, each wave keeping one to pick (unless it holds just one).
        by_wave = [list(wave.shipments.order_by("pk")) for wave in built]
        chosen = [p for parcels in by_wave for p in parcels[:-1]][:PACKED_IN_WAVES]
        if not chosen and len(by_wave) > 1:
            chosen = by_wave[0]
        if not chosen:
            return
        waybills.assign_tracking_numbers(chosen, actor=actor)
        self.pack_parcels(chosen, wrong_scan=True)


def _weight(parcel: Shipment) -> int:
    lines = list(parcel.lines.values_list("sku__weight_grams", "quantity"))
    units = sum(quantity for _grams, quantity in lines)
    grams = sum(grams * quantity for grams, quantity in lines)
    grams += PACKAGING_GRAMS + PACKAGING_PER_UNIT_GRAMS * units
    return -(-grams // 10) * 10


def run_live(rng: random.Random, clock: Clock, staff: dict[str, Staff],
             services: dict[str, CarrierService], orders: list[OrderPlan]) -> dict[str, int]:
    return LivePhase(rng, clock, staff, services).run(live_plan.live_orders(orders))
