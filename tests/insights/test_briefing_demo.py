"""Must show: with the demo's planted anomalies of yesterday (WeChat Pay failing all day, a
refund spike in 美妆), yesterday's briefing ranks the payment-failure anomaly first, names
the payment method that explains it, and links it to the anomaly's page."""

from decimal import Decimal

import pytest
from django.urls import reverse

from tests.insights.test_anomalies_demo import SMALL_SHOP, YESTERDAY, demo_store  # noqa: F401
from zhanggui.analytics import warehouse
from zhanggui.insights.briefing import MAX_ACTIONS, build_briefing
from zhanggui.insights.models import Anomaly, Briefing
from zhanggui.orders.models import PaymentMethod


@pytest.fixture
def built(demo_store, db, settings):  # noqa: F811
    settings.ZHANGGUI_ANOMALIES = {**settings.ZHANGGUI_ANOMALIES, "MIN_VOLUME": SMALL_SHOP}
    warehouse.rebuild()
    return build_briefing(YESTERDAY)


def test_the_payment_failure_anomaly_is_the_top_action_of_yesterdays_briefing(built):
    actions = list(built.actions.order_by("rank"))
    print([(a.rank, a.kind, a.title, a.impact_amount) for a in actions])
    assert 1 <= len(actions) <= MAX_ACTIONS
    top = actions[0]
    assert (top.kind, top.metric) == ("anomaly", "payment_failure_rate")
    anomaly = Anomaly.objects.get(pk=top.detail["anomaly_id"])
    assert anomaly.dimension == "payment_method"
    assert anomaly.dimension_value == PaymentMethod.WECHAT
    assert top.impact_amount == anomaly.impact_amount > Decimal(0)
    assert top.url == reverse("admin:insights_anomaly_change", args=[anomaly.pk])
    impacts = [a.impact_amount for a in actions]
    assert impacts == sorted(impacts, reverse=True)
    assert {c["metric"] for c in built.causes} >= {"payment_failure_rate", "refund_amount_rate"}
    gmv = next(k for k in built.kpis if k["code"] == "gmv")
    assert gmv["value"] is not None and gmv["previous_day"]["value"] is not None


def test_rebuilding_the_demo_briefing_gives_the_same_actions(built):
    again = build_briefing(YESTERDAY)
    assert Briefing.objects.count() == 1
    assert [(a.kind, a.title, a.impact_amount) for a in again.actions.order_by("rank")] == \
        [(a.kind, a.title, a.impact_amount) for a in built.actions.order_by("rank")]
