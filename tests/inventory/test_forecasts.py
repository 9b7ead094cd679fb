from datetime import date, timedelta
from decimal import Decimal

import pytest

from tests import factories
from zhanggui.accounts.models import OperationLog
from zhanggui.inventory.actions import ForecastDay, ForecastRecord, record_forecasts
from zhanggui.inventory.models import DemandForecast, ForecastFit


def _record(sku_id, warehouse_id, *, level=2.0, days=3, model="AutoETS"):
    start = date(2026, 12, 7)
    return ForecastRecord(
        sku_id=sku_id, warehouse_id=warehouse_id, model=model, history_days=90,
        censored_days=4, mean_daily_demand=level, error_std=0.5, mase=0.8, variability=0.3,
        xyz_class="X",
        days=tuple(ForecastDay(day=start + timedelta(days=n), quantity=level,
                               lower=level - 1, upper=level + 1) for n in range(days)))


def test_record_forecasts_stores_fits_and_days_per_warehouse_and_all(db):
    sku, other = factories.make_sku(), factories.make_sku()
    warehouse = factories.make_warehouse()
    fits = record_forecasts([_record(sku.pk, None), _record(sku.pk, warehouse.pk, level=1.25),
                             _record(other.pk, None)], actor=None)
    assert len(fits) == 3
    stored = ForecastFit.objects.get(sku=sku, warehouse=warehouse)
    assert stored.mean_daily_demand == Decimal("1.250")
    assert (stored.censored_days, stored.xyz_class, stored.model) == (4, "X", "AutoETS")
    assert stored.days.values_list("quantity", "lower", "upper").first() == (
        Decimal("1.250"), Decimal("0.250"), Decimal("2.250"))
    assert DemandForecast.objects.count() == 9
    assert OperationLog.objects.filter(action="inventory.record_forecasts").count() == 1


def test_record_forecasts_replaces_only_the_pairs_given(db):
    sku, other = factories.make_sku(), factories.make_sku()
    warehouse = factories.make_warehouse()
    record_forecasts([_record(sku.pk, None), _record(sku.pk, warehouse.pk),
                      _record(other.pk, None)], actor=None)
    record_forecasts([_record(sku.pk, None, level=5.0, days=2, model="CrostonOptimized"),
                      _record(sku.pk, warehouse.pk, level=4.0, days=2)], actor=None)
    assert ForecastFit.objects.filter(sku=sku).count() == 2
    everywhere = ForecastFit.objects.get(sku=sku, warehouse__isnull=True)
    assert (everywhere.model, everywhere.mean_daily_demand) == ("CrostonOptimized",
                                                                Decimal("5.000"))
    assert everywhere.days.count() == 2
    assert ForecastFit.objects.get(sku=sku, warehouse=warehouse).days.count() == 2
    # the SKU not given keeps its fit and days
    assert ForecastFit.objects.get(sku=other).days.count() == 3
    assert DemandForecast.objects.count() == 7


def test_record_forecasts_refuses_a_pair_given_twice_and_writes_nothing(db):
    sku = factories.make_sku()
    with pytest.raises(ValueError):
        record_forecasts([_record(sku.pk, None), _record(sku.pk, None)], actor=None)
    assert not ForecastFit.objects.exists()


def test_record_forecasts_clamps_runaway_numbers(db):
    sku = factories.make_sku()
    [fit] = record_forecasts([_record(sku.pk, None, level=float("1e15"))], actor=None)
    fit.refresh_from_db()
    assert fit.mean_daily_demand == Decimal("999999999.999")


def test_record_forecasts_can_drop_every_earlier_fit(db):
    sku, gone = factories.make_sku(), factories.make_sku()
    warehouse = factories.make_warehouse()
    record_forecasts([_record(sku.pk, None), _record(sku.pk, warehouse.pk),
                      _record(gone.pk, None)], actor=None)
    record_forecasts([_record(sku.pk, None)], actor=None, drop_others=True)
    assert list(ForecastFit.objects.values_list("sku_id", "warehouse_id")) == [(sku.pk, None)]
    assert DemandForecast.objects.count() == 3
    assert OperationLog.objects.filter(action="inventory.drop_forecasts").exists()
