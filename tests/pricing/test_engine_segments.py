"""Segment and birthday eligibility in the price engine, and points as payment (pure and
with the database)."""

from datetime import UTC, date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from tests import factories
from zhanggui.customers.models_segments import Segment, SegmentMember
from zhanggui.pricing import actions, queries, rules
from zhanggui.pricing.errors import InvalidOffer
from zhanggui.pricing.models import MemberTier
from zhanggui.pricing.rules_points import PointsRequest, redeemable

D = Decimal
AT = datetime(2026, 5, 31, 17, 0, tzinfo=UTC)  # 1 June 01:00 in Shanghai
LINE = rules.CartLine(sku_id=1, quantity=1, unit_price=D("100.00"))


def offer(**eligibility):
    return rules.OfferSpec(key="promotion:1", kind="item_percent", name="p",
                           discount_rate=D("0.10"), eligibility=rules.Eligibility(**eligibility))


def priced(buyer, spec, at=AT):
    return rules.price_cart([LINE], buyer=buyer, channel="own", at=at, offers=[spec])


# ---- pure engine --------------------------------------------------------------------------

def test_segment_offer_applies_only_to_members_of_a_named_segment():
    spec = offer(segments=frozenset({"vip", "dormant"}))
    assert priced(rules.Buyer(segments=frozenset({"dormant"})), spec).total == D("90.00")
    outsider = priced(rules.Buyer(segments=frozenset({"new"})), spec)
    assert outsider.total == D("100.00") and outsider.not_applied == [("promotion:1", "segment")]


def test_birthday_offer_needs_a_member_in_the_birthday_month_of_the_given_time():
    spec = offer(is_birthday_only=True)
    shanghai = AT.astimezone(ZoneInfo("Asia/Shanghai"))
    member = rules.Buyer(is_member=True, birthday_month=6)
    assert priced(member, spec, at=shanghai).total == D("90.00")
    assert priced(member, spec, at=AT).total == D("100.00")  # still May in UTC
    not_member = priced(rules.Buyer(birthday_month=6), spec, at=shanghai)
    assert not_member.not_applied == [("promotion:1", "birthday month")]


@given(requested=st.integers(min_value=0, max_value=10**7), balance=st.integers(min_value=0, max_value=10**7),
       per_yuan=st.integers(min_value=1, max_value=1000),
       rate=st.decimals(min_value=0, max_value=1, places=4),
       goods_cents=st.integers(min_value=0, max_value=10**8))
def test_redeemed_points_never_exceed_ask_balance_or_share(requested, balance, per_yuan, rate, goods_cents):
    goods = D(goods_cents).scaleb(-2)
    used, amount = redeemable(PointsRequest(requested, balance, per_yuan, rate), goods)
    assert 0 <= used <= min(requested, balance)
    assert amount >= 0 and amount <= rate * goods and amount == amount.quantize(D("0.01"))
    assert D(used) / per_yuan >= amount  # the points charged are worth at least the amount
    assert (used == 0) == (amount == 0)
    if amount:
        assert D(used - 1) / per_yuan < amount  # … and are the fewest that are


@given(cents=st.lists(st.integers(min_value=1, max_value=100_000), min_size=1, max_size=5),
       requested=st.integers(min_value=0, max_value=10**6))
def test_points_payment_is_allocated_to_lines_and_totals_add_up(cents, requested):
    lines = [rules.CartLine(sku_id=i + 1, quantity=1, unit_price=D(c).scaleb(-2))
             for i, c in enumerate(cents)]
    breakdown = rules.price_cart(lines, buyer=rules.Buyer(), channel="own", at=AT,
                                 points=PointsRequest(requested, 10**6))
    assert breakdown.points_amount <= breakdown.list_amount / 2
    assert sum(line.paid_amount for line in breakdown.lines) == breakdown.goods_amount
    assert all(line.paid_amount >= 0 for line in breakdown.lines)
    assert breakdown.total == breakdown.list_amount - breakdown.points_amount


# ---- with the database --------------------------------------------------------------------

@pytest.fixture
def sku(db):
    sku = factories.make_listed_sku(price="100.00")
    factories.stock_up(sku, factories.make_warehouse(), 10)
    return sku


def test_segment_promotion_reads_the_materialised_members(sku):
    segment = Segment.objects.create(code="dormant", name="沉睡")
    insider, outsider = factories.make_customer(), factories.make_customer()
    SegmentMember.objects.create(segment=segment, customer=insider, since=timezone.now())
    factories.make_promotion("item_percent", discount_rate=D("0.20"), segments=["dormant"])
    assert queries.price_cart(insider, {sku.pk: 1})[0].total == D("80.00")
    assert queries.price_cart(outsider, {sku.pk: 1})[0].total == D("100.00")
    segment.is_active = False
    segment.save()
    assert queries.price_cart(insider, {sku.pk: 1})[0].total == D("100.00")


def test_birthday_coupon_applies_to_members_in_their_birthday_month(sku):
    month = timezone.localtime().month
    member = factories.make_customer()
    member.birthday = date(1990, month, 1)
    member.save()
    actions.set_member_tier(member, tier=MemberTier.objects.create(code="m", name="会员"), actor=None)
    other_month = factories.make_customer()
    other_month.birthday = date(1990, month % 12 + 1, 1)
    other_month.save()
    factories.make_promotion("item_fixed", discount_amount=D("15"), is_birthday_only=True)
    assert queries.price_cart(member, {sku.pk: 1})[0].total == D("85.00")
    assert queries.price_cart(other_month, {sku.pk: 1})[0].total == D("100.00")


def test_unknown_segment_code_is_refused_on_save(db):
    with pytest.raises(InvalidOffer, match="unknown segment code nobody"):
        factories.make_promotion("item_percent", discount_rate=D("0.1"), segments=["nobody"])
    with pytest.raises(InvalidOffer):
        actions.create_coupon_template("券", kind="fixed", discount_amount=D("5"),
                                       segments=["nobody"], actor=None)
    Segment.objects.create(code="vip", name="VIP")
    template = actions.create_coupon_template("券", kind="fixed", discount_amount=D("5"),
                                              segments=["vip"], actor=None)
    assert template.pk and template.segments == ["vip"]
