"""Forecast API: a SKU's stored demand forecasts (all warehouses and each warehouse) with
their days and prediction intervals. Thin: ``require_perm`` first, one query, render."""

from datetime import date, datetime
from decimal import Decimal

from ninja import Router, Schema

from zhanggui.accounts.api_auth import require_perm
from zhanggui.catalog.queries import get_sku
from zhanggui.core.schemas import ERRORS, Id
from zhanggui.inventory.queries_forecast import ordered_fits

router = Router()


class ForecastDayOut(Schema):
    day: date
    quantity: Decimal
    lower: Decimal
    upper: Decimal


class ForecastFitOut(Schema):
    warehouse_id: int | None
    warehouse_code: str | None
    computed_at: datetime
    model: str
    history_days: int
    censored_days: int
    mean_daily_demand: Decimal
    error_std: Decimal
    mase: Decimal | None
    variability: Decimal | None
    xyz_class: str
    interval_level: int
    days: list[ForecastDayOut]

    @staticmethod
    def resolve_warehouse_code(obj) -> str | None:
        return obj.warehouse.code if obj.warehouse_id else None

    @staticmethod
    def resolve_days(obj) -> list:
        return list(obj.days.all())


class SkuForecastOut(Schema):
    sku_id: int
    sku_code: str
    fits: list[ForecastFitOut]


@router.get("/skus/{sku_id}/forecast", response={200: SkuForecastOut, **ERRORS})
def get_sku_forecast(request, sku_id: Id):
    """The SKU's latest forecasts: the all-warehouses fit (``warehouse_id`` null) first, then
    one per warehouse; each with its model, errors and forecast days."""
    require_perm(request, "inventory.view_forecastfit", "inventory.view_demandforecast")
    sku = get_sku(sku_id)
    return {"sku_id": sku.pk, "sku_code": sku.code, "fits": ordered_fits(sku.pk)}
