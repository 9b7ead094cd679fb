"""The demand forecasts end to end: orders and stock in the database → warehouse refresh →
the task the refresh triggers → stored fits and days."""

from datetime import datetime, time, timedelta
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from tests import factories
from zhanggui.analytics.actions import refresh_warehouse
from zhanggui.core.timeutil import shop_today
from zhanggui.fulfillment.allocation import allocate_orders
from zhanggui.insights import forecasting, rules
from zhanggui.insights.tasks import forecast_demand_task
from zhanggui.inventory import actions as inventory_actions
from zhanggui.inventory.models import ForecastFit, StockMovement
from zhanggui.orders.models import Order


def _at(day, hour: int) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=timezone.get_current_timezone())


def _backdate(movement: StockMovement, moment: datetime) -> None:
    StockMovement.objects.filter(pk=movement.pk).update(created_at=moment)


@pytest.fixture
def store(db, settings):
    """One SKU in one warehouse: stocked 60 days ago, out of stock from noon 6 days ago until
    noon 4 days ago (two days start with nothing available), 15 orders of 2 units paid over
    the last 40 days (none on the stock-out days), 7 of them reviewed into parcels."""
    settings.ZHANGGUI_FORECAST_JOBS = 1
    today = shop_today()
    sku, warehouse = factories.make_listed_sku(), factories.make_warehouse()
    _backdate(inventory_actions.receive_stock(sku, warehouse=warehouse, quantity=100,
                                              reason="opening", actor=None),
              _at(today - timedelta(days=60), 10))
    _backdate(inventory_actions.adjust_stock(sku, warehouse=warehouse, delta=-100,
                                             reason="damaged", actor=None),
              _at(today - timedelta(days=6), 12))
    _backdate(inventory_actions.receive_stock(sku, warehouse=warehouse, quantity=100,
                                              reason="restock", actor=None),
              _at(today - timedelta(days=4), 12))
    paid_days = [d for d in range(1, 41, 2) if d not in (4, 5)][:15]
    for n, days_ago in enumerate(paid_days):
        # Reviewed orders are in a parcel from the warehouse: they count there too.
        order = factories.make_order(sku=sku, quantity=2, status="reviewed" if n % 2 else "paid")
        Order.objects.filter(pk=order.pk).update(paid_at=_at(today - timedelta(days=days_ago), 11))
    allocate_orders(Order.objects.filter(status="reviewed"), actor=None)
    return sku, warehouse


def test_the_task_after_a_refresh_stores_forecasts_of_skus_with_sales(
        store, settings, django_capture_on_commit_callbacks):
    sku, warehouse = store
    other = factories.make_listed_sku()  # no sales: no forecast
    settings.ZHANGGUI_FORECAST_AFTER_REFRESH = True
    with django_capture_on_commit_callbacks(execute=True):
        refresh_warehouse(actor=None)
    fit = ForecastFit.objects.get(sku=sku, warehouse__isnull=True)
    assert not ForecastFit.objects.filter(sku=other).exists()
    assert fit.days.count() == 28
    assert fit.days.order_by("day").first().day == shop_today()
    assert fit.censored_days == 2
    assert fit.history_days == 59  # from the first day that started with stock
    assert fit.interval_level == 80 and fit.model
    # 30 units over the 57 observed days, none on Saturdays or Sundays necessarily
    assert 0.2 < float(fit.mean_daily_demand) < 1.5
    for day in fit.days.all():
        assert day.lower <= day.quantity <= day.upper
    in_warehouse = ForecastFit.objects.get(sku=sku, warehouse=warehouse)
    assert in_warehouse.days.count() == 28 and in_warehouse.censored_days == 2
    assert in_warehouse.mean_daily_demand < fit.mean_daily_demand  # 7 of the 15 orders


def test_no_forecasts_after_a_refresh_while_switched_off(store, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        refresh_warehouse(actor=None)
    assert not ForecastFit.objects.exists()


def test_the_task_skips_when_forecasts_are_fresh_unless_forced(store, settings):
    refresh_warehouse(actor=None)
    assert forecast_demand_task.delay().get() == 1
    first = ForecastFit.objects.get(warehouse__isnull=True)
    assert forecast_demand_task.delay().get() == -1
    assert ForecastFit.objects.get(warehouse__isnull=True).pk == first.pk
    assert forecast_demand_task.delay(force=True).get() == 1
    assert ForecastFit.objects.filter(warehouse__isnull=True).count() == 1  # replaced


def test_known_events_cover_calendar_days_and_promotion_scopes(store):
    sku, warehouse = store
    today = shop_today()
    factories.make_promotion("item_percent", discount_rate=Decimal("0.10"), scope="skus",
                             scope_ids=[sku.pk],
                             starts_at=_at(today + timedelta(days=3), 0),
                             ends_at=_at(today + timedelta(days=5), 0))
    factories.make_promotion("first_order", discount_amount=Decimal("10.00"))  # always on
    keys = [str(sku.pk), f"{sku.pk}@{warehouse.pk}", "999999"]
    events = forecasting.known_events(keys, today, today + timedelta(days=27))
    promotion = events[events["kind"] == rules.PROMOTION]
    assert set(promotion["unique_id"]) == {str(sku.pk), f"{sku.pk}@{warehouse.pk}"}
    assert sorted(set(promotion["ds"])) == [today + timedelta(days=3), today + timedelta(days=4)]
    calendar = events[events["kind"] != rules.PROMOTION]
    assert calendar["unique_id"].isna().all()


def test_the_forecast_command_runs_the_same_and_reports(store):
    refresh_warehouse(actor=None)
    out = StringIO()
    call_command("forecast", "--jobs", "1", stdout=out)
    assert out.getvalue().startswith("Forecast 1 SKUs (2 forecasts) in ")
    assert ForecastFit.objects.count() == 2


def test_nothing_to_forecast_before_the_first_refresh(db):
    summary = forecasting.run_forecasts(actor=None)
    assert (summary.skus, summary.fits) == (0, 0)
