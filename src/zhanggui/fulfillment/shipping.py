"""Hand a parcel to its carrier: its reserved units leave the warehouse, and each of its
orders becomes shipped once all its lines have left."""

from collections import defaultdict
from datetime import timedelta

from django.db import transaction
from django.db.models import Sum
from django.utils import timezone

from zhanggui.accounts.actions import log_operation
from zhanggui.accounts.models import Staff
from zhanggui.fulfillment import dropship, rules
from zhanggui.fulfillment import events as fulfillment_events
from zhanggui.fulfillment.errors import (
    DuplicateTrackingNumber,
    ParcelNotShippable,
    TrackingNumberRequired,
)
from zhanggui.fulfillment.models import Carrier, Shipment, ShipmentLine, ShipmentStatus
from zhanggui.inventory import actions as inventory_actions
from zhanggui.orders import actions as order_actions
from zhanggui.orders.models import Order, OrderLine, OrderStatus

SHIPPABLE = (ShipmentStatus.PENDING, ShipmentStatus.PICKING, ShipmentStatus.PACKED)
LEFT = (ShipmentStatus.SHIPPED, ShipmentStatus.IN_TRANSIT, ShipmentStatus.DELIVERED,
        ShipmentStatus.FAILED)


@transaction.atomic
def ship_shipment(shipment: Shipment, *, actor: Staff | None, carrier: str | None = None,
                  tracking_number: str | None = None) -> Shipment:
    """Ship a parcel that is waiting, being picked or packed (a small shop ships without
    waves and scans): its lines' reserved units are consumed, it is shipped with its carrier
    and tracking number, and every order whose lines have now all left becomes shipped.

    Raises:
        ParcelNotShippable: the parcel has left already or is cancelled.
        TrackingNumberRequired: no carrier or tracking number, given or assigned before.
        DuplicateTrackingNumber: the carrier's tracking number belongs to another parcel.
    """
    parcel = (Shipment.objects.select_for_update(of=("self",)).select_related("service")
              .get(pk=shipment.pk))
    if parcel.status not in SHIPPABLE:
        raise ParcelNotShippable(parcel=parcel.pk, status=parcel.get_status_display())
    carrier = carrier or parcel.carrier or (parcel.service.carrier if parcel.service else "")
    tracking_number = (tracking_number if tracking_number is not None
                       else parcel.tracking_number).strip()
    if not carrier or not tracking_number:
        raise TrackingNumberRequired()
    carrier = Carrier(carrier)
    if parcel.service is not None and parcel.service.carrier != carrier:
        parcel.service = None  # handed to another carrier than its service's
    if (Shipment.objects.filter(carrier=carrier, tracking_number=tracking_number)
            .exclude(pk=parcel.pk).exists()):
        raise DuplicateTrackingNumber(tracking_number=tracking_number)
    lines = list(parcel.lines.select_related("order_line__order"))
    orders = _consume(parcel, lines, actor)
    now = timezone.now()
    before = {"status": parcel.status}
    parcel.carrier, parcel.tracking_number = carrier, tracking_number
    parcel.status, parcel.shipped_at, parcel.shipped_by = ShipmentStatus.SHIPPED, now, actor
    if parcel.service is not None:
        parcel.promised_at = now + timedelta(days=parcel.service.promised_days)
    parcel.save()
    log_operation(parcel, action="fulfillment.ship_shipment", actor=actor, before=before,
                  after={"status": parcel.status, "carrier": carrier,
                         "tracking_number": tracking_number,
                         "orders": sorted(order.number for order in orders)})
    fulfillment_events.shipped(parcel)
    for order in _fully_shipped(orders):
        order_actions.mark_order_shipped(order, actor=actor, note=str(parcel))
    dropship.parcel_shipped(parcel, actor=actor)  # a drop-ship parcel's supplier order
    return parcel


def _consume(parcel: Shipment, lines: list[ShipmentLine], actor: Staff | None) -> list[Order]:
    parts: dict[Order, dict[rules.Part, int]] = defaultdict(lambda: defaultdict(int))
    for line in lines:
        parts[line.order_line.order][(line.sku_id, parcel.warehouse_id)] += line.quantity
    for order, order_parts in parts.items():
        inventory_actions.consume_parts(order_parts, reference=order_actions.reservation_reference(order),
                                        actor=actor)
    return list(parts)


def _fully_shipped(orders: list[Order]) -> list[Order]:
    """The orders (still reviewed) whose every line's units are in parcels that have left."""
    ids = [order.pk for order in orders]
    shipped = dict(ShipmentLine.objects.filter(order_line__order_id__in=ids, shipment__status__in=LEFT)
                   .values("order_line_id").annotate(units=Sum("quantity"))
                   .values_list("order_line_id", "units"))
    quantities: dict[int, dict[int, int]] = defaultdict(dict)
    for line_id, order_id, quantity in (OrderLine.objects.filter(order_id__in=ids)
                                        .values_list("pk", "order_id", "quantity")):
        quantities[order_id][line_id] = quantity
    return [order for order in orders
            if order.status == OrderStatus.REVIEWED
            and rules.fully_shipped(quantities[order.pk], shipped)]
