"""Reads of the suppliers app that other apps (replenishment, drop-ship, the console) use."""

from collections.abc import Iterable

from django.db.models import Count, F, Q, QuerySet, Sum

from zhanggui.core.errors import NotFound
from zhanggui.core.singletons import lock_singleton, read_singleton
from zhanggui.suppliers.models import (
    PurchaseOrder,
    PurchaseOrderLine,
    PurchaseOrderStatus,
    Supplier,
    SupplierItem,
    SupplyPolicy,
)

# Purchase orders whose open units are still expected.
OPEN_STATUSES = (PurchaseOrderStatus.DRAFT, PurchaseOrderStatus.SENT,
                 PurchaseOrderStatus.PARTLY_RECEIVED)


def get_policy() -> SupplyPolicy:
    """The shop's supply policy: its single row, or the defaults (unsaved) before anyone has
    changed it — reading never writes."""
    return read_singleton(SupplyPolicy)


def lock_policy() -> SupplyPolicy:
    """The policy row, locked until the transaction ends (created with the defaults when
    missing): writers that must not run side by side (PO numbers, drafting from the reorder
    list) queue on it."""
    return lock_singleton(SupplyPolicy)


def preferred_items(sku_ids: Iterable[int]) -> dict[int, SupplierItem]:
    """SKU id → the supplier item to order it from: the preferred item of an active supplier,
    else the cheapest item of an active supplier (ties: lowest supplier id). SKUs no active
    supplier supplies are absent."""
    ids = set(sku_ids)
    if not ids:
        return {}
    items = (SupplierItem.objects.filter(sku_id__in=ids, supplier__is_active=True)
             .select_related("supplier", "sku")
             .order_by("sku_id", "-is_preferred", "unit_cost", "supplier_id"))
    chosen: dict[int, SupplierItem] = {}
    for item in items:
        chosen.setdefault(item.sku_id, item)
    return chosen


def on_order(sku_ids: Iterable[int], warehouse_ids: Iterable[int] | None = None,
             ) -> dict[tuple[int, int], int]:
    """(SKU id, warehouse id) → units on open purchase orders (draft, sent, partly received):
    ordered − accepted per line, never negative. ``warehouse_ids`` None: every warehouse.
    Pairs with nothing open are absent."""
    ids = set(sku_ids)
    if not ids:
        return {}
    lines = PurchaseOrderLine.objects.filter(
        sku_id__in=ids, purchase_order__status__in=OPEN_STATUSES,
        quantity__gt=F("received_quantity"))
    if warehouse_ids is not None:
        lines = lines.filter(purchase_order__warehouse_id__in=set(warehouse_ids))
    rows = (lines.values("sku_id", "purchase_order__warehouse_id")
            .annotate(units=Sum(F("quantity") - F("received_quantity"))))
    return {(row["sku_id"], row["purchase_order__warehouse_id"]): int(row["units"])
            for row in rows if row["units"]}


def get_supplier(supplier_id: int) -> Supplier:
    try:
        return Supplier.objects.get(pk=supplier_id)
    except Supplier.DoesNotExist:
        raise NotFound() from None


def get_purchase_order(po_id: int) -> PurchaseOrder:
    try:
        return PurchaseOrder.objects.select_related("supplier", "warehouse").get(pk=po_id)
    except PurchaseOrder.DoesNotExist:
        raise NotFound() from None


def list_suppliers(*, is_active: bool | None = None, query: str = "") -> QuerySet[Supplier]:
    qs = Supplier.objects.all()
    if is_active is not None:
        qs = qs.filter(is_active=is_active)
    if query:
        qs = qs.filter(Q(code__icontains=query) | Q(name__icontains=query))
    return qs.order_by("code")


def list_purchase_orders(*, status: str | None = None, supplier_id: int | None = None,
                         warehouse_id: int | None = None) -> QuerySet[PurchaseOrder]:
    qs = PurchaseOrder.objects.select_related("supplier", "warehouse")
    if status:
        qs = qs.filter(status=status)
    if supplier_id:
        qs = qs.filter(supplier_id=supplier_id)
    if warehouse_id:
        qs = qs.filter(warehouse_id=warehouse_id)
    return qs.order_by("-created_at", "-id")


# Awaited: sent to the supplier and not yet fully received.
AWAITED_STATUSES = (PurchaseOrderStatus.SENT, PurchaseOrderStatus.PARTLY_RECEIVED)


def overdue_condition(today) -> Q:
    """Awaited purchase orders past their expected day (the console's "overdue" filter and the
    workbench count the same)."""
    return Q(status__in=AWAITED_STATUSES, expected_on__lt=today)


def count_purchase_work(today) -> dict[str, int]:
    """The workbench's counts in one query: ``to_receive`` (awaited orders) and ``overdue``."""
    return PurchaseOrder.objects.aggregate(
        to_receive=Count("pk", filter=Q(status__in=AWAITED_STATUSES)),
        overdue=Count("pk", filter=overdue_condition(today)))
