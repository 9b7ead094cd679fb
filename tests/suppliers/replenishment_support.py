"""Stored forecasts for replenishment tests (what the forecasting engine would record)."""

from datetime import timedelta

from django.utils import timezone

from zhanggui.inventory.forecasts import ForecastDay, ForecastRecord, record_forecasts
from zhanggui.inventory.models import Stock


def make_fit(sku, warehouse, *, d: float, sigma: float = 0.0, days: int = 0):
    """Record a forecast of ``d`` units/day (error std ``sigma``) for ``sku`` in ``warehouse``
    (None: all warehouses), with ``days`` forecast days from tomorrow."""
    if warehouse is not None:  # a warehouse forecasts what it carries: it has a stock row
        Stock.objects.get_or_create(sku=sku, warehouse=warehouse)
    today = timezone.localdate()
    forecast_days = tuple(ForecastDay(today + timedelta(days=i + 1), d, max(d - 2 * sigma, 0),
                                      d + 2 * sigma) for i in range(days))
    record = ForecastRecord(sku_id=sku.pk, warehouse_id=warehouse.pk if warehouse else None,
                            model="AutoETS", history_days=365, mean_daily_demand=d,
                            error_std=sigma, days=forecast_days, mase=0.8)
    return record_forecasts([record], actor=None)[0]
