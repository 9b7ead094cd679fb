"""Fulfillment writes: ship a reviewed order in one step, mark a shipment delivered.

Parcels are made in ``allocation`` (routing, merge, split) and shipped in ``shipping``."""

from django.db import transaction
from django.utils import timezone

from zhanggui.accounts.actions import log_operation
from zhanggui.accounts.models import Staff
from zhanggui.core.errors import InvalidTransition
from zhanggui.fulfillment import allocation, shipping
from zhanggui.fulfillment.errors import (
    AlreadyDelivered,
    NothingToShip,
    ParcelsShipSeparately,
    TrackingNumberRequired,
)
from zhanggui.fulfillment.models import Shipment, ShipmentStatus
from zhanggui.orders import actions as order_actions
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
    """Record delivery of a shipment; the order becomes delivered.

    Raises:
        AlreadyDelivered: delivered before.
    """
    shipment = Shipment.objects.select_for_update().select_related("order").get(pk=shipment.pk)
    if shipment.status == ShipmentStatus.DELIVERED:
        raise AlreadyDelivered()
    shipment.status, shipment.delivered_at = ShipmentStatus.DELIVERED, timezone.now()
    shipment.save(update_fields=["status", "delivered_at", "updated_at"])
    order_actions.mark_order_delivered(shipment.order, actor=actor)
    log_operation(shipment, action="fulfillment.mark_delivered", actor=actor,
                  before={"status": ShipmentStatus.SHIPPED},
                  after={"status": ShipmentStatus.DELIVERED})
    return shipment
