"""How parcels travel in the simulated history.

Which warehouse will most likely ship an order (the placement rule prefers the buyer's
province, then region: east → Hangzhou, south → Guangzhou, southwest → Chengdu, the rest
Hangzhou, which stocks everything), and from it which of its usual carriers takes the
parcel; whether the warehouse ships late (a few percent, more in the festival peaks); when
the carrier collects the parcel (a few hours after hand-over, the odd one the next day);
and when it arrives against the promised days of the carrier's service for the destination
(顺丰 and 京东 keep their promise more often than the economy carriers). The promised days
come from the carrier services' rate cards (``fulfillment.carriers.promised_days``).

``journey_events`` lists a parcel's tracking events (collected, departures and arrivals at
hubs, out for delivery, delivered; now and then a failed first attempt; damaged or lost
when the buyer later asks for a refund for that reason).
"""

import random
from dataclasses import dataclass
from datetime import datetime, timedelta

from zhanggui.aftersales.models import ReasonCode
from zhanggui.core.regions import RegionGroup, get_province
from zhanggui.demo import live_plan, timeline
from zhanggui.demo.context import Clock, minutes, weighted
from zhanggui.demo.plans import OrderPlan
from zhanggui.fulfillment import carriers
from zhanggui.fulfillment.models import Carrier, CarrierService, TrackingEventKind

C = Carrier
K = TrackingEventKind
# The usual carriers of each warehouse (percent of its parcels).
CARRIERS = {
    "HZ01": weighted(((C.ZTO, 30), (C.YTO, 25), (C.SF, 15), (C.YUNDA, 15), (C.STO, 15))),
    "GZ01": weighted(((C.JTEXPRESS, 30), (C.YUNDA, 25), (C.SF, 20), (C.ZTO, 15), (C.EMS, 10))),
    "CD01": weighted(((C.STO, 25), (C.YTO, 20), (C.ZTO, 20), (C.EMS, 20), (C.JD, 15))),
}
WAREHOUSE_BY_REGION = {RegionGroup.EAST: "HZ01", RegionGroup.SOUTH: "GZ01",
                       RegionGroup.SOUTHWEST: "CD01"}
CITY_OF_WAREHOUSE = {"HZ01": "杭州", "GZ01": "广州", "CD01": "成都"}
# Orders a warehouse hands over more than 48 h after payment, in percent; festival peaks add.
LATE_SHIP_PCT = {"HZ01": 2, "GZ01": 3, "CD01": 5}
PEAK_LATE_PCT = 3
# Parcels delivered by the promised time, per carrier, in percent.
ON_TIME_PCT = {C.SF: 97, C.JD: 96, C.ZTO: 91, C.YTO: 90, C.YUNDA: 89, C.STO: 88, C.EMS: 87,
               C.JTEXPRESS: 86}
FAILED_ATTEMPT_PERMILLE = 12     # a first delivery attempt fails, the next day's succeeds
LATE_COLLECTION_PCT = 3          # the carrier's van comes the next morning
FAILED_NOTES = ("收件人电话无人接听，改日派送", "收件人不在，已联系改约派送时间",
                "地址不详，已联系收件人确认")


def expected_warehouse(order: OrderPlan) -> str:
    province = get_province(order.address.province_code)
    return WAREHOUSE_BY_REGION.get(province.group, "HZ01") if province else "HZ01"


def is_peak(day) -> bool:
    """The festival rush (618, 双11 and its pre-sale, 双12): warehouses fall behind."""
    return timeline.festival_pct(day) >= 130


@dataclass(frozen=True)
class Journey:
    carrier: str
    collected_at: datetime
    promised_at: datetime
    delivered_at: datetime


