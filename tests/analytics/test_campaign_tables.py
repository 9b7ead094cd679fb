"""Last-touch attribution in the warehouse over ``campaign_store``: the edge cases."""

from decimal import Decimal

import pytest

from tests.analytics.campaign_store import build_campaigns
from zhanggui.analytics import reader


@pytest.fixture
def store(db, warehouse_dir):
    return build_campaigns()


def _attributed(store) -> dict:
    rows = reader.query("SELECT order_id, campaign_id, arm, paid_amount, gross_profit, "
                        "discount_amount FROM campaign_orders")
    return {order_id: rest for order_id, *rest in rows}


def test_the_last_touch_before_payment_wins(store):
    attributed = _attributed(store)
    assert attributed[store["o1"].pk][:2] == [store["c1"].pk, "treat"]
    assert attributed[store["o2"].pk][:2] == [store["c2"].pk, ""]  # C1 touched first, C2 last


def test_the_window_is_half_open(store):
    attributed = _attributed(store)
    assert store["o8"].pk in attributed  # 7 days less a minute after the message
    assert store["o3"].pk not in attributed  # exactly 7 days after


def test_unpaid_cancelled_and_holdout_orders_are_never_attributed(store):
    attributed = _attributed(store)
    for name in ("o4", "o5", "o6"):
        assert store[name].pk not in attributed, name


def test_gross_profit_and_the_campaign_coupons_discount(store):
    attributed = _attributed(store)
    assert attributed[store["o1"].pk][2:] == [Decimal("90.00"), Decimal("50.00"), Decimal("10.00")]
    assert attributed[store["o7"].pk][2:] == [Decimal("100.00"), Decimal("30.00"), Decimal("0.00")]


def test_arm_results_add_up_to_the_hand_computed_figures(store):
    rows = {(c, arm): rest for c, arm, *rest in reader.query(
        "SELECT campaign_id, arm, recipients, reached, converted, orders, gmv, gross_profit, "
        "discounts, message_cost, fixed_cost, cost FROM campaign_arm_results")}
    c1, c2 = store["c1"].pk, store["c2"].pk
    assert rows[(c1, "treat")] == [3, 2, 2, 2, Decimal("190"), Decimal("110"), Decimal("10"),
                                   Decimal("0.1"), Decimal("30"), Decimal("40.1")]
    assert rows[(c1, "holdout")] == [1, 0, 0, 0, 0, 0, 0, 0, 0, 0]
    assert rows[(c2, "")] == [2, 2, 2, 2, Decimal("200"), Decimal("90"), 0, 0, Decimal("20"),
                              Decimal("20")]
    assert rows[(store["c3"].pk, "")][0] == 0  # the draft has nobody
