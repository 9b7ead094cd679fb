"""Fulfillment writes: ship a reviewed order, mark a shipment delivered."""

from django.db import transaction
from django.utils import timezone

from zhanggui.accounts.actions import log_operation
from zhanggui.accounts.models import Staff
from zhanggui.core.errors import InvalidTransition
from zhanggui.fulfillment.errors import (
    AlreadyDelivered,
    DuplicateTrackingNumber,
    TrackingNumberRequired,
)
from zhanggui.fulfillment.models import Carrier, Shipment, ShipmentStatus
from zhanggui.inventory import actions as inventory_actions
from zhanggui.orders import actions as order_actions
from zhanggui.orders.models import Order, OrderStatus


@transaction.atomic
def ship_order(order: Order, *, carrier: str, tracking_number: str, actor: Staff | None) -> Shipment:
    """Ship a reviewed order: its reserved units leave on-hand, the order becomes shipped.

    Raises:
        TrackingNumberRequired: blank carrier or tracking number.
        InvalidTransition: the order is not reviewed.
        DuplicateTrackingNumber: the carrier's tracking number is already used.
    """
    tracking_number = tracking_number.strip()
    if not carrier or not tracking_number:
        raise TrackingNumberRequired()
    carrier = Carrier(carrier)
    order = Order.objects.select_for_update().get(pk=order.pk)
    if order.status != OrderStatus.REVIEWED:
        raise InvalidTransition(current=OrderStatus(order.status).label,
                                target=OrderStatus.SHIPPED.label)
    if Shipment.objects.filter(carrier=carrier, tracking_number=tracking_number).exists():
        raise DuplicateTrackingNumber(tracking_number=tracking_number)
    reservations = inventory_actions.consume_reservations(
        order_actions.reservation_reference(order), actor=actor)
    now = timezone.now()
    shipment = Shipment.objects.create(
        order=order, warehouse_id=reservations[0].stock.warehouse_id, carrier=carrier,
        tracking_number=tracking_number, shipped_at=now, shipped_by=actor)
    order_actions.mark_order_shipped(order, actor=actor, note=str(shipment))
    log_operation(shipment, action="fulfillment.ship_order", actor=actor,
                  after={"order": order.number, "carrier": carrier,
                         "tracking_number": tracking_number})
    return shipment


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
