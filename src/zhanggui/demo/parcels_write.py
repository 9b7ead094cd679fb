"""Bulk writes of the history's parcels: one parcel per shipped order with its lines, its
carrier service, weight (the SKUs' weights plus packaging) and the carrier's charge
(``fulfillment.carriers.quote``, cached per service, province and weight), collection,
promise and delivery times, and its tracking events up to now. The parcel's tracking
fields are what ``rules_tracking.fold`` makes of those events, as if the carrier's callbacks
had brought them."""

from collections.abc import Mapping
from datetime import timedelta
from decimal import Decimal

from zhanggui.accounts.models import Staff
from zhanggui.core.errors import DomainError
from zhanggui.demo.context import Clock, chunked
from zhanggui.demo.logistics_plan import journey_events
from zhanggui.demo.plans import OrderPlan, WarehouseInfo
from zhanggui.fulfillment import carriers
from zhanggui.fulfillment.models import (
    CarrierService,
    RoutingReason,
    Shipment,
    ShipmentLine,
    ShipmentStatus,
    TrackingEvent,
    TrackingSource,
)
from zhanggui.fulfillment.rules_tracking import Track, fold

PACKAGING_GRAMS, PACKAGING_PER_UNIT_GRAMS = 80, 30
EVENT_BATCH = 5000


def parcel_weight(order: OrderPlan, sku_grams: Mapping[int, int]) -> int:
    """The lines' SKU weights plus the box and filling, rounded up to 10 g."""
    units = sum(line.quantity for line in order.lines)
    grams = sum(sku_grams.get(line.sku.pk, 0) * line.quantity for line in order.lines)
    grams += PACKAGING_GRAMS + PACKAGING_PER_UNIT_GRAMS * units
    return -(-grams // 10) * 10


def event_id(tracking_number: str, index: int) -> str:
    """The carrier's id of the parcel's ``index``-th event (unique per carrier, as the
    tracking number is)."""
    return f"{tracking_number}-{index:02d}"


class ParcelWriter:
    def __init__(self, clock: Clock, services: Mapping[str, CarrierService],
                 sku_grams: Mapping[int, int]):
        self.clock, self.services, self.sku_grams = clock, services, sku_grams
        self.quotes: dict[tuple[int, str, int], Decimal | None] = {}
        self.parcels = self.events = 0

    def quote(self, service: CarrierService | None, province_code: str,
              weight: int) -> Decimal | None:
        if service is None:
            return None
        key = (service.pk, province_code, weight)
        if key not in self.quotes:
            try:
                self.quotes[key] = carriers.quote(service, province_code, weight)
            except DomainError:  # a rate card that does not reach the province: no charge
                self.quotes[key] = None
        return self.quotes[key]

    def write(self, shipped: list[OrderPlan], shipper: Staff,
              warehouse_of: Mapping[int, WarehouseInfo]) -> None:
        """Parcels, lines and events of ``shipped`` orders (written, with their pks)."""
        now = self.clock.now
        rows, events = [], []
        for order in shipped:
            warehouse = warehouse_of[order.pk]
            timeline = [e for e in journey_events(order, warehouse.code, now) if e[1] <= now]
            rows.append(self._row(order, warehouse, shipper, timeline))
            events.append(timeline)
        Shipment.objects.bulk_create(rows)
        for order, row in zip(shipped, rows, strict=True):
            order.shipment_pk = row.pk
        ShipmentLine.objects.bulk_create([
            ShipmentLine(shipment_id=o.shipment_pk, order_line_id=li.pk, sku_id=li.sku.pk,
                         quantity=li.quantity, packed_quantity=li.quantity)
            for o in shipped for li in o.lines])
        event_rows = [
            TrackingEvent(shipment_id=row.pk, carrier=row.carrier,
                          event_id=event_id(row.tracking_number, index), kind=kind,
                          occurred_at=at, location=location, description=description,
                          source=TrackingSource.API, created_at=at + timedelta(minutes=2))
            for row, timeline in zip(rows, events, strict=True)
            for index, (kind, at, location, description) in enumerate(timeline, start=1)]
        for batch in chunked(event_rows, EVENT_BATCH):
            TrackingEvent.objects.bulk_create(batch)
        self.parcels += len(rows)
        self.events += len(event_rows)

    def _row(self, order: OrderPlan, warehouse: WarehouseInfo, shipper: Staff,
             timeline: list) -> Shipment:
        service = self.services.get(order.carrier)
        weight = parcel_weight(order, self.sku_grams)
        track = fold(Track(status=ShipmentStatus.SHIPPED),
                     [(kind, at, description) for kind, at, _loc, description in timeline])
        packed_at = order.shipped_at - timedelta(minutes=25)
        return Shipment(
            order_id=order.pk, warehouse_id=warehouse.pk, routing_reason=RoutingReason.WHOLE,
            status=track.status, carrier=order.carrier, service=service,
            tracking_number=order.tracking_number, weight_grams=weight,
            cost_amount=self.quote(service, order.address.province_code, weight),
            packed_at=packed_at, packed_by=shipper, label_printed_at=packed_at,
            shipped_at=order.shipped_at, shipped_by=shipper, collected_at=track.collected_at,
            promised_at=order.promised_at, last_event_at=track.last_event_at,
            delivered_at=track.delivered_at, failed_at=track.failed_at, issue=track.issue,
            created_at=order.reviewed_at or order.shipped_at,
            updated_at=track.last_event_at or order.shipped_at)
