"""The pure price engine: one example per promotion type, stacking, the classic mistakes,
shipping templates, allocation; no database."""

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from zhanggui.pricing import rules, rules_prices
from zhanggui.pricing.rules import (
    Buyer,
    CartLine,
    CouponSpec,
    Eligibility,
    OfferSpec,
    PriceOverride,
    RegionRule,
    Scope,
    ShippingSpec,
)

NOW = datetime(2026, 11, 11, 12, 0, tzinfo=UTC)
D = Decimal
ANYONE = Buyer(customer_id=1)


def line(sku_id: int, quantity: int, price: str, **kwargs) -> CartLine:
    return CartLine(sku_id=sku_id, quantity=quantity, unit_price=D(price), **kwargs)


def offer(key: str, kind: str, **kwargs) -> OfferSpec:
    return OfferSpec(key=key, kind=kind, name=key, **kwargs)


def price(lines, **kwargs) -> rules.Breakdown:
    kwargs.setdefault("buyer", ANYONE)
    kwargs.setdefault("channel", "own")
    kwargs.setdefault("at", NOW)
    return rules.price_cart(lines, **kwargs)


def assert_consistent(result: rules.Breakdown) -> None:
    for discount in result.discounts:
        if discount.stage in ("order", "coupon", "manual"):
            shares = sum(x.allocations.get(discount.key, D(0)) for x in result.lines)
            assert shares == discount.amount, discount
        assert discount.amount <= discount.base
    assert all(x.paid_amount >= 0 for x in result.lines)
    assert result.total >= 0


# ---- no offers ----------------------------------------------------------------------------

def test_without_offers_the_total_is_list_price_times_quantity():
    result = price([line(1, 2, "99.00"), line(2, 1, "10.50")])

    assert result.total == D("208.50") and result.discount_amount == 0 and result.discounts == []


# ---- item level ---------------------------------------------------------------------------

def test_item_percent_discount_rounds_half_up_per_line():
    result = price([line(1, 3, "33.35")], offers=[offer("p", "item_percent", discount_rate=D("0.15"))])

    assert result.line(1).item_discount == D("15.01")  # 100.05 × 0.15 = 15.0075
    assert result.total == D("85.04")


def test_item_fixed_discount_never_exceeds_the_unit_price():
    result = price([line(1, 2, "5.00")], offers=[offer("p", "item_fixed", discount_amount=D("8.00"))])

    assert result.line(1).item_discount == D("10.00") and result.total == 0


def test_member_price_competes_with_item_offers_and_the_best_single_one_wins():
    member = PriceOverride("member:1", "金卡价", 1, D("80.00"))
    result = price([line(1, 1, "100.00")], price_overrides=[member],
                   offers=[offer("p", "item_percent", discount_rate=D("0.10"))])

    assert result.line(1).item_offer_key == "member:1" and result.total == D("80.00")
    assert [d.key for d in result.discounts] == ["member:1"]


def test_flash_sale_price_applies_only_to_units_left_under_the_cap():
    flash = offer("f", "flash_sale", special_price=D("59.00"), units_left=2)
    result = price([line(1, 3, "99.00")], offers=[flash])

    assert result.line(1).offer_units == 2 and result.line(1).item_discount == D("80.00")
    assert result.total == D("217.00")


def test_sold_out_flash_sale_does_not_apply():
    flash = offer("f", "flash_sale", special_price=D("59.00"), units_left=0)
    result = price([line(1, 1, "99.00")], offers=[flash])

    assert result.total == D("99.00") and ("f", "sold out") in result.not_applied


# ---- order level --------------------------------------------------------------------------

TIERED = offer("t", "threshold", tiers=((D("200"), D("20")), (D("300"), D("40"))))


def test_threshold_discount_takes_the_highest_tier_reached():
    assert price([line(1, 1, "250.00")], offers=[TIERED]).total == D("230.00")
    assert price([line(1, 1, "300.00")], offers=[TIERED]).total == D("260.00")
    assert price([line(1, 1, "199.99")], offers=[TIERED]).total == D("199.99")


