"""Reads of the stored demand forecasts (``ForecastFit`` + ``DemandForecast``) and of the
stock-out days the ledger shows, for the SKU forecast page and the API."""

from bisect import bisect_left
from collections import defaultdict
from datetime import date, timedelta

from django.db.models import Prefetch, QuerySet

from zhanggui.core.timeutil import day_range
from zhanggui.inventory.models import (
    DemandForecast,
    ForecastFit,
    Stock,
    StockMovement,
    WarehouseKind,
)


def list_sku_forecasts(sku_id: int) -> QuerySet[ForecastFit]:
    """The SKU's forecast fits with their days: all warehouses together (warehouse empty)
    first, then each warehouse by id."""
    return (ForecastFit.objects.filter(sku_id=sku_id).select_related("warehouse")
            .prefetch_related(Prefetch("days", queryset=DemandForecast.objects.order_by("day")))
            .order_by("warehouse_id"))  # NULL sorts first on SQLite and last on PostgreSQL


def ordered_fits(sku_id: int) -> list[ForecastFit]:
    """``list_sku_forecasts`` with the all-warehouses fit first on every database."""
    return sorted(list_sku_forecasts(sku_id),
                  key=lambda fit: (fit.warehouse_id is not None, fit.warehouse_id or 0))


def stockout_days(sku_id: int, *, start: date, end: date,
                  warehouse_id: int | None = None) -> list[date]:
    """The days of [start, end) on which the SKU was out of stock: no available unit at the
    start of the day (shop time) in any of its stock rows of own and third-party warehouses
    (or in ``warehouse_id``'s row only). Read from the ledger's ``on_hand_after`` and
    ``reserved_after``; a row before its first movement holds nothing. Days before the SKU
    had any stock row are not stock-outs (it was not sold yet)."""
    stocks = Stock.objects.filter(sku_id=sku_id)
    if warehouse_id:
        stocks = stocks.filter(warehouse_id=warehouse_id)
    else:
        stocks = stocks.exclude(warehouse__kind=WarehouseKind.DROP_SHIP)
    stock_ids = list(stocks.values_list("pk", flat=True))
    if not stock_ids or end <= start:
        return []
    until = day_range(start, end)[1]
    movements = (StockMovement.objects.filter(stock_id__in=stock_ids, created_at__lt=until)
                 .order_by("created_at", "id")
                 .values_list("stock_id", "created_at", "on_hand_after", "reserved_after"))
    history: dict[int, list] = defaultdict(list)
    for stock_id, at, on_hand, reserved in movements:
        history[stock_id].append((at, on_hand - reserved))
    if not history:
        return []
    first_seen = min(entries[0][0] for entries in history.values())
    days, day = [], start
    while day < end:
        day_start = day_range(day, day)[0]
        if day_start > first_seen and not any(
                _available_before(entries, day_start) > 0 for entries in history.values()):
            days.append(day)
        day += timedelta(days=1)
    return days


def _available_before(entries: list, moment) -> int:
    """Available units after the last movement before ``moment`` (0 before the first)."""
    index = bisect_left(entries, moment, key=lambda entry: entry[0])
    return entries[index - 1][1] if index else 0
