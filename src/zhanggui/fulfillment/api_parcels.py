"""Fulfillment API: parcels — allocate reviewed orders, merge and split waiting parcels,
ship a parcel. Thin: parse, ``require_perm`` first, call one action, render."""

from datetime import datetime

from ninja import Field, Router, Schema, Status

from zhanggui.accounts.api_auth import require_perm
from zhanggui.core.schemas import ERRORS, Id
from zhanggui.fulfillment import allocation, queries, shipping
from zhanggui.fulfillment.models import Carrier, RoutingReason, ShipmentStatus
from zhanggui.inventory.queries import get_warehouse

router = Router()


class ParcelLineOut(Schema):
    id: int
    order_line_id: int
    order_number: str
    sku_id: int
    sku_code: str
    quantity: int
    packed_quantity: int

    @staticmethod
    def resolve_order_number(obj) -> str:
        return obj.order_line.order.number

    @staticmethod
    def resolve_sku_code(obj) -> str:
        return obj.order_line.sku_code


class ParcelOut(Schema):
    id: int
    order_id: int
    warehouse_id: int
    status: ShipmentStatus
    routing_reason: RoutingReason | None = None
    wave_id: int | None
    carrier: Carrier | None = None
    tracking_number: str
    shipped_at: datetime | None
    lines: list[ParcelLineOut]

    @staticmethod
    def resolve_lines(obj) -> list:
        return list(obj.lines.select_related("order_line__order"))

    @staticmethod
    def resolve_carrier(obj) -> str | None:
        return obj.carrier or None

    @staticmethod
    def resolve_routing_reason(obj) -> str | None:
        return obj.routing_reason or None


class AllocatedOut(Schema):
    parcels_created: int


class MergeIn(Schema):
    shipment_ids: list[Id] = Field(min_length=2, max_length=50)


class SplitLineIn(Schema):
    line_id: Id
    quantity: int = Field(gt=0, le=1_000_000)


class SplitIn(Schema):
    lines: list[SplitLineIn] = Field(min_length=1, max_length=200)
    warehouse_id: Id | None = None


class ShipParcelIn(Schema):
    carrier: Carrier | None = None
    tracking_number: str | None = Field(default=None, min_length=1, max_length=40, pattern=r"\S")


@router.post("/parcels/allocate", response={200: AllocatedOut, **ERRORS})
def allocate(request):
    """Give every reviewed order's units not yet in a parcel their pending parcels."""
    require_perm(request, "fulfillment.plan_shipments")
    return {"parcels_created": allocation.allocate_orders(actor=request.user)}


@router.get("/parcels/merge-candidates", response={200: list[list[ParcelOut]], **ERRORS})
def merge_candidates(request, warehouse_id: Id | None = None):
    """Waiting parcels of the same buyer and address in one warehouse, grouped."""
    require_perm(request, "fulfillment.view_shipment")
    warehouse = get_warehouse(warehouse_id) if warehouse_id else None
    return allocation.merge_candidates(warehouse=warehouse, limit=100)


@router.post("/parcels/merge", response={200: ParcelOut, **ERRORS})
def merge(request, payload: MergeIn):
    require_perm(request, "fulfillment.plan_shipments")
    parcels = [queries.get_shipment(pk) for pk in payload.shipment_ids]
    return allocation.merge_shipments(parcels, actor=request.user)


@router.get("/parcels/{shipment_id}", response={200: ParcelOut, **ERRORS})
def get_parcel(request, shipment_id: Id):
    require_perm(request, "fulfillment.view_shipment")
    return queries.get_shipment(shipment_id)


@router.post("/parcels/{shipment_id}/split", response={201: ParcelOut, **ERRORS})
def split(request, shipment_id: Id, payload: SplitIn):
    """Move units of a waiting parcel to a new parcel (in another warehouse: their
    reservations move too)."""
    require_perm(request, "fulfillment.plan_shipments")
    parcel = queries.get_shipment(shipment_id)
    warehouse = get_warehouse(payload.warehouse_id) if payload.warehouse_id else None
    quantities: dict[int, int] = {}
    for line in payload.lines:
        quantities[line.line_id] = quantities.get(line.line_id, 0) + line.quantity
    new = allocation.split_shipment(parcel, quantities=quantities, warehouse=warehouse,
                                    actor=request.user)
    return Status(201, new)


@router.post("/parcels/{shipment_id}/ship", response={200: ParcelOut, **ERRORS})
def ship(request, shipment_id: Id, payload: ShipParcelIn):
    """Hand a parcel to its carrier (its tracking number given here or assigned before)."""
    require_perm(request, "fulfillment.ship_order")
    return shipping.ship_shipment(queries.get_shipment(shipment_id), carrier=payload.carrier,
                                  tracking_number=payload.tracking_number, actor=request.user)
