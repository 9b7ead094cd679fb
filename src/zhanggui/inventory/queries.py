"""Inventory reads used by other apps, the API and the console."""

from django.db.models import F, Q, QuerySet, Sum

from zhanggui.core.errors import NotFound
from zhanggui.inventory.models import Stock, StockMovement, Warehouse


def get_warehouse(warehouse_id: int) -> Warehouse:
    try:
        return Warehouse.objects.get(pk=warehouse_id)
    except Warehouse.DoesNotExist:
        raise NotFound() from None


def list_stock(*, sku_id: int | None = None, warehouse_id: int | None = None,
               low_only: bool = False) -> QuerySet[Stock]:
    qs = Stock.objects.select_related("sku", "sku__product", "warehouse")
    if sku_id:
        qs = qs.filter(sku_id=sku_id)
    if warehouse_id:
        qs = qs.filter(warehouse_id=warehouse_id)
    if low_only:
        qs = qs.filter(available__lt=F("low_stock_threshold"))
    return qs.order_by("sku_id", "warehouse_id")


def list_movements(*, stock_id: int | None = None, reference: str | None = None,
                   ) -> QuerySet[StockMovement]:
    qs = StockMovement.objects.select_related("stock__sku", "stock__warehouse", "actor")
    if stock_id:
        qs = qs.filter(stock_id=stock_id)
    if reference:
        qs = qs.filter(reference=reference)
    return qs


def ledger_mismatches() -> list[int]:
    """Ids of stock rows whose figures the ledger does not explain (should be empty)."""
    totals = {row["stock_id"]: row for row in StockMovement.objects.values("stock_id")
              .annotate(on_hand=Sum("on_hand_delta"), reserved=Sum("reserved_delta"))}
    bad = []
    for stock in Stock.objects.only("id", "on_hand", "reserved"):
        total = totals.get(stock.pk, {"on_hand": 0, "reserved": 0})
        if (total["on_hand"], total["reserved"]) != (stock.on_hand, stock.reserved):
            bad.append(stock.pk)
    return bad


def list_warehouses(*, is_active: bool | None = None, kind: str | None = None,
                    ) -> QuerySet[Warehouse]:
    qs = Warehouse.objects.all()
    if is_active is not None:
        qs = qs.filter(is_active=is_active)
    if kind:
        qs = qs.filter(kind=kind)
    return qs.order_by("id")


def low_stock_condition() -> Q:
    """Stock rows below their low-stock threshold (``Stock.is_low``): available units fewer
    than the threshold. The console's "low" level filter and the workbench count the same."""
    return Q(available__lt=F("low_stock_threshold"))


def sellable_by_sku(sku_ids=None) -> dict[int, int]:
    """SKU id → units it can sell now: Σ available over active warehouses (every kind, as
    order reservations use them), never below 0; SKUs without stock there are left out.
    ``sku_ids`` None: every SKU (one grouped query either way)."""
    qs = Stock.objects.filter(warehouse__is_active=True)
    if sku_ids is not None:
        qs = qs.filter(sku_id__in=list(sku_ids))
    return {sku_id: max(0, units or 0) for sku_id, units in
            qs.values("sku_id").annotate(units=Sum("available")).values_list("sku_id", "units")
            .order_by()}


def count_low_stock() -> int:
    return Stock.objects.filter(low_stock_condition()).count()


def latest_forecast_at():
    """When the newest stored demand forecast was computed (None before the first)."""
    from django.db.models import Max

    from zhanggui.inventory.models import ForecastFit

    return ForecastFit.objects.aggregate(latest=Max("computed_at"))["latest"]
