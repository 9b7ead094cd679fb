"""The demo's membership seed: a points history consistent with the written orders."""

from datetime import timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from tests import factories
from zhanggui.aftersales import actions as aftersales_actions
from zhanggui.customers import points
from zhanggui.customers.models_points import PointsAccount, PointsEntry
from zhanggui.demo.context import Clock
from zhanggui.demo.membership_seed import seed_membership
from zhanggui.orders.models import Order
from zhanggui.pricing.models import CouponTemplate, CustomerMembership, MemberTier


@pytest.fixture
def written_orders(db):
    """Paid orders (one a year old, one refunded in part, one in full) whose points rows are
    then removed: the demo writes orders in bulk, without the actions' points."""
    for rank, code in enumerate(("regular", "silver", "gold")):
        MemberTier.objects.create(code=code, name=code, rank=rank)
    sku = factories.make_listed_sku(price="300.00")
    factories.stock_up(sku, factories.make_warehouse(), 100)
    customer, other = factories.make_customer(), factories.make_customer()
    old = factories.make_order(sku=sku, customer=customer, status="paid")
    Order.objects.filter(pk=old.pk).update(paid_at=timezone.now() - timedelta(days=400))
    partly = factories.make_order(sku=sku, customer=customer, quantity=2, status="paid")
    aftersales_actions.issue_refund(partly, amount=Decimal("100.00"), reason="部分", actor=None)
    full = factories.make_order(sku=sku, customer=other, quantity=4, status="paid")
    aftersales_actions.issue_refund(full, amount=full.paid_amount, reason="全部", actor=None)
    factories.make_order(sku=sku, customer=other, quantity=3, status="paid")
    PointsEntry.objects.all().delete()
    PointsAccount.objects.all().delete()
    return {"customer": customer, "other": other, "full": full, "partly": partly, "old": old}


def test_seed_membership_replays_orders_into_a_consistent_ledger(written_orders):
    clock = Clock(now=timezone.now(), tz=ZoneInfo("Asia/Shanghai"))

    counts = seed_membership(clock, {})

    assert counts["accounts"] == 2
    for account in PointsAccount.objects.all():
        assert points.ledger_problems(account) == []
    full = PointsEntry.objects.filter(reference=written_orders["full"].number)
    assert sum(full.filter(kind="earn").values_list("points", flat=True)) == 1200
    assert sum(full.filter(kind="reverse").values_list("points", flat=True)) == -1200
    partly = written_orders["partly"].number
    assert PointsEntry.objects.get(reference=partly, kind="reverse").points == -100  # 600 × 100/600
    old = written_orders["old"].number
    assert PointsEntry.objects.get(reference=old, kind="expire").points == -300
    assert points.get_balance(written_orders["customer"]) == 500
    assert points.get_balance(written_orders["other"]) == 900
    silver = MemberTier.objects.get(code="silver")
    assert silver.min_spend_amount == Decimal("800.00") and silver.points_multiplier == Decimal("1.20")
    tiers = dict(CustomerMembership.objects.values_list("customer__code", "tier__code"))
    assert tiers == {written_orders["customer"].code: "regular", written_orders["other"].code: "silver"}
    assert CouponTemplate.objects.filter(is_birthday_only=True).count() == 1
    assert CouponTemplate.objects.get(points_price=500).issued_count == counts["exchanged_coupons"]


def test_seed_membership_leaves_customers_already_earning_alone(written_orders):
    points.adjust_points(written_orders["customer"], points=10, reason="live", actor=None)
    counts = seed_membership(Clock(now=timezone.now(), tz=ZoneInfo("Asia/Shanghai")), {})
    assert counts["accounts"] == 1
    assert points.get_balance(written_orders["customer"]) == 10
