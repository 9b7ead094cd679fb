"""The demo's A/B test hook: a finished win-back campaign with two coupon arms and a holdout."""

from datetime import timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from tests import factories
from tests.marketing import campaign_factories
from zhanggui.analytics import experiments_report
from zhanggui.demo.context import Clock
from zhanggui.demo.experiments_seed import dormant_buyers, seed_experiments
from zhanggui.marketing.models_campaigns import Recipient, RecipientStatus
from zhanggui.marketing.models_experiments import Assignment
from zhanggui.orders.models import Order

pytestmark = pytest.mark.django_db


def clock() -> Clock:
    return Clock(now=timezone.now(), tz=ZoneInfo("Asia/Shanghai"))


def dormant(count: int, *, days_ago: int = 120) -> list:
    sku = factories.make_listed_sku(price="80.00")
    factories.stock_up(sku, factories.make_warehouse(), count + 5)
    customers = []
    for _ in range(count):
        order = factories.make_order(sku=sku, status="paid")
        Order.objects.filter(pk=order.pk).update(paid_at=timezone.now() - timedelta(days=days_ago))
        customers.append(order.customer)
    return customers


def test_seed_builds_a_finished_campaign_test_over_the_dormant_buyers():
    buyers = dormant(24)
    recent = dormant(2, days_ago=10)  # active: not in the audience
    assert set(dormant_buyers(clock())) == {c.pk for c in buyers}
    staff = {"operator": factories.make_staff("operator")}
    experiment = seed_experiments(clock(), staff)
    assert experiment is not None and experiment.status == "stopped"
    assert experiment.stopped_at - experiment.started_at == timedelta(days=14)
    assert [(a.code, a.share, a.is_holdout) for a in experiment.arms.order_by("id")] == [
        ("half-price", Decimal("0.4500"), False), ("twenty-off", Decimal("0.4500"), False),
        ("holdout", Decimal("0.1000"), True)]
    campaign = experiment.campaign
    assert campaign.status == "sent" and campaign.goal == "win_back"
    recipients = list(Recipient.objects.filter(campaign=campaign))
    arms = dict(Assignment.objects.filter(experiment=experiment)
                .values_list("customer_id", "arm__code"))
    assert {r.customer_id for r in recipients} == {c.pk for c in buyers} == set(arms)
    assert not {c.pk for c in recent} & set(arms)
    for r in recipients:
        assert r.arm == arms[r.customer_id]
        assert (r.status == RecipientStatus.HELD_OUT) == (r.arm == "holdout")
        assert (r.coupon_id is None) == (r.arm == "holdout")
        if r.coupon_id:
            assert r.coupon.template == experiment.arms.get(code=r.arm).coupon_template
    # its results compute (no outcome in the window: nobody converted), under-powered
    results = experiments_report.compute_results(
        experiment, [{"customer_id": cid, "arm": arm, "converted": False, "revenue": 0}
                     for cid, arm in arms.items()])
    assert results.rule.correction == "obrien_fleming" and sum(a.n for a in results.arms) == 24


def test_seed_needs_an_audience_and_leaves_a_prepared_campaign_alone():
    dormant(3)
    assert seed_experiments(clock(), {}) is None
    customer = campaign_factories.make_contact()
    campaign = campaign_factories.make_campaign(campaign_factories.make_segment([customer]))
    from zhanggui.marketing import campaigns

    campaigns.prepare_campaign(campaign, actor=None)
    assert seed_experiments(clock(), {}, campaign=campaign) is None
    assert not Assignment.objects.exists()


def test_seed_tests_the_demos_draft_win_back_campaign_when_there_is_one():
    customers = [campaign_factories.make_contact() for _ in range(12)]
    campaign = campaign_factories.make_campaign(campaign_factories.make_segment(customers))
    experiment = seed_experiments(clock(), {})
    assert experiment.campaign == campaign
    assert Recipient.objects.filter(campaign=campaign).count() == 12
