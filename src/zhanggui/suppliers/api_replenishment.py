"""Replenishment API: today's reorder list and drafting purchase orders from it.

Thin: parse, ``require_perm`` first, call one query or action, render. Unit costs and values
are shown only to callers with ``catalog.view_cost`` (``null`` otherwise).
"""

from datetime import datetime
from decimal import Decimal

from ninja import Field, Query, Router, Schema, Status

from zhanggui.accounts.api_auth import require_perm
from zhanggui.core.schemas import ERRORS, Id
from zhanggui.suppliers.replenishment import ReorderList, ReorderRow, reorder_list
from zhanggui.suppliers.replenishment_drafts import MAX_SELECTION, draft_purchase_orders

router = Router()
COST = "catalog.view_cost"


class ReorderUnsuppliedOut(Schema):
    """A row without a supplier: planned with a supplier item's default lead time."""

    sku_id: int
    sku_code: str
    product_title: str
    warehouse_id: int
    warehouse_code: str
    available: int
    on_order: int
    daily_demand: float = Field(description="d: forecast units per day")
    demand_error_std: float = Field(description="σ_d: std of the daily forecast error")
    lead_days: float = Field(description="L: the supplier's lead time in days")
    lead_std_days: float = Field(description="σ_L: the lead time's spread in days")
    safety_stock: int
    reorder_point: int
    days_of_supply: float | None = Field(
        description="available / d (at the forecast demand); null without demand")
    stockout_risk: float = Field(description="P(demand over the lead time > available + "
                                             "on order), a fraction")
    needed_quantity: int = Field(description="units before the supplier's pack size and MOQ")
    forecast_model: str
    forecast_at: datetime | None


class ReorderRowOut(ReorderUnsuppliedOut):
    suggested_quantity: int = Field(description="in whole packs, at least the MOQ")
    supplier_id: int
    supplier_code: str
    moq: int
    pack_size: int
    unit_cost: Decimal | None = Field(description="null without catalog.view_cost")
    line_cost: Decimal | None = Field(description="suggested quantity × unit cost; null "
                                                  "without catalog.view_cost")
    draft_number: str = Field(description="an open draft PO already holding this SKU for "
                                          "this warehouse, if any")


class ReorderGroupOut(Schema):
    supplier_id: int
    supplier_code: str
    supplier_name: str
    total_units: int
    total_cost: Decimal | None = Field(description="null without catalog.view_cost")
    rows: list[ReorderRowOut]


class ReorderListOut(Schema):
    service_level: Decimal = Field(description="a fraction (0.95 = 95 %)")
    review_days: int
    rows_checked: int
    groups: list[ReorderGroupOut]
    no_supplier: list[ReorderUnsuppliedOut]


class ReorderListFilter(Schema):
    warehouse_id: Id | None = None
    supplier_id: Id | None = None


class ReorderPairIn(Schema):
    sku_id: Id
    warehouse_id: Id


class ReorderDraftIn(Schema):
    rows: list[ReorderPairIn] = Field(min_length=1, max_length=MAX_SELECTION)


class ReorderDraftOut(Schema):
    id: int
    number: str
    supplier_code: str
    warehouse_code: str
    status: str
    lines: int
    units: int


def _row(row: ReorderRow, show_cost: bool) -> dict:
    names = ReorderRowOut.model_fields if row.supplier_id else ReorderUnsuppliedOut.model_fields
    data = {name: getattr(row, name) for name in names if name != "line_cost"}
    if row.supplier_id:
        data["line_cost"] = row.line_value
        if not show_cost:
            data["unit_cost"] = data["line_cost"] = None
    return data


def _listing(listing: ReorderList, show_cost: bool) -> dict:
    return {
        "service_level": listing.service_level, "review_days": listing.review_days,
        "rows_checked": listing.rows_checked,
        "groups": [{"supplier_id": g.supplier_id, "supplier_code": g.supplier_code,
                    "supplier_name": g.supplier_name, "total_units": g.total_units,
                    "total_cost": g.total_value if show_cost else None,
                    "rows": [_row(r, show_cost) for r in g.rows]} for g in listing.groups],
        "no_supplier": [_row(r, show_cost) for r in listing.no_supplier],
    }


@router.get("/reorder-list", response={200: ReorderListOut, **ERRORS})
def get_reorder_list(request, filters: Query[ReorderListFilter]):
    """What to order today: SKU × warehouse rows at or below their reorder point, grouped by
    supplier; SKUs without a supplier apart."""
    require_perm(request, "suppliers.view_supplier")
    listing = reorder_list(warehouse_id=filters.warehouse_id, supplier_id=filters.supplier_id)
    return _listing(listing, request.user.has_perm(COST))


@router.post("/reorder-list/draft-purchase-orders",
             response={201: list[ReorderDraftOut], **ERRORS})
def post_reorder_drafts(request, payload: ReorderDraftIn):
    """One draft purchase order per supplier × warehouse for the selected rows, with the
    suggested quantities; refused as a whole (nothing created) when a row is not on today's
    list, has no supplier, or is already on a draft."""
    require_perm(request, "suppliers.view_supplier", "suppliers.add_purchaseorder")
    drafts = draft_purchase_orders([(r.sku_id, r.warehouse_id) for r in payload.rows],
                                   actor=request.user)
    return Status(201, [
        {"id": po.pk, "number": po.number, "supplier_code": po.supplier.code,
         "warehouse_code": po.warehouse.code, "status": po.status,
         "lines": po.lines.count(), "units": sum(line.quantity for line in po.lines.all())}
        for po in drafts])
