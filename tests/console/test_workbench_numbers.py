"""Today's key numbers against yesterday at the same clock time, on a data set with
explicit timestamps (the shop's time zone, Asia/Shanghai)."""

from datetime import datetime, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from tests import factories
from zhanggui.aftersales import actions as aftersales_actions
from zhanggui.aftersales.models import AftersalesRequest
from zhanggui.console.workbench import numbers
from zhanggui.console.workbench.view import change_text
from zhanggui.fulfillment.models import Shipment
from zhanggui.orders.models import Order

DAY = datetime(2026, 12, 6)


def at(days_before: int, hour: int, minute: int = 0) -> datetime:
    """A moment of the shop's day ``days_before`` days before 6 December 2026."""
    return timezone.make_aware(DAY - timedelta(days=days_before) + timedelta(hours=hour,
                                                                                minutes=minute))


NOW = at(0, 15)  # 15:00 on the 6th


@pytest.fixture
def sku(db):
    sku = factories.make_listed_sku(price="100.00", cost="40.00")
    factories.stock_up(sku, factories.make_warehouse(), 500)
    return sku


def paid_at(sku, moment, *, quantity=1, status="paid", shipped=None, collected=None) -> Order:
    """An order paid at ``moment``; a shipped one's parcel handed over at ``shipped`` and
    collected by the carrier at ``collected``."""
    order = factories.make_order(sku=sku, quantity=quantity, status=status)
    Order.objects.filter(pk=order.pk).update(paid_at=moment, shipped_at=shipped)
    Shipment.objects.filter(order=order).update(shipped_at=shipped, collected_at=collected)
    return order


def requested_at(order, moment) -> None:
    request = aftersales_actions.request_aftersales(order, kind="refund_only",
                                                    reason_code="quality", actor=None)
    AftersalesRequest.objects.filter(pk=request.pk).update(requested_at=moment)


def test_the_windows_are_today_so_far_and_yesterday_until_the_same_time():
    today, yesterday = numbers.windows(NOW)
    assert (today.start, today.end) == (at(0, 0), NOW)
    assert (yesterday.start, yesterday.end) == (at(1, 0), at(1, 15))


@given(st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2100, 1, 1)))
def test_yesterday_is_as_long_as_today_and_ends_a_day_earlier(moment):
    now = timezone.make_aware(moment)
    today, yesterday = numbers.windows(now)
    assert today.start <= now == today.end < today.start + timedelta(days=1)
    assert yesterday.end - yesterday.start == today.end - today.start
    assert today.start - yesterday.start == timedelta(days=1)
    assert timezone.localtime(today.start).time() == datetime.min.time()


def test_gmv_and_paid_orders_count_today_until_now_against_yesterday_until_the_same_time(sku):
    for hour in (9, 10, 14):
        paid_at(sku, at(0, hour), quantity=2)  # ¥200 each: today ¥600, 3 orders
    paid_at(sku, at(0, 14, 59), status="cancelled")  # cancelled: never a sale
    paid_at(sku, at(0, 15, 1))  # after "now": not yet
    paid_at(sku, at(1, 8))
    paid_at(sku, at(1, 14, 59))  # yesterday ¥200, 2 orders until 15:00
    paid_at(sku, at(1, 15))  # yesterday after the same time: not compared
    paid_at(sku, at(2, 12))  # the day before: not compared

    figures = {f.code: f for f in numbers.key_numbers(NOW)}

    gmv = figures["gmv"]
    assert (gmv.today, gmv.yesterday) == (Decimal("600.00"), Decimal("200.00"))
    assert gmv.comparison.kind == "rate" and gmv.comparison.rate == pytest.approx(2.0)
    assert change_text(gmv) == "+200.0%"
    orders = figures["orders_paid"]
    assert (orders.today, orders.yesterday) == (3, 2)
    # 2 orders is below COMPARISON_MIN_BASE (20): both numbers, not "+50 %".
    assert orders.comparison.kind == "absolute" and change_text(orders) == "2 → 3"


