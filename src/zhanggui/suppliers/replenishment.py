"""The morning reorder list (今日补货): what to order today, from whom, how much.

Reads stored rows only — never the forecasting engine: each SKU × warehouse forecast
(``inventory.ForecastFit`` of an own or third-party warehouse; drop-ship warehouses are the
supplier's stock and are not reordered), the stock row's available units, the units on open
purchase orders (draft, sent, partly received: ``suppliers.queries.on_order``), the SKU's
preferred supplier item (lead time L and its spread σ_L, MOQ, pack size, unit cost) and the
supply policy (service level, days between orders). The arithmetic is
``inventory.rules_replenishment.plan``; the quantity is then put in the supplier's packs and
raised to its MOQ (``suppliers.rules_replenishment``).

A row is on the list when its stock position (available + on order) is at or below its
reorder point and it has forecast demand. SKUs without an active supplier item are listed
apart ("no supplier"), planned with the default lead time of a supplier item. A row whose
SKU is already on an open draft PO into its warehouse names that draft and cannot be drafted
again (``replenishment_drafts``).

A few bulk queries whatever the number of SKUs (no query per row).
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from zhanggui.catalog.models import Sku
from zhanggui.inventory.models import ForecastFit, Stock, Warehouse, WarehouseKind
from zhanggui.inventory.rules_replenishment import plan
from zhanggui.suppliers import queries
from zhanggui.suppliers.models import (
    PurchaseOrderLine,
    PurchaseOrderStatus,
    Supplier,
    SupplierItem,
    SupplyPolicy,
)
from zhanggui.suppliers.rules_replenishment import line_value, supplier_quantity

REORDERED_KINDS = (WarehouseKind.OWN, WarehouseKind.THIRD_PARTY)
# The lead time assumed for a SKU no supplier supplies (a supplier item's default).
DEFAULT_LEAD_DAYS = float(SupplierItem._meta.get_field("lead_time_days").default)


@dataclass
class ReorderRow:
    """One SKU × warehouse at or below its reorder point."""

    sku_id: int
    sku_code: str
    product_title: str
    warehouse_id: int
    warehouse_code: str
    warehouse_name: str
    available: int
    on_order: int
    daily_demand: float  # d: forecast units/day
    demand_error_std: float  # σ_d
    lead_days: float  # L
    lead_std_days: float  # σ_L
    safety_stock: int
    reorder_point: int
    days_of_supply: float | None  # available / d (at the forecast demand)
    stockout_risk: float  # P(lead-time demand > available + on order)
    needed_quantity: int  # before the supplier's pack size and MOQ
    suggested_quantity: int  # in whole packs, at least the MOQ
    supplier_id: int | None = None
    supplier_code: str = ""
    supplier_name: str = ""
    moq: int = 1
    pack_size: int = 1
    unit_cost: Decimal | None = None
    line_value: Decimal | None = None
    forecast_model: str = ""
    forecast_at: datetime | None = None
    draft_number: str = ""  # an open draft PO already holding this SKU for this warehouse
    is_due: bool = True  # at or below the reorder point

    @property
    def key(self) -> str:
        """The row's selection value: ``"<SKU id>:<warehouse id>"``."""
        return f"{self.sku_id}:{self.warehouse_id}"

    @property
    def stockout_percent(self) -> float:
        return self.stockout_risk * 100

    @property
    def is_selectable(self) -> bool:
        return self.supplier_id is not None and not self.draft_number \
            and self.suggested_quantity > 0


@dataclass
class SupplierGroup:
    supplier_id: int
    supplier_code: str
    supplier_name: str
    rows: list[ReorderRow] = field(default_factory=list)

    @property
    def total_units(self) -> int:
        return sum(row.suggested_quantity for row in self.rows)

    @property
    def total_value(self) -> Decimal:
        return sum((row.line_value or Decimal("0.00") for row in self.rows), Decimal("0.00"))


@dataclass
class ReorderList:
    service_level: Decimal
    review_days: int
    groups: list[SupplierGroup]
    no_supplier: list[ReorderRow]
    rows_checked: int  # SKU × warehouse forecasts looked at

    @property
    def rows(self) -> list[ReorderRow]:
        return [row for group in self.groups for row in group.rows] + self.no_supplier

    @property
    def count(self) -> int:
        return sum(len(group.rows) for group in self.groups) + len(self.no_supplier)


