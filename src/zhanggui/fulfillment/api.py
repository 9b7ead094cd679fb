"""Fulfillment API: shipments, shipping a reviewed order, marking delivery.

Thin: parse, ``require_perm`` first, call one action or query, render.
"""

from datetime import datetime

from ninja import Field, FilterSchema, Query, Router, Schema, Status
from ninja.pagination import paginate

from zhanggui.accounts.api_auth import require_perm
from zhanggui.core.schemas import ERRORS, BoundedPagination, Id
from zhanggui.fulfillment import actions, queries
from zhanggui.fulfillment.models import Carrier, ShipmentStatus
from zhanggui.orders.queries import get_order

router = Router()


class ShipmentOut(Schema):
    id: int
    order_id: int
    order_number: str
    warehouse_id: int
    carrier: Carrier | None  # none yet for a parcel still in the warehouse
    tracking_number: str
    status: ShipmentStatus
    shipped_at: datetime | None
    delivered_at: datetime | None
    shipped_by_id: int | None

    @staticmethod
    def resolve_order_number(obj) -> str:
        return obj.order.number

    @staticmethod
    def resolve_carrier(obj) -> str | None:
        return obj.carrier or None


class ShipmentFilter(FilterSchema):
    order_id: Id | None = None
    carrier: Carrier | None = None


class ShipIn(Schema):
    carrier: Carrier
    tracking_number: str = Field(min_length=1, max_length=40, pattern=r"\S")


@router.get("/shipments", response={200: list[ShipmentOut], **ERRORS})
@paginate(BoundedPagination, page_size=50)
def list_shipments(request, filters: Query[ShipmentFilter]):
    require_perm(request, "fulfillment.view_shipment")
    return queries.list_shipments(**filters.model_dump())


@router.post("/orders/{order_id}/ship", response={201: ShipmentOut, **ERRORS})
def ship_order(request, order_id: int, payload: ShipIn):
    """Ship a reviewed order: its reserved units leave the warehouse."""
    require_perm(request, "fulfillment.ship_order")
    shipment = actions.ship_order(get_order(order_id), carrier=payload.carrier,
                                  tracking_number=payload.tracking_number, actor=request.user)
    return Status(201, shipment)


@router.post("/shipments/{shipment_id}/deliver", response={200: ShipmentOut, **ERRORS})
def mark_delivered(request, shipment_id: int):
    require_perm(request, "fulfillment.mark_delivered")
    return actions.mark_delivered(queries.get_shipment(shipment_id), actor=request.user)