class Logistics:
    """Draws from its own random stream, so the rest of the history does not shift."""

    def __init__(self, rng: random.Random, clock: Clock, services: dict[str, CarrierService]):
        self.rng, self.clock, self.services = rng, clock, services
        self._days: dict[tuple[str, str], int] = {}

    def promised_days(self, carrier: str, province_code: str) -> int:
        key = (carrier, province_code)
        if key not in self._days:
            service = self.services.get(carrier)
            self._days[key] = (carriers.promised_days(service, province_code) if service
                               else 3)
        return self._days[key]

    def ships_late(self, order: OrderPlan, paid_at: datetime) -> bool:
        pct = LATE_SHIP_PCT.get(expected_warehouse(order), 3)
        if is_peak(self.clock.local(paid_at).date()):
            pct += PEAK_LATE_PCT
        return self.rng.randrange(100) < pct

    def late_ship_time(self, paid_at: datetime) -> datetime:
        """Handed over after the 48 hours: the backlog clears a day or two later."""
        return self.clock.during(self.rng, paid_at + timedelta(hours=48) + minutes(
            self.rng, 30, 30 * 60), 9, 19)

    def journey(self, order: OrderPlan, shipped: datetime, natural: datetime) -> Journey:
        """The carrier, collection, promise and arrival of a parcel handed over at
        ``shipped`` that the road alone would bring at ``natural``: the carrier keeps its
        promise (``ON_TIME_PCT``) or not, and the arrival moves to agree."""
        rng = self.rng
        carrier = CARRIERS[expected_warehouse(order)].pick(rng)
        collected = shipped + minutes(rng, 40, 300)
        if rng.randrange(100) < LATE_COLLECTION_PCT:
            collected = self.clock.during(rng, shipped + timedelta(hours=14), 8, 10)
        promised = shipped + timedelta(days=self.promised_days(carrier,
                                                               order.address.province_code))
        delivered = natural
        if rng.randrange(100) < ON_TIME_PCT[carrier]:
            if delivered > promised:  # the carrier made it in time after all
                delivered = promised - minutes(rng, 10, 8 * 60)
        elif delivered <= promised:  # held up at a hub
            delivered = self.clock.during(rng, promised + minutes(rng, 60, 2 * 24 * 60), 8, 21)
        delivered = max(delivered, collected + timedelta(hours=8))
        return Journey(carrier, collected, promised, delivered)

    def failed_attempt(self, order: OrderPlan) -> bool:
        return self.rng.randrange(1000) < FAILED_ATTEMPT_PERMILLE


def parcel_issue(order: OrderPlan) -> str:
    """A parcel the buyer later reports damaged (or never received) ends damaged (lost) —
    two in three of those: the others were damaged inside an intact box."""
    reasons = {r.reason_code for r in order.requests}
    if ReasonCode.DAMAGED in reasons and int(order.number[-1]) % 3:
        return K.DAMAGED
    if ReasonCode.NOT_RECEIVED in reasons:
        return K.LOST
    return ""


def journey_events(order: OrderPlan, warehouse_code: str,
                   now: datetime) -> list[tuple[str, datetime, str, str]]:
    """(kind, time, location, description) of the parcel's events, oldest first, including
    any later than ``now`` (the writer keeps those up to now). A parcel that arrived before
    now keeps its milestones (collected, departed, delivered — or a failed attempt, damaged,
    lost); one still on its way also has a scan a day and the courier's round."""
    origin = CITY_OF_WAREHOUSE.get(warehouse_code, "杭州")
    destination = order.address.city or "目的地"
    collected, delivered = order.collected_at, order.delivered_at
    if order.live == live_plan.NOT_COLLECTED:  # the carrier never came (the sweep's task)
        return []
    events = [(K.COLLECTED, collected, origin, f"快递员已揽收（{origin}）"),
              (K.IN_TRANSIT, collected + timedelta(hours=3), origin,
               f"已离开{origin}转运中心，发往{destination}")]
    if order.live == live_plan.STALLED:  # nothing since (the sweep's task)
        return events
    if order.live == live_plan.FAILED:  # the failure itself comes through the tracking action
        return [*events, (K.OUT_FOR_DELIVERY, order.shipped_at + timedelta(days=1, hours=20),
                          destination, f"{destination}派送中")]
    arrival = delivered or now + timedelta(days=1)  # not arrived yet: scans up to now
    if arrival > now - timedelta(days=1):
        hop = collected + timedelta(hours=27)
        while hop < arrival - timedelta(hours=12):  # a scan a day keeps it from stalling
            events.append((K.IN_TRANSIT, hop, "", "运输中，已到达中转站"))
            hop += timedelta(hours=24)
        events.append((K.OUT_FOR_DELIVERY, arrival - timedelta(hours=2), destination,
                       f"{destination}派送中"))
    if delivered is None:
        return events
    if order.failed_attempt_at is not None:
        events.append((K.FAILED, order.failed_attempt_at, destination,
                       FAILED_NOTES[order.failed_attempt_at.minute % len(FAILED_NOTES)]))
    issue = parcel_issue(order)
    if issue == K.DAMAGED:
        events.append((K.DAMAGED, delivered, destination, "包裹破损，收件人拒收"))
    elif issue == K.LOST:
        events.append((K.LOST, delivered, "", "包裹遗失，已登记理赔"))
    else:
        events.append((K.DELIVERED, delivered, destination, "已签收"))
    return sorted(events, key=lambda event: event[1])