def _fits(sku_ids, warehouse_id: int | None, supplier_id: int | None) -> list[dict]:
    fits = ForecastFit.objects.filter(
        warehouse__isnull=False, warehouse__is_active=True, warehouse__kind__in=REORDERED_KINDS,
        sku__is_active=True, mean_daily_demand__gt=0)
    if sku_ids is not None:
        fits = fits.filter(sku_id__in=set(sku_ids))
    if warehouse_id:
        fits = fits.filter(warehouse_id=warehouse_id)
    if supplier_id:
        fits = fits.filter(sku__supplier_items__supplier_id=supplier_id)
    return list(fits.order_by().values("sku_id", "warehouse_id", "mean_daily_demand",
                                       "error_std", "model", "computed_at"))


def open_drafts(pairs) -> dict[tuple[int, int], str]:
    """(SKU id, warehouse id) → the number of an open draft PO holding that SKU for that
    warehouse, for the pairs given."""
    pairs = set(pairs)
    if not pairs:
        return {}
    lines = (PurchaseOrderLine.objects
             .filter(purchase_order__status=PurchaseOrderStatus.DRAFT,
                     sku_id__in={sku for sku, _w in pairs},
                     purchase_order__warehouse_id__in={w for _s, w in pairs})
             .order_by("purchase_order_id")
             .values_list("sku_id", "purchase_order__warehouse_id", "purchase_order__number"))
    found: dict[tuple[int, int], str] = {}
    for sku_id, warehouse_id, number in lines:
        if (sku_id, warehouse_id) in pairs:
            found.setdefault((sku_id, warehouse_id), number)
    return found


def _row(fit: dict, *, available: int, on_order: int, item: SupplierItem | None,
         policy: SupplyPolicy, only_due: bool = True) -> ReorderRow | None:
    lead = float(item.lead_time_days) if item else DEFAULT_LEAD_DAYS
    spread = float(item.lead_time_std_days) if item else 0.0
    d, sigma = float(fit["mean_daily_demand"]), float(fit["error_std"])
    figures = plan(available=available, on_order=on_order, d=d, sigma_d=sigma, lead_days=lead,
                   lead_std_days=spread, service_level=float(policy.service_level),
                   review_days=policy.review_days)
    if only_due and not figures.is_due:
        return None
    quantity = (supplier_quantity(figures.order_quantity, moq=item.moq, pack_size=item.pack_size)
                if item else figures.order_quantity)
    row = ReorderRow(
        sku_id=fit["sku_id"], sku_code="", product_title="", warehouse_id=fit["warehouse_id"],
        warehouse_code="", warehouse_name="", available=available, on_order=on_order,
        daily_demand=d, demand_error_std=sigma, lead_days=lead, lead_std_days=spread,
        safety_stock=figures.safety_stock, reorder_point=figures.reorder_point,
        days_of_supply=figures.days_of_supply, stockout_risk=figures.stockout_risk,
        needed_quantity=figures.order_quantity, suggested_quantity=quantity,
        forecast_model=fit["model"], forecast_at=fit["computed_at"], is_due=figures.is_due)
    if item is not None:
        row.supplier_id, row.moq, row.pack_size = item.supplier_id, item.moq, item.pack_size
        row.supplier_code, row.supplier_name = item.supplier.code, item.supplier.name
        row.unit_cost = item.unit_cost
        row.line_value = line_value(quantity, item.unit_cost)
    return row


def _name_rows(rows: list[ReorderRow]) -> None:
    skus = {row["id"]: row for row in Sku.objects.filter(pk__in={r.sku_id for r in rows})
            .values("id", "code", "product__title")}
    warehouses = {w.pk: w for w in Warehouse.objects.filter(pk__in={r.warehouse_id for r in rows})}
    drafts = open_drafts((r.sku_id, r.warehouse_id) for r in rows)
    for row in rows:
        row.sku_code = skus[row.sku_id]["code"]
        row.product_title = skus[row.sku_id]["product__title"]
        warehouse = warehouses[row.warehouse_id]
        row.warehouse_code, row.warehouse_name = warehouse.code, warehouse.name
        row.draft_number = drafts.get((row.sku_id, row.warehouse_id), "")