def test_repeating_threshold_discount_counts_every_full_step_up_to_its_cap():
    every = offer("e", "threshold", tiers=((D("100"), D("10")),), is_repeating=True,
                  max_discount=D("25"))

    assert price([line(1, 1, "250.00")], offers=[every]).total == D("230.00")
    assert price([line(1, 1, "390.00")], offers=[every]).total == D("365.00")


def test_n_pieces_at_m_percent_needs_n_units_in_scope():
    two_for_80 = offer("n", "n_pieces", min_quantity=2, discount_rate=D("0.20"))

    assert price([line(1, 1, "50.00")], offers=[two_for_80]).total == D("50.00")
    assert price([line(1, 1, "50.00"), line(2, 1, "30.00")], offers=[two_for_80]).total == D("64.00")


def test_buy_two_get_one_gives_the_cheapest_unit_free():
    deal = offer("b", "buy_x_get_y", min_quantity=2, free_quantity=1)
    result = price([line(1, 2, "30.00"), line(2, 1, "20.00")], offers=[deal])

    assert result.total == D("60.00")
    assert_consistent(result)


def test_bundle_sells_each_complete_set_at_its_price():
    bundle = offer("s", "bundle", scope=Scope("skus", frozenset({1, 2})), special_price=D("100.00"))
    result = price([line(1, 2, "70.00"), line(2, 1, "50.00")], offers=[bundle])

    assert result.total == D("170.00")  # one set 100 + one more SKU 1 at 70
    assert_consistent(result)


def test_gift_is_added_when_the_threshold_is_reached():
    gift = offer("g", "gift", min_amount=D("100"), gift_sku_id=9, gift_quantity=1)

    assert price([line(1, 1, "120.00")], offers=[gift]).gifts == [rules.Gift("g", "g", 9, 1)]
    assert price([line(1, 1, "80.00")], offers=[gift]).gifts == []


def test_first_order_offer_applies_only_to_new_customers():
    first = offer("n", "first_order", discount_amount=D("10"),
                  eligibility=Eligibility(is_new_customers_only=True))

    assert price([line(1, 1, "50.00")], offers=[first]).total == D("50.00")
    new_buyer = Buyer(customer_id=2, is_new_customer=True)
    assert price([line(1, 1, "50.00")], offers=[first], buyer=new_buyer).total == D("40.00")


def test_order_discount_shares_add_up_and_the_residue_goes_to_the_largest_line():
    result = price([line(1, 1, "10.00"), line(2, 1, "10.00"), line(3, 1, "80.00")],
                   offers=[offer("t", "threshold", tiers=((D("100"), D("0.10")),))])

    assert [x.allocations.get("t", D(0)) for x in result.lines] == [D("0.01"), D("0.01"), D("0.08")]
    assert_consistent(result)


def test_allocation_residue_never_makes_a_share_negative_or_above_its_line():
    parts = rules.allocate_to_largest(D("0.02"), [D("1.00")] * 4)

    assert sum(parts) == D("0.02") and all(D(0) <= p <= D("1.00") for p in parts)


# ---- coupons ------------------------------------------------------------------------------

HALF_OFF = CouponSpec(key="coupon:HALF", code="HALF", name="5 折券", kind="percent",
                      discount_rate=D("0.5"))


def test_percent_coupon_is_computed_after_item_and_threshold_discounts():
    """Classic mistake: a percent coupon on the undiscounted total."""
    result = price([line(1, 1, "300.00")], coupons=[HALF_OFF],
                   offers=[offer("p", "item_percent", discount_rate=D("0.10")), TIERED])

    # 300 → item 10 % → 270 → 满200减20 → 250 → coupon 50 % of 250 = 125
    coupon = next(d for d in result.discounts if d.stage == "coupon")
    assert coupon.base == D("250.00") and coupon.amount == D("125.00")
    assert result.total == D("125.00")
    assert_consistent(result)


