"""Inventory API: warehouses, stock levels, receipts, adjustments and the movement ledger.

Thin: parse, ``require_perm`` first, call one action or query, render.
"""

from datetime import datetime
from typing import Literal

from ninja import Field, FilterSchema, Query, Router, Schema, Status
from ninja.pagination import paginate

from zhanggui.accounts.api_auth import require_perm
from zhanggui.catalog.queries import get_sku
from zhanggui.core.schemas import ERRORS, BoundedPagination, Id
from zhanggui.inventory import actions, queries
from zhanggui.inventory.models import MovementKind, WarehouseKind

router = Router()
MAX_UNITS = 1_000_000  # units one receipt or adjustment may move


class WarehouseOut(Schema):
    id: int
    code: str
    name: str
    kind: WarehouseKind
    province_code: str
    city: str
    is_active: bool
    feed_synced_at: datetime | None = Field(
        None, description="drop-ship warehouses: when the supplier's stock feed last synced")


class WarehouseFilter(FilterSchema):
    is_active: bool | None = None
    kind: WarehouseKind | None = None


class StockOut(Schema):
    id: int
    sku_id: int
    sku_code: str
    product_title: str
    warehouse_id: int
    warehouse_code: str
    on_hand: int
    reserved: int
    available: int
    low_stock_threshold: int
    is_low: bool

    @staticmethod
    def resolve_sku_code(obj) -> str:
        return obj.sku.code

    @staticmethod
    def resolve_product_title(obj) -> str:
        return obj.sku.product.title

    @staticmethod
    def resolve_warehouse_code(obj) -> str:
        return obj.warehouse.code


class StockFilter(FilterSchema):
    sku_id: Id | None = None
    warehouse_id: Id | None = None
    low_only: bool = Field(False, description="only rows whose available units are below "
                                              "their low-stock threshold")


class MovementOut(Schema):
    id: int
    stock_id: int
    sku_code: str
    warehouse_code: str
    kind: MovementKind
    on_hand_delta: int
    reserved_delta: int
    on_hand_after: int
    reserved_after: int
    reason: str
    reference: str
    actor_id: int | None
    created_at: datetime

    @staticmethod
    def resolve_sku_code(obj) -> str:
        return obj.stock.sku.code

    @staticmethod
    def resolve_warehouse_code(obj) -> str:
        return obj.stock.warehouse.code


class MovementFilter(FilterSchema):
    stock_id: Id | None = None
    reference: str | None = None


class ReceiveIn(Schema):
    sku_id: Id
    warehouse_id: Id
    quantity: int = Field(gt=0, le=MAX_UNITS)
    reason: str = Field(min_length=1, max_length=200)
    reference: str = Field("", max_length=60)


class AdjustIn(Schema):
    sku_id: Id
    warehouse_id: Id
    delta: int = Field(ge=-MAX_UNITS, le=MAX_UNITS,
                       description="units on hand to add (negative to remove); not zero")
    reason: str = Field(min_length=1, max_length=200)
    kind: Literal["adjust", "count"] = "adjust"
    reference: str = Field("", max_length=60)


@router.get("/warehouses", response={200: list[WarehouseOut], **ERRORS})
@paginate(BoundedPagination, page_size=50)
def list_warehouses(request, filters: Query[WarehouseFilter]):
    require_perm(request, "inventory.view_warehouse")
    return queries.list_warehouses(**filters.model_dump())


@router.get("/stock", response={200: list[StockOut], **ERRORS})
@paginate(BoundedPagination, page_size=50)
def list_stock(request, filters: Query[StockFilter]):
    require_perm(request, "inventory.view_stock")
    return queries.list_stock(**filters.model_dump())


@router.post("/stock/receive", response={201: MovementOut, **ERRORS})
def receive_stock(request, payload: ReceiveIn):
    """Book an inbound receipt."""
    require_perm(request, "inventory.receive_stock")
    movement = actions.receive_stock(
        get_sku(payload.sku_id), warehouse=queries.get_warehouse(payload.warehouse_id),
        quantity=payload.quantity, reason=payload.reason, reference=payload.reference,
        actor=request.user)
    return Status(201, movement)


@router.post("/stock/adjust", response={201: MovementOut, **ERRORS})
def adjust_stock(request, payload: AdjustIn):
    """Correct on-hand stock (loss, damage, a count) with a reason."""
    require_perm(request, "inventory.adjust_stock")
    movement = actions.adjust_stock(
        get_sku(payload.sku_id), warehouse=queries.get_warehouse(payload.warehouse_id),
        delta=payload.delta, reason=payload.reason, kind=payload.kind,
        reference=payload.reference, actor=request.user)
    return Status(201, movement)


@router.get("/movements", response={200: list[MovementOut], **ERRORS})
@paginate(BoundedPagination, page_size=50)
def list_movements(request, filters: Query[MovementFilter]):
    require_perm(request, "inventory.view_stockmovement")
    return queries.list_movements(**filters.model_dump())
