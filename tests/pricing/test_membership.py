"""Membership with orders: points earned on payment (tier multiplier, no shipping, once),
reversed by refunds, paid with at placement and given back when unpaid orders end; points
for coupons; tier upgrades and reviews."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from tests import factories
from zhanggui.accounts.models import OperationLog
from zhanggui.aftersales import actions as aftersales_actions
from zhanggui.customers import points
from zhanggui.customers.errors import PointsInsufficient
from zhanggui.customers.models_points import PointsAccount, PointsEntry, PointsPolicy
from zhanggui.orders import actions as order_actions
from zhanggui.pricing import actions, membership, queries
from zhanggui.pricing.errors import CouponsExhausted, InvalidOffer, NotForPoints
from zhanggui.pricing.models import Coupon, CustomerMembership, MemberTier, TierPolicy

D = Decimal


@pytest.fixture
def sku(db):
    sku = factories.make_listed_sku(price="100.00")
    factories.stock_up(sku, factories.make_warehouse(), 100)
    return sku


def place(customer, sku, quantity=1, **kwargs):
    return order_actions.place_order(customer, lines=[order_actions.LineRequest(sku.pk, quantity)],
                                     recipient=factories.recipient(), actor=None, **kwargs)


def pay(order):
    factories._advance(order, "paid")
    order.refresh_from_db()
    return order


def give(customer, n):
    points.earn_points(customer, points=n, reason="seed", reference="", basis_amount=D(0),
                       actor=None, expires_at=None)


@pytest.fixture
def tiers(db):
    return {
        "normal": MemberTier.objects.create(code="normal", name="普通", rank=0),
        "silver": MemberTier.objects.create(code="silver", name="银卡", rank=1,
                                            min_spend_amount=D("500"), min_points=500,
                                            points_multiplier=D("1.20")),
        "gold": MemberTier.objects.create(code="gold", name="金卡", rank=2,
                                          min_spend_amount=D("2000"), min_points=2000,
                                          points_multiplier=D("1.50")),
    }


# ---- earning ------------------------------------------------------------------------------

def test_payment_earns_on_goods_paid_without_shipping(sku):
    customer = factories.make_customer()
    order = pay(place(customer, sku, 2, shipping_amount=D("12.00")))
    entry = PointsEntry.objects.get(reference=order.number, kind="earn")
    assert (entry.points, entry.basis_amount) == (200, D("200.00"))
    assert entry.expires_at is not None  # 12 months by default


def test_payment_earns_with_the_tier_multiplier_and_expiry_policy(sku, tiers):
    PointsPolicy.objects.create(points_per_yuan=D("2"), expiry_months=0)
    customer = factories.make_customer()
    actions.set_member_tier(customer, tier=tiers["gold"], actor=None)
    order = pay(place(customer, sku, 1))
    entry = PointsEntry.objects.get(reference=order.number)
    assert entry.points == 300 and entry.expires_at is None  # 100 × 2 × 1.5


def test_paying_twice_never_earns_twice(sku):
    customer = factories.make_customer()
    order = pay(place(customer, sku))
    membership.award_order_points(customer, reference=order.number, paid_amount=order.paid_amount,
                                  shipping_amount=order.shipping_amount, actor=None)
    assert PointsEntry.objects.filter(reference=order.number, kind="earn").count() == 1
    assert points.get_balance(customer) == 100


def test_imported_orders_do_not_earn(sku):
    customer = factories.make_customer()
    order = place(customer, sku)
    order.__class__.objects.filter(pk=order.pk).update(is_imported=True)
    order.refresh_from_db()
    pay(order)
    assert points.get_balance(customer) == 0


# ---- refunds ------------------------------------------------------------------------------

def test_full_refund_reverses_exactly_what_the_order_earned(sku):
    customer = factories.make_customer()
    order = pay(place(customer, sku, 3, shipping_amount=D("10.00")))
    earned = points.get_balance(customer)
    assert earned == 300
    aftersales_actions.issue_refund(order, amount=D("100.00"), reason="部分", actor=None)
    assert points.get_balance(customer) == 300 - 96  # floor(300 × 100 / 310)
    order.refresh_from_db()
    aftersales_actions.issue_refund(order, amount=order.refundable_amount, reason="全部", actor=None)
    assert points.get_balance(customer) == 0
    reversed_ = PointsEntry.objects.filter(reference=order.number, kind="reverse")
    assert -sum(e.points for e in reversed_) == earned


# ---- points as payment --------------------------------------------------------------------

def test_price_cart_redeems_points_within_the_policy_share(sku):
    customer = factories.make_customer()
    give(customer, 100_000)
    breakdown, _data = queries.price_cart(customer, {sku.pk: 1}, points=8000)
    # default: 100 points = ¥1, at most 50 % of ¥100 → 5000 points pay ¥50
    assert (breakdown.points_redeemed, breakdown.points_amount) == (5000, D("50.00"))
    assert breakdown.total == D("50.00")
    assert breakdown.as_dict()["points_amount"] == "50.00"
    assert any(d["stage"] == "points" for d in breakdown.as_dict()["discounts"])
    assert points.get_balance(customer) == 100_000  # a preview spends nothing


def test_price_cart_redeems_no_more_than_the_balance(sku):
    customer = factories.make_customer()
    give(customer, 1234)
    breakdown, _data = queries.price_cart(customer, {sku.pk: 1}, points=5000)
    assert (breakdown.points_redeemed, breakdown.points_amount) == (1234, D("12.34"))


def test_place_order_spends_the_points_and_records_them(sku):
    customer = factories.make_customer()
    give(customer, 3000)
    order = place(customer, sku, 1, points=2000)
    assert (order.points_redeemed, order.points_amount, order.total_amount) == (2000, D("20.00"), D("80.00"))
    assert points.get_balance(customer) == 1000
    assert sum(line.total_amount for line in order.lines.all()) == D("80.00")
    pay(order)  # earns on the ¥80 paid, not on the points
    assert PointsEntry.objects.get(reference=order.number, kind="earn").points == 80


def test_cancelled_and_closed_unpaid_orders_give_the_points_back(sku):
    customer = factories.make_customer()
    give(customer, 5000)
    cancelled = place(customer, sku, 1, points=1000)
    closed = place(customer, sku, 1, points=1500)
    assert points.get_balance(customer) == 2500
    order_actions.cancel_order(cancelled, reason="不要了", actor=None)
    order_actions.close_unpaid_order(closed)
    assert points.get_balance(customer) == 5000
    assert points.ledger_problems(PointsAccount.objects.get(customer=customer)) == []


def test_line_refund_of_an_order_paid_partly_with_points_stays_within_paid(sku):
    customer = factories.make_customer()
    give(customer, 5000)
    order = pay(place(customer, sku, 2, points=5000))  # ¥50 of ¥200 in points
    assert order.paid_amount == D("150.00")
    aftersales_actions.issue_refund(order, amount=order.paid_amount, reason="全退", actor=None)
    order.refresh_from_db()
    assert order.refunded_amount == D("150.00")
    assert PointsEntry.objects.filter(reference=order.number, kind="reverse").get().points == -150


# ---- points for coupons -------------------------------------------------------------------

def test_exchange_points_for_a_coupon(db):
    customer = factories.make_customer()
    give(customer, 800)
    template = actions.create_coupon_template("积分兑换券", kind="fixed", discount_amount=D("5"),
                                              points_price=500, actor=None)
    coupon = membership.exchange_points_for_coupon(customer, template, actor=None)
    assert coupon.customer_id == customer.pk and points.get_balance(customer) == 300
    entry = PointsEntry.objects.get(kind="spend")
    assert "积分兑换券" in entry.reason


def test_exchange_without_enough_points_issues_nothing(db):
    customer = factories.make_customer()
    give(customer, 100)
    template = actions.create_coupon_template("券", kind="fixed", discount_amount=D("5"),
                                              points_price=500, actor=None)
    with pytest.raises(PointsInsufficient):
        membership.exchange_points_for_coupon(customer, template, actor=None)
    assert not Coupon.objects.exists() and points.get_balance(customer) == 100


def test_exchange_when_codes_run_out_spends_nothing(db):
    customer = factories.make_customer()
    give(customer, 1000)
    template = actions.create_coupon_template("券", kind="fixed", discount_amount=D("5"),
                                              points_price=500, issue_limit=0, actor=None)
    with pytest.raises(CouponsExhausted):
        membership.exchange_points_for_coupon(customer, template, actor=None)
    assert points.get_balance(customer) == 1000 and not PointsEntry.objects.filter(kind="spend").exists()


def test_template_without_points_price_cannot_be_exchanged(db):
    customer = factories.make_customer()
    give(customer, 1000)
    template = actions.create_coupon_template("券", kind="fixed", discount_amount=D("5"), actor=None)
    with pytest.raises(NotForPoints) as error:
        membership.exchange_points_for_coupon(customer, template, actor=None)
    assert error.value.code == "not_for_points" and points.get_balance(customer) == 1000


# ---- tiers --------------------------------------------------------------------------------

def test_member_moves_up_as_soon_as_spend_reaches_a_threshold(sku, tiers):
    customer = factories.make_customer()
    actions.set_member_tier(customer, tier=tiers["normal"], actor=None)
    pay(place(customer, sku, 4))
    assert CustomerMembership.objects.get(customer=customer).tier.code == "normal"
    pay(place(customer, sku, 1))  # 500 in the period
    member = CustomerMembership.objects.get(customer=customer)
    assert member.tier.code == "silver" and member.tier_since is not None
    assert OperationLog.objects.filter(action="pricing.upgrade_member").count() == 1


def test_upgrade_by_points_basis(sku, tiers):
    TierPolicy.objects.create(basis="points")
    customer = factories.make_customer()
    actions.set_member_tier(customer, tier=tiers["normal"], actor=None)
    pay(place(customer, sku, 5))  # 500 points
    assert CustomerMembership.objects.get(customer=customer).tier.code == "silver"


def test_non_members_earn_but_are_not_enrolled(sku, tiers):
    customer = factories.make_customer()
    pay(place(customer, sku, 30))
    assert not CustomerMembership.objects.filter(customer=customer).exists()


def _stale_member(customer, tier, months=13):
    actions.set_member_tier(customer, tier=tier, actor=None)
    old = timezone.now() - timedelta(days=31 * months)
    CustomerMembership.objects.filter(customer=customer).update(reviewed_at=old, tier_since=old)


def test_review_moves_a_member_down_one_step_at_most(db, tiers):
    customer = factories.make_customer()
    _stale_member(customer, tiers["gold"])
    counts = membership.review_tiers()
    assert counts == {"reviewed": 1, "up": 0, "down": 1}
    member = CustomerMembership.objects.get(customer=customer)
    assert member.tier.code == "silver" and member.reviewed_at > timezone.now() - timedelta(minutes=1)
    assert membership.review_tiers() == {"reviewed": 0, "up": 0, "down": 0}  # not due again


def test_review_without_one_step_falls_to_the_qualifying_tier(db, tiers):
    TierPolicy.objects.create(is_downgrade_one_step=False)
    customer = factories.make_customer()
    _stale_member(customer, tiers["gold"])
    membership.review_tiers()
    assert CustomerMembership.objects.get(customer=customer).tier.code == "normal"


def test_review_keeps_a_member_whose_spend_holds(sku, tiers):
    customer = factories.make_customer()
    actions.set_member_tier(customer, tier=tiers["normal"], actor=None)
    pay(place(customer, sku, 6))  # up to silver at once
    CustomerMembership.objects.filter(customer=customer).update(
        reviewed_at=timezone.now() - timedelta(days=400))
    assert membership.review_tiers()["down"] == 0
    assert CustomerMembership.objects.get(customer=customer).tier.code == "silver"


def test_policies_are_read_with_defaults_and_saved_by_actions(db):
    assert points.get_policy().pk is None and points.get_policy().points_per_yuan_redeemed == 100
    policy = membership.save_points_policy(actor=None, points_per_yuan=D("2"))
    assert policy.pk and points.get_policy().points_per_yuan == D("2")
    with pytest.raises(InvalidOffer):
        membership.save_points_policy(actor=None, max_redeem_rate=D("1.5"))
    assert points.get_policy().max_redeem_rate == D("0.5")
    with pytest.raises(InvalidOffer):
        membership.save_tier_policy(actor=None, review_months=0)
    assert not TierPolicy.objects.exists()


def test_a_budget_cannot_be_cut_below_what_was_already_used(db):
    """Lowering a promotion's budget or cap under its use so far is refused with a clear error
    (it broke a database check: found by make fuzz) and nothing changes."""
    from zhanggui.pricing import actions as pricing_actions
    from zhanggui.pricing.errors import InvalidOffer
    from zhanggui.pricing.models import Promotion

    promotion = factories.make_promotion("item_fixed", discount_amount=Decimal("5.00"))
    Promotion.objects.filter(pk=promotion.pk).update(used_count=3)
    promotion.refresh_from_db()
    promotion.budget_uses = 0
    with pytest.raises(InvalidOffer, match="budget"):
        pricing_actions.save_promotion(promotion, actor=None)
    promotion.refresh_from_db()
    assert promotion.budget_uses is None