def test_coupon_minimum_spend_is_checked_after_order_discounts():
    coupon = CouponSpec(key="coupon:C", code="C", name="满250减30", kind="fixed",
                        discount_amount=D("30"), min_amount=D("250"))
    result = price([line(1, 1, "260.00")], coupons=[coupon], offers=[TIERED])

    assert result.total == D("240.00") and ("coupon:C", "minimum spend not reached") in result.not_applied


def test_only_the_best_coupon_applies():
    small = CouponSpec(key="coupon:A", code="A", name="减5", kind="fixed", discount_amount=D("5"))
    big = CouponSpec(key="coupon:B", code="B", name="减9", kind="fixed", discount_amount=D("9"))
    result = price([line(1, 1, "50.00")], coupons=[small, big])

    assert result.total == D("41.00") and [d.key for d in result.discounts] == ["coupon:B"]


def test_offer_that_excludes_coupons_blocks_them():
    flash = offer("f", "flash_sale", special_price=D("50.00"), is_coupon_allowed=False)
    result = price([line(1, 1, "80.00")], offers=[flash], coupons=[HALF_OFF])

    assert result.total == D("50.00")


# ---- stacking mistakes --------------------------------------------------------------------

def test_two_exclusive_offers_never_both_apply():
    first = offer("a", "threshold", tiers=((D("100"), D("10")),), exclusion_group="store")
    second = offer("b", "n_pieces", min_quantity=1, discount_rate=D("0.2"), exclusion_group="store")
    result = price([line(1, 1, "100.00")], offers=[first, second])

    assert [d.key for d in result.discounts] == ["b"] and result.total == D("80.00")
    assert ("a", "exclusion group") in result.not_applied


def test_threshold_met_only_before_item_discounts_does_not_apply_and_is_warned():
    result = price([line(1, 1, "210.00")], offers=[
        offer("p", "item_percent", discount_rate=D("0.10")), TIERED])

    assert result.total == D("189.00")
    assert rules.threshold_warnings(result) == [
        {"key": "t", "threshold": D("200"), "amount": D("189.00")}]


def test_stacking_applies_item_then_order_then_coupon_then_shipping():
    shipping = ShippingSpec(template_id=1, name="默认", basis="piece", first_fee=D("8"),
                            free_over_amount=D("99"))
    result = price([line(1, 2, "60.00")], shipping=shipping, province_code="330000",
                   offers=[offer("p", "item_fixed", discount_amount=D("5")), TIERED],
                   coupons=[CouponSpec(key="coupon:X", code="X", name="减10", kind="fixed",
                                       discount_amount=D("10"))])

    assert [d.stage for d in result.discounts] == ["item", "coupon", "shipping"]
    assert result.total == D("100.00")  # 120 − 10 (items) − 10 (coupon); 满200 not reached


# ---- eligibility and budgets --------------------------------------------------------------

@pytest.mark.parametrize(("eligibility", "buyer", "channel", "at"), [
    (Eligibility(member_tiers=frozenset({"gold"})), ANYONE, "own", NOW),
    (Eligibility(customer_tags=frozenset({"vip"})), ANYONE, "own", NOW),
    (Eligibility(channels=frozenset({"douyin"})), ANYONE, "own", NOW),
    (Eligibility(starts_at=NOW + timedelta(hours=1)), ANYONE, "own", NOW),
    (Eligibility(ends_at=NOW), ANYONE, "own", NOW),
])
def test_ineligible_buyer_channel_or_moment_gets_no_discount(eligibility, buyer, channel, at):
    deal = offer("p", "item_percent", discount_rate=D("0.5"), eligibility=eligibility)

    result = price([line(1, 1, "10.00")], offers=[deal], buyer=buyer, channel=channel, at=at)

    assert result.total == D("10.00")


def test_offer_with_no_uses_left_or_too_little_budget_is_not_applied():
    used_up = offer("u", "item_percent", discount_rate=D("0.5"), uses_left=0)
    low_budget = offer("b", "threshold", tiers=((D("10"), D("5")),), amount_left=D("4.99"))
    result = price([line(1, 1, "10.00")], offers=[used_up, low_budget])

    assert result.total == D("10.00")
    assert ("u", "budget used up") in result.not_applied and ("b", "budget used up") in result.not_applied


