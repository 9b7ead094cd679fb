"""Customer value of the shop (``insights.clv_run``): fitted on the warehouse's paid orders,
stored per customer through ``customers.actions_value``, the segments on churn risk
evaluated with the new values; too few customers keep the old values."""

import logging
from datetime import datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import numpy as np
import pytest

from tests import factories
from zhanggui.accounts.models import OperationLog
from zhanggui.analytics import actions, after_refresh, warehouse
from zhanggui.customers import segments
from zhanggui.customers.models import Customer
from zhanggui.customers.models_segments import SegmentMember
from zhanggui.customers.models_value import CustomerValue
from zhanggui.insights import clv, clv_run
from zhanggui.insights.tasks_clv import customer_values_after_refresh
from zhanggui.orders.models import Order

pytestmark = pytest.mark.django_db
SHANGHAI = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 12, 1, 12, 0, tzinfo=SHANGHAI)


@pytest.fixture(autouse=True)
def _shop_time_zone(settings):
    settings.TIME_ZONE = "Asia/Shanghai"
    settings.ZHANGGUI_CLV_AFTER_REFRESH = False


def _copy(template: Order, customer: Customer, when: datetime, amount: str, status: str = "paid") -> Order:
    order = Order.objects.get(pk=template.pk)
    order.pk = None
    order.number = f"T{Order.objects.count() + 1:08d}"
    order.customer, order.status, order.paid_at = customer, status, when
    order.goods_amount = order.total_amount = order.paid_amount = Decimal(amount)
    order.save()
    return order


def _buyers(count: int, *, seed: int = 5) -> dict[int, list[datetime]]:
    """``count`` customers, each buying on a few days of the last 300 (seeded)."""
    rng = np.random.default_rng(seed)
    sku = factories.make_listed_sku(price="100.00", cost="40.00")
    factories.stock_up(sku, factories.make_warehouse(), 100)
    template = factories.make_order(sku=sku, status="paid")
    Order.objects.filter(pk=template.pk).update(paid_at=NOW - timedelta(days=400))
    out = {}
    for n in range(count):
        customer = Customer.objects.create(code=f"CV{n:04d}", nickname=f"买家{n}")
        start = NOW - timedelta(days=int(rng.integers(20, 300)), hours=int(rng.integers(0, 8)))
        days = [start]
        while rng.random() < 0.6 and days[-1] + timedelta(days=40) < NOW:
            days.append(days[-1] + timedelta(days=int(rng.integers(3, 40))))
        for when in days:
            _copy(template, customer, when, f"{rng.integers(50, 500)}.00")
        out[customer.pk] = days
    out[template.customer_id] = [NOW - timedelta(days=400)]
    return out


def test_values_are_stored_for_every_buyer_and_churn_risk_is_one_minus_alive():
    buyers = _buyers(30)
    guest = Customer.objects.create(code="GUEST", is_guest=True)
    template = Order.objects.exclude(customer_id__in=[]).first()
    _copy(template, guest, NOW - timedelta(days=3), "80.00")
    cancelled = Customer.objects.create(code="CANCEL")
    _copy(template, cancelled, NOW - timedelta(days=3), "80.00", status="cancelled")
    Customer.objects.create(code="PROSPECT")
    warehouse.rebuild()

    run = clv_run.run_customer_values(now=NOW)

    assert run is not None and run.customers == len(buyers)
    values = {v.customer_id: v for v in CustomerValue.objects.all()}
    assert set(values) == set(buyers)
    for customer_id, days in buyers.items():
        v = values[customer_id]
        distinct = {d.date() for d in days}
        assert v.frequency == len(distinct) - 1
        assert v.age_days == (NOW.date() - min(distinct)).days
        assert v.recency_days == (max(distinct) - min(distinct)).days
        assert v.churn_risk + v.probability_alive == 1
        assert 0 <= v.probability_alive <= 1
        assert v.horizon_days == 365 and v.computed_at == NOW
        slack = Decimal("0.01") * (1 + v.expected_spend)  # both factors are rounded
        assert abs(v.clv - v.expected_purchases * v.expected_spend) <= slack
        if v.frequency == 0:
            assert v.probability_alive == 1
    log = OperationLog.objects.get(action="customers.replace_customer_values")
    assert log.after["customers"] == len(buyers) and "r" in log.after["model"]["bg_nbd"]


def test_a_segment_on_churn_risk_sees_the_values_just_stored():
    _buyers(30)
    warehouse.rebuild()  # the warehouse holds no values yet
    risky = segments.create_segment("risky", name="risky", actor=None, definition={
        "match": "all", "conditions": [{"field": "churn_risk", "op": "gte", "value": "0.3"}]})
    valuable = segments.create_segment("valuable", name="valuable", actor=None, definition={
        "match": "all", "conditions": [{"field": "clv", "op": "gt", "value": "100"}]})
    other = segments.create_segment("buyers", name="buyers", actor=None, definition={
        "match": "all", "conditions": [{"field": "paid_orders", "op": "gte", "value": 1}]})

    run = clv_run.run_customer_values(now=NOW)

    values = CustomerValue.objects.values_list("customer_id", flat=True)
    expected_risky = set(values.filter(churn_risk__gte=Decimal("0.3")))
    assert expected_risky and expected_risky != set(values)
    assert _members(risky) == expected_risky
    assert _members(valuable) == set(values.filter(clv__gt=100))
    assert set(run.segments) == {"risky", "valuable"}  # the others wait for the next refresh
    assert not SegmentMember.objects.filter(segment=other).exists()


def _members(segment) -> set[int]:
    return set(SegmentMember.objects.filter(segment=segment).values_list("customer_id", flat=True))


def test_too_few_customers_keep_the_old_values_and_warn(caplog):
    _buyers(5)
    warehouse.rebuild()
    someone = Customer.objects.first()
    old = CustomerValue.objects.create(
        customer=someone, frequency=1, recency_days=1, age_days=2, expected_purchases=1,
        probability_alive=Decimal("0.5"), churn_risk=Decimal("0.5"), clv=10, horizon_days=365,
        computed_at=NOW - timedelta(days=1))
    with caplog.at_level(logging.WARNING, logger="zhanggui.insights.clv_run"):
        assert clv_run.run_customer_values(now=NOW) is None
    assert list(CustomerValue.objects.all()) == [old]
    assert "customer value not fitted" in caplog.text


def test_a_failed_fit_keeps_the_old_values(monkeypatch, caplog):
    _buyers(25)
    warehouse.rebuild()

    def fail(*args, **kwargs):
        raise clv.FitFailed("no starting point reached a finite log-likelihood")

    monkeypatch.setattr(clv, "fit_bgnbd", fail)
    with caplog.at_level(logging.WARNING, logger="zhanggui.insights.clv_run"):
        assert clv_run.run_customer_values(now=NOW) is None
    assert not CustomerValue.objects.exists()
    assert "BG/NBD failed" in caplog.text


def test_the_fit_follows_each_warehouse_refresh(settings, django_capture_on_commit_callbacks):
    assert after_refresh.JOBS["insights.customer_values"] is customer_values_after_refresh
    _buyers(22)
    settings.ZHANGGUI_CLV_AFTER_REFRESH = True
    with django_capture_on_commit_callbacks(execute=True):
        actions.refresh_warehouse(actor=None)
    assert CustomerValue.objects.count() == 23
