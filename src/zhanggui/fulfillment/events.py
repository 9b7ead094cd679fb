"""The parcels' domain events (``events.catalogue``: shipment.shipped, delivered, failed):
their data built from a parcel, written in the transaction of the change."""

from zhanggui.events import actions as events
from zhanggui.events.actions import NewEvent
from zhanggui.fulfillment.models import Shipment, ShipmentLine, ShipmentStatus


def _order_ids(shipments: list[Shipment]) -> dict[int, set[int]]:
    """Parcel id → the ids of the orders with lines in it and its first order (one query)."""
    ids = {s.pk: {s.order_id} for s in shipments}
    for shipment_id, order_id in (ShipmentLine.objects.filter(shipment_id__in=ids)
                                  .values_list("shipment_id", "order_line__order_id")):
        ids[shipment_id].add(order_id)
    return ids


def shipment_data(shipment: Shipment, order_ids: set[int]) -> dict:
    return {"shipment_id": shipment.pk, "status": shipment.status, "order_ids": sorted(order_ids),
            "warehouse_id": shipment.warehouse_id, "carrier": shipment.carrier,
            "tracking_number": shipment.tracking_number, "shipped_at": shipment.shipped_at,
            "delivered_at": shipment.delivered_at, "failed_at": shipment.failed_at,
            "issue": shipment.issue}


def shipped(shipment: Shipment) -> None:
    data = shipment_data(shipment, _order_ids([shipment])[shipment.pk])
    events.record("shipment.shipped", subject_id=shipment.pk, data=data,
                  occurred_at=shipment.shipped_at)


def _tracking_event(before, after) -> str | None:
    """The event of a parcel's tracking change: newly delivered, or failed (again, for a
    later failure time)."""
    if after.status == ShipmentStatus.DELIVERED and before.status != after.status:
        return "shipment.delivered"
    if after.status == ShipmentStatus.FAILED and (before.status != after.status
                                                  or before.failed_at != after.failed_at):
        return "shipment.failed"
    return None


def tracking_changed(changes: list[tuple[Shipment, object, object]]) -> None:
    """A batch of tracking events (``(parcel, before, after)`` tracks): one INSERT for the
    parcels that became delivered or failed."""
    moved = [(shipment, after, type_name) for shipment, before, after in changes
             if (type_name := _tracking_event(before, after))]
    if not moved:
        return
    order_ids = _order_ids([shipment for shipment, _after, _type in moved])
    events.record_many([
        NewEvent(type_name, shipment.pk, shipment_data(shipment, order_ids[shipment.pk]),
                 after.delivered_at if type_name == "shipment.delivered" else after.failed_at)
        for shipment, after, type_name in moved])