# ---- shipping -----------------------------------------------------------------------------

BY_WEIGHT = ShippingSpec(
    template_id=1, name="按重量", basis="weight", first_units=D(1), first_fee=D("5"),
    additional_units=D(1), additional_fee=D("1"),
    region_rules=(RegionRule(frozenset({"650000"}), D("20"), D("10")),
                  RegionRule(frozenset({"540000"}), D(0), D(0), is_excluded=True)),
    is_remote_excluded=True, free_over_quantity=10)


def test_weight_template_charges_first_kg_plus_each_started_kg():
    lines = [line(1, 1, "10.00", weight_grams=2300)]

    assert rules.shipping_fee(BY_WEIGHT, "330000", lines) == D("7.00")  # 5 + 2 × 1


def test_remote_region_rule_prices_it_separately():
    assert rules.shipping_fee(BY_WEIGHT, "650000", [line(1, 1, "1", weight_grams=1500)]) == D("30.00")


def test_excluded_and_uncovered_remote_regions_raise_a_clear_error():
    with pytest.raises(rules.RegionNotShipped):
        rules.shipping_fee(BY_WEIGHT, "540000", [line(1, 1, "1")])
    with pytest.raises(rules.RegionNotShipped):
        rules.shipping_fee(BY_WEIGHT, "630000", [line(1, 1, "1")])  # 青海: remote, no rule


def test_piece_and_volume_templates():
    piece = ShippingSpec(template_id=2, name="按件", basis="piece", first_units=D(1),
                         first_fee=D("6"), additional_units=D(2), additional_fee=D("3"))
    volume = ShippingSpec(template_id=3, name="按体积", basis="volume", first_units=D(10),
                          first_fee=D("12"), additional_units=D(5), additional_fee=D("4"))

    assert rules.shipping_fee(piece, "310000", [line(1, 4, "1")]) == D("12.00")  # 6 + 2 blocks
    assert rules.shipping_fee(volume, "310000", [line(1, 2, "1", volume_cm3=6000)]) == D("16.00")  # 12 L


def test_free_shipping_by_quantity_and_by_offer():
    lines = [line(1, 10, "1.00", weight_grams=100)]
    assert price(lines, shipping=BY_WEIGHT, province_code="330000").shipping_amount == 0

    free = offer("fs", "free_shipping", min_amount=D("50"))
    small = [line(1, 1, "60.00", weight_grams=100)]
    result = price(small, shipping=BY_WEIGHT, province_code="330000", offers=[free])
    assert result.shipping_fee == D("5.00") and result.shipping_amount == 0 and result.total == D("60.00")


# ---- manual discount and input checks -----------------------------------------------------

def test_manual_discount_above_goods_is_refused():
    with pytest.raises(ValueError):
        price([line(1, 1, "10.00")], manual_discount=D("10.01"))


def test_duplicate_lines_and_bad_quantities_are_refused():
    with pytest.raises(ValueError):
        price([line(1, 1, "10.00"), line(1, 2, "10.00")])
    with pytest.raises(ValueError):
        price([line(1, 0, "10.00")])


# ---- eligibility pre-check and 30-day lowest ----------------------------------------------

def test_promotion_eligibility_pre_check():
    assert rules_prices.eligibility_problems(event_price=D("89"), lowest_30_days=D("89"), units_sold=50,
                                      min_sales=50) == []
    assert rules_prices.eligibility_problems(event_price=D("90"), lowest_30_days=D("89"), units_sold=49,
                                      min_sales=50) == ["price_above_30_day_lowest", "not_enough_sales"]


def test_lowest_price_counts_the_price_in_force_when_the_window_opened():
    since = NOW - timedelta(days=30)
    history = [(since - timedelta(days=5), D("70")), (since + timedelta(days=3), D("90")),
               (since - timedelta(days=60), D("50"))]

    assert rules_prices.lowest_price(history, since=since, current=D("95")) == D("70")