def test_the_48_hour_ship_rate_judges_the_orders_whose_48_hours_ended_in_the_window(sku):
    # Today's cohort: paid on the 4th before 15:00 (their 48 hours ended today before now).
    paid_at(sku, at(2, 10), status="shipped", shipped=at(1, 9))  # handed over in time
    paid_at(sku, at(2, 10, 30), status="shipped", shipped=at(2, 20), collected=at(1, 9))
    paid_at(sku, at(2, 11), status="shipped", shipped=at(0, 11, 1))  # 48 h 1 min: late
    # Handed over in time, but the carrier's collection scan came late: the scan counts.
    paid_at(sku, at(2, 11, 30), status="shipped", shipped=at(1, 9), collected=at(0, 12))
    paid_at(sku, at(2, 12), status="reviewed")  # not shipped: late
    unrecorded = paid_at(sku, at(2, 13), status="reviewed")  # marked shipped, no parcel
    Order.objects.filter(pk=unrecorded.pk).update(status="shipped", shipped_at=at(1, 8))
    paid_at(sku, at(2, 16), status="reviewed")  # its 48 hours end at 16:00 today: not yet
    paid_at(sku, at(0, 9), status="shipped", shipped=at(0, 10))  # paid today: not judged yet
    # Yesterday's cohort: paid on the 3rd before 15:00.
    paid_at(sku, at(3, 9), status="shipped", shipped=at(3, 20))

    rate = {f.code: f for f in numbers.key_numbers(NOW)}["ship_within_48h_rate"]

    assert rate.today == pytest.approx(2 / 5) and rate.yesterday == pytest.approx(1.0)
    # One order yesterday is no base for a percentage change.
    assert rate.comparison.kind == "absolute"
    assert change_text(rate) == "100.0 % → 40.0 %"


def test_the_ship_rate_with_no_order_due_is_a_dash_not_zero(sku):
    rate = {f.code: f for f in numbers.key_numbers(NOW)}["ship_within_48h_rate"]
    assert rate.today is None and rate.comparison.kind == "none" and change_text(rate) == "—"


def test_after_sales_requests_opened_today_against_yesterday(sku):
    order = paid_at(sku, at(0, 8))
    for moment in (at(0, 9), at(0, 14)):
        requested_at(order, moment)
    requested_at(paid_at(sku, at(1, 8)), at(1, 13))
    requested_at(paid_at(sku, at(1, 8)), at(1, 18))  # after the same time yesterday

    figure = {f.code: f for f in numbers.key_numbers(NOW)}["aftersales_requests"]

    assert (figure.today, figure.yesterday) == (2, 1)
    assert figure.comparison.kind == "absolute"


def test_nothing_yesterday_and_something_today_is_new(sku):
    paid_at(sku, at(0, 9))
    gmv = {f.code: f for f in numbers.key_numbers(NOW)}["gmv"]
    assert gmv.comparison.kind == "new"


def test_the_names_and_formulas_are_the_metric_registrys():
    from zhanggui.analytics.metrics import METRICS

    names = {code: numbers._definition(code) for code in numbers.CODES}
    assert names["gmv"][:2] == (METRICS["gmv"].name, METRICS["gmv"].formula)
    assert names["aftersales_requests"][1] == METRICS["aftersales_requests"].formula
    assert names["ship_within_48h_rate"] == (METRICS["ship_within_48h_rate"].name,
                                             METRICS["ship_within_48h_rate"].formula, "rate")


@pytest.mark.parametrize(("role", "shown"), [
    ("owner", ["gmv", "orders_paid", "ship_within_48h_rate", "aftersales_requests"]),
    ("warehouse", ["gmv", "orders_paid", "ship_within_48h_rate", "aftersales_requests"]),
    ("designer", []),
])
def test_each_role_sees_the_numbers_of_data_it_may_open(db, role, shown):
    from tests.console.workbench_support import client_for

    page = client_for(role).get("/").content.decode()
    assert [code for code in numbers.CODES if f'data-figure="{code}"' in page] == shown
    assert ('id="workbench-numbers"' in page) == bool(shown)