def _plan_rows(fits: list[dict], policy: SupplyPolicy, *, supplier_id: int | None = None,
               only_due: bool = True, named: bool = True) -> list[ReorderRow]:
    ids = {fit["sku_id"] for fit in fits}
    warehouse_ids = {fit["warehouse_id"] for fit in fits}
    stock = dict(((s, w), a) for s, w, a in Stock.objects.filter(
        sku_id__in=ids, warehouse_id__in=warehouse_ids).order_by()
        .values_list("sku_id", "warehouse_id", "available")) if ids else {}
    ordered = queries.on_order(ids, warehouse_ids)
    items = queries.preferred_items(ids)
    rows = []
    for fit in fits:
        pair = (fit["sku_id"], fit["warehouse_id"])
        item = items.get(fit["sku_id"])
        if supplier_id and (item is None or item.supplier_id != supplier_id):
            continue
        if pair not in stock or (item is not None and item.supplier.warehouse_id is not None):
            # The warehouse does not carry the SKU (a few units once left from there), or a
            # drop-ship supplier ships it from its own stock: nothing to buy in.
            continue
        row = _row(fit, available=stock.get(pair, 0), on_order=ordered.get(pair, 0),
                   item=item, policy=policy, only_due=only_due)
        if row is not None:
            rows.append(row)
    if named:
        _name_rows(rows)
        rows.sort(key=lambda r: (r.warehouse_code, -r.stockout_risk, r.sku_code))
    return rows


def reorder_list(*, sku_ids=None, warehouse_id: int | None = None,
                 supplier_id: int | None = None) -> ReorderList:
    """What to order today: every SKU × warehouse at or below its reorder point, grouped by
    supplier (by supplier code; rows by warehouse, then stock-out risk, highest first), and
    the ones without a supplier apart.

    Args:
        sku_ids: only these SKUs (None: every SKU with a forecast).
        warehouse_id: only this receiving warehouse.
        supplier_id: only the SKUs this supplier supplies (its rows only).
    """
    policy = queries.get_policy()
    fits = _fits(sku_ids, warehouse_id, supplier_id)
    rows = _plan_rows(fits, policy, supplier_id=supplier_id)
    grouped: dict[int, SupplierGroup] = {}
    no_supplier = []
    for row in rows:
        if row.supplier_id is None:
            no_supplier.append(row)
            continue
        grouped.setdefault(row.supplier_id, SupplierGroup(
            row.supplier_id, row.supplier_code, row.supplier_name)).rows.append(row)
    groups = sorted(grouped.values(), key=lambda g: g.supplier_code)
    return ReorderList(service_level=policy.service_level, review_days=policy.review_days,
                       groups=groups, no_supplier=no_supplier, rows_checked=len(fits))


def sku_replenishment(sku_id: int) -> list[ReorderRow]:
    """The replenishment figures of one SKU in each own or third-party warehouse it has a
    forecast for, due or not (the SKU forecast page), by warehouse code."""
    fits = list(ForecastFit.objects.filter(
        sku_id=sku_id, warehouse__isnull=False, warehouse__kind__in=REORDERED_KINDS)
        .order_by().values("sku_id", "warehouse_id", "mean_daily_demand", "error_std", "model",
                           "computed_at"))
    rows = _plan_rows(fits, queries.get_policy(), only_due=False)
    return sorted(rows, key=lambda row: row.warehouse_code)


def count_to_reorder() -> int:
    """Rows of today's list still to draft: at or below the reorder point, with a supplier
    and not yet on a draft PO (the workbench's to-do; the list page's default view)."""
    fits = _fits(None, None, None)
    if not fits:
        return 0  # one query on a shop without forecasts
    rows = [row for row in _plan_rows(fits, queries.get_policy(), named=False)
            if row.supplier_id is not None and row.suggested_quantity > 0]
    drafted = open_drafts((row.sku_id, row.warehouse_id) for row in rows)
    return sum(1 for row in rows if (row.sku_id, row.warehouse_id) not in drafted)


def suppliers_by_id(ids) -> dict[int, Supplier]:
    return {s.pk: s for s in Supplier.objects.filter(pk__in=set(ids))}


def group_by_supplier_warehouse(rows: list[ReorderRow]) -> dict[tuple[int, int], list]:
    """(supplier id, warehouse id) → rows, in the rows' order."""
    grouped: dict[tuple[int, int], list] = defaultdict(list)
    for row in rows:
        grouped[(row.supplier_id, row.warehouse_id)].append(row)
    return dict(grouped)
