"""Fulfillment writes: ship a reviewed order in one step, mark a shipment delivered.

Parcels are made in ``allocation`` (routing, merge, split) and shipped in ``shipping``."""

from django.db import transaction

from zhanggui.accounts.models import Staff
from zhanggui.core.errors import InvalidTransition
from zhanggui.fulfillment import allocation, shipping, tracking
from zhanggui.fulfillment.errors import (
    NothingToShip,
    ParcelsShipSeparately,
    TrackingNumberRequired,
)
from zhanggui.fulfillment.models import Shipment
from zhanggui.orders.models import Order, OrderStatus


@transaction.atomic
def ship_order(order: Order, *, carrier: str, tracking_number: str, actor: Staff | None) -> Shipment:
    """Ship a reviewed order in one step (a shop without waves and scans): its parcel is
    made if it has none yet and shipped with this carrier and tracking number.

    Raises:
        TrackingNumberRequired: blank carrier or tracking number.
        InvalidTransition: the order is not reviewed.
        ParcelsShipSeparately: the order leaves in several parcels.
        NothingToShip: no parcel of the order is waiting (its units are not reserved).
        DuplicateTrackingNumber: the carrier's tracking number is already used.
    """
    if not carrier or not tracking_number.strip():
        raise TrackingNumberRequired()
    order = Order.objects.select_for_update().get(pk=order.pk)
    if order.status != OrderStatus.REVIEWED:
        raise InvalidTransition(current=OrderStatus(order.status).label,
                                target=OrderStatus.SHIPPED.label)
    allocation.allocate_orders([order], actor=actor)
    parcels = list(Shipment.objects.filter(lines__order_line__order=order,
                                           status__in=shipping.SHIPPABLE).distinct())
    if not parcels:
        raise NothingToShip(order=order.number)
    if len(parcels) > 1:
        raise ParcelsShipSeparately(order=order.number, count=len(parcels))
    return shipping.ship_shipment(parcels[0], carrier=carrier, tracking_number=tracking_number,
                                  actor=actor)


@transaction.atomic
def mark_delivered(shipment: Shipment, *, actor: Staff | None) -> Shipment:
    """Staff confirm a parcel's delivery: recorded as a tracking event from the console, so
    the parcel, its orders (delivered once all their parcels are) and its tasks move as with
    the carrier's own event (``tracking.mark_delivered_manually``).

    Raises:
        AlreadyDelivered: delivered before.
        ShipmentNotInFlight: the parcel has not left the warehouse (or is cancelled).
    """
    return tracking.mark_delivered_manually(shipment, actor)
