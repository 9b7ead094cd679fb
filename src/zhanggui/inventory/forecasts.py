"""Stored demand forecasts: ``record_forecasts`` writes what ``zhanggui.insights`` computed.

Forecasts are derived data ("computed on top, stored below"): each call replaces, for every
(SKU, warehouse) pair it is given, the previous ``ForecastFit`` and all its ``DemandForecast``
days in bulk — a few queries for thousands of SKUs, never one query per day. Replenishment
reads these rows and never calls the forecasting engine. Re-exported by
``zhanggui.inventory.actions``.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from zhanggui.accounts.actions import log_operation
from zhanggui.accounts.models import Staff
from zhanggui.inventory.models import DemandForecast, ForecastFit

_THOUSANDTH = Decimal("0.001")
_BATCH = 2000


@dataclass(frozen=True)
class ForecastDay:
    """One forecast day: expected units and the prediction interval (units/day)."""

    day: date
    quantity: float | Decimal
    lower: float | Decimal
    upper: float | Decimal


@dataclass(frozen=True)
class ForecastRecord:
    """A SKU's forecast in one warehouse (``warehouse_id`` None = all warehouses together).

    ``error_std`` is the standard deviation of the one-day-ahead forecast error in
    cross-validation (units/day, σ_d of the safety-stock formula); ``mean_daily_demand`` the
    mean forecast over the horizon; ``variability`` the coefficient of variation of weekly
    demand and ``xyz_class`` its class (X/Y/Z).
    """

    sku_id: int
    warehouse_id: int | None
    model: str
    history_days: int
    mean_daily_demand: float | Decimal
    error_std: float | Decimal
    days: tuple[ForecastDay, ...] = field(default_factory=tuple)
    censored_days: int = 0
    mase: float | Decimal | None = None
    variability: float | Decimal | None = None
    xyz_class: str = ""
    interval_level: int = 80


def _units(value: float | Decimal | None, *, limit: Decimal = Decimal("999999999.999"),
           ) -> Decimal | None:
    """Quantize to 0.001 and keep within the column (a runaway model must not fail the run)."""
    if value is None:
        return None
    number = Decimal(str(value))
    if number.is_nan():
        return None
    number = max(-limit, min(limit, number))
    return number.quantize(_THOUSANDTH, rounding=ROUND_HALF_UP)


def _fit(record: ForecastRecord, computed_at: datetime) -> ForecastFit:
    return ForecastFit(
        sku_id=record.sku_id, warehouse_id=record.warehouse_id, computed_at=computed_at,
        model=record.model[:40], history_days=max(0, int(record.history_days)),
        censored_days=max(0, int(record.censored_days)),
        mean_daily_demand=_units(record.mean_daily_demand) or Decimal("0.000"),
        error_std=_units(record.error_std) or Decimal("0.000"),
        mase=_units(record.mase, limit=Decimal("99999.999")),
        variability=_units(record.variability, limit=Decimal("99999.999")),
        xyz_class=record.xyz_class[:1], interval_level=record.interval_level,
    )


def _pairs_filter(records: list[ForecastRecord]) -> Q:
    """Match the stored fits of exactly the (SKU, warehouse) pairs being replaced."""
    by_warehouse: dict[int | None, list[int]] = {}
    for record in records:
        by_warehouse.setdefault(record.warehouse_id, []).append(record.sku_id)
    condition = Q(pk__in=[])
    for warehouse_id, sku_ids in by_warehouse.items():
        if warehouse_id is None:
            condition |= Q(warehouse__isnull=True, sku_id__in=sku_ids)
        else:
            condition |= Q(warehouse_id=warehouse_id, sku_id__in=sku_ids)
    return condition


def _store_batch(records: list[ForecastRecord], computed_at: datetime) -> int:
    ForecastFit.objects.filter(_pairs_filter(records)).delete()
    fits = ForecastFit.objects.bulk_create([_fit(r, computed_at) for r in records])
    if any(f.pk is None for f in fits):  # backends that return no ids: read them back
        ids = {(f.sku_id, f.warehouse_id): f.pk
               for f in ForecastFit.objects.filter(_pairs_filter(records))}
        for fit in fits:
            fit.pk = ids[(fit.sku_id, fit.warehouse_id)]
    days = [DemandForecast(fit_id=fit.pk, day=d.day, quantity=_units(d.quantity),
                           lower=_units(d.lower), upper=_units(d.upper))
            for fit, record in zip(fits, records, strict=True) for d in record.days]
    DemandForecast.objects.bulk_create(days, batch_size=5000)
    return len(days)


def record_forecasts(records: Iterable[ForecastRecord], *, actor: Staff | None,
                     computed_at: datetime | None = None, note: str = "",
                     drop_others: bool = False) -> list[ForecastFit]:
    """Store fresh forecasts, replacing for each (SKU, warehouse) pair given its previous fit
    and every one of its days (pairs not given keep theirs, unless ``drop_others``: then,
    once every batch is stored, the fits computed before this call are deleted — a SKU that
    no longer sells, or no longer ships from a warehouse, keeps no stale forecast).

    Writes in batches of 2,000 fits, one transaction each, so thousands of SKUs never hold
    one long write lock; each batch is whole or absent. Logs one ``inventory.record_forecasts``
    entry per batch (on its first fit) with the counts.

    Raises:
        ValueError: when the same (SKU, warehouse) pair appears twice.
    """
    records = list(records)
    seen: set[tuple[int, int | None]] = set()
    for record in records:
        key = (record.sku_id, record.warehouse_id)
        if key in seen:
            raise ValueError(f"forecast for SKU {key[0]} warehouse {key[1]} given twice")
        seen.add(key)
    computed_at = computed_at or timezone.now()
    stored: list[ForecastFit] = []
    for offset in range(0, len(records), _BATCH):
        batch = records[offset:offset + _BATCH]
        with transaction.atomic():
            day_count = _store_batch(batch, computed_at)
            fits = list(ForecastFit.objects.filter(_pairs_filter(batch)).order_by("pk"))
            log_operation(fits[0], action="inventory.record_forecasts", actor=actor,
                          after={"fits": len(fits), "skus": len({f.sku_id for f in fits}),
                                 "days": day_count}, note=note)
        stored.extend(fits)
    if drop_others and stored:
        with transaction.atomic():
            dropped, _kinds = ForecastFit.objects.filter(computed_at__lt=computed_at).delete()
            if dropped:
                log_operation(stored[0], action="inventory.drop_forecasts", actor=actor,
                              after={"deleted_rows": dropped}, note=note)
    return stored
