"""Registry metrics on the hand-made store of ``conftest``: every expected number is worked
out in the comment beside it."""

from datetime import date
from decimal import Decimal

import pytest

from tests import factories
from tests.analytics.conftest import at
from zhanggui.analytics import engine
from zhanggui.analytics.metrics import METRICS
from zhanggui.analytics.rules import Period
from zhanggui.orders.models import Order

WEEK = Period("current", date(2026, 11, 1), date(2026, 11, 8))
BEFORE = Period("previous", date(2026, 10, 25), date(2026, 11, 1))


@pytest.fixture
def values(store):
    codes = ["gmv", "orders_paid", "paying_buyers", "orders_placed", "visitors", "page_views",
             "payment_conversion_rate", "aov", "avg_order_value", "uv_value", "add_to_cart_rate",
             "bounce_rate", "avg_pages_per_visit", "refunds_amount", "net_sales", "refund_rate",
             "repurchase_rate", "units_sold", "order_conversion_rate"]
    return engine.compute(codes, [WEEK, BEFORE])


def test_sales_metrics_count_paid_orders_of_the_period(values):
    week = values["current"]
    assert week["gmv"] == Decimal("410.00")  # 110 + 200 + 100
    assert week["orders_paid"] == 3  # orders 1, 2, 3
    assert week["paying_buyers"] == 2  # A and B
    assert week["orders_placed"] == 4  # orders 1–4 (order 4 unpaid still counts as placed)
    assert week["units_sold"] == 4  # 1 + 2 + 1
    assert week["aov"] == Decimal("205.00")  # 410 / 2 buyers
    assert week["avg_order_value"] == Decimal("136.67")  # 410 / 3 orders, half-up
    assert values["previous"]["gmv"] == Decimal("100.00")  # order 5 on 10-28


def test_refunds_are_subtracted_only_from_net_sales(values):
    week = values["current"]
    assert week["refunds_amount"] == Decimal("30.00")
    assert week["net_sales"] == Decimal("380.00")  # 410 − 30
    # 30 days to 11-08: lines paid = orders 1, 2, 3, 5 (one line each) = 4; refunded = order 3's.
    assert week["refund_rate"] == pytest.approx(1 / 4)


def test_traffic_metrics_follow_the_glossary(values):
    week = values["current"]
    assert week["visitors"] == 4  # v1–v4
    assert week["page_views"] == 4  # one page view each
    assert week["payment_conversion_rate"] == pytest.approx(2 / 4)  # buyers A, B / visitors
    assert week["order_conversion_rate"] == pytest.approx(2 / 4)
    assert week["uv_value"] == Decimal("102.50")  # 410 / 4
    assert week["add_to_cart_rate"] == pytest.approx(2 / 4)  # v1, v2
    assert week["bounce_rate"] == pytest.approx(1 / 4)  # v3 only
    assert week["avg_pages_per_visit"] == pytest.approx(4 / 4)
    assert values["previous"]["visitors"] == 0
    assert values["previous"]["payment_conversion_rate"] is None  # no visitors: no rate


def test_repurchase_rate_uses_the_window_that_ends_with_the_period(values):
    # 90 days to 11-08: A has 2 paid orders, B 1, D 1 → 1 / 3.
    assert values["current"]["repurchase_rate"] == pytest.approx(1 / 3)


def test_filters_restrict_every_source(store):
    other = engine.compute(["gmv", "visitors"], [WEEK], engine.Filters(channel="tmall"))["current"]
    assert other == {"gmv": 0, "visitors": 0}
    category = store["product"].category_id
    same = engine.compute(["gmv"], [WEEK], engine.Filters(category_id=category))["current"]
    assert same["gmv"] == Decimal("410.00")


def test_metrics_by_dimension(store):
    by_source = engine.compute(["visit_visitors", "bounce_rate"], [WEEK], group_by="source")["current"]
    assert by_source["search"]["visit_visitors"] == 2  # v1, v4
    assert by_source["social"]["bounce_rate"] == 1.0  # v3
    by_hour = engine.compute(["orders_paid"], [WEEK], group_by="hour")["current"]
    assert {h: v["orders_paid"] for h, v in by_hour.items()} == {10: 1, 20: 1, 9: 1}


def test_guest_checkouts_count_in_sales_but_not_as_buyers(store):
    from zhanggui.analytics import warehouse
    from zhanggui.customers.models import Customer

    guest = factories.make_customer()
    Customer.objects.filter(pk=guest.pk).update(is_guest=True)
    order = factories.make_order(sku=store["sku"], customer=guest, status="paid")
    Order.objects.filter(pk=order.pk).update(paid_at=at("2026-11-06 12:00"))
    warehouse.refresh()
    week = engine.compute(["gmv", "orders_paid", "paying_buyers"], [WEEK])["current"]
    assert week == {"gmv": Decimal("510.00"), "orders_paid": 4, "paying_buyers": 2}


@pytest.mark.parametrize("group_by", [None, "source", "day", "product_id"])
def test_distinct_counts_grouped_per_visitor_equal_the_plain_query(store, monkeypatch, group_by):
    codes = ["visitors", "page_views", "product_viewers", "cart_visitors", "ordering_visitors",
             "paying_visitors", "searches", "bounced_visitors", "visit_visitors", "visit_page_views"]
    if group_by in ("day", "product_id"):
        codes = [c for c in codes if not c.startswith(("visit_", "bounced"))]  # visits: by source
    periods = [WEEK, BEFORE]
    sql = engine.source_sql("events", [METRICS[c] for c in codes if METRICS[c].source == "events"],
                            periods, engine.Filters(), group_by)
    assert "per_visitor_id" in sql  # the rewrite applies
    rewritten = engine.compute(codes, periods, group_by=group_by)
    monkeypatch.setattr(engine, "_per_entity", lambda parts: None)
    assert engine.compute(codes, periods, group_by=group_by) == rewritten
