"""Properties of the price engine over random carts and offers (hypothesis)."""

from datetime import UTC, datetime
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from zhanggui.pricing import rules
from zhanggui.pricing.rules import Buyer, CartLine, CouponSpec, Eligibility, OfferSpec, Scope, ShippingSpec

NOW = datetime(2026, 6, 18, tzinfo=UTC)
BUYER = Buyer(customer_id=1, member_tier="silver", tags=frozenset({"vip"}), is_new_customer=True)
SHIPPING = ShippingSpec(template_id=1, name="默认", basis="piece", first_fee=Decimal("8"),
                        additional_fee=Decimal("2"), free_over_amount=Decimal("199"))

money = st.decimals(min_value=Decimal("0.01"), max_value=Decimal("999.99"), places=2)
rate = st.decimals(min_value=Decimal("0.01"), max_value=Decimal("1"), places=2)
SKU_IDS = list(range(1, 9))


@st.composite
def carts(draw):
    ids = draw(st.lists(st.sampled_from(SKU_IDS), min_size=1, max_size=6, unique=True))
    return [CartLine(sku_id=i, quantity=draw(st.integers(1, 5)), unit_price=draw(money),
                     product_id=100 + i % 3, category_ids=frozenset({i % 2 + 10}),
                     weight_grams=draw(st.integers(0, 3000))) for i in ids]


scopes = st.one_of(
    st.just(Scope()),
    st.builds(Scope, st.just("skus"), st.frozensets(st.sampled_from(SKU_IDS), min_size=1)),
    st.builds(Scope, st.just("categories"), st.frozensets(st.sampled_from([10, 11]), min_size=1)),
    st.builds(Scope, st.just("products"), st.frozensets(st.sampled_from([100, 101, 102]), min_size=1)),
)


@st.composite
def offers(draw, key: str):
    kind = draw(st.sampled_from(rules.ITEM_KINDS + rules.ORDER_KINDS + ("free_shipping",)))
    threshold = draw(money)
    return OfferSpec(
        key=key, kind=kind, name=key, scope=draw(scopes),
        exclusion_group=draw(st.sampled_from(["", "", "a", "b"])),
        priority=draw(st.integers(0, 5)), is_coupon_allowed=draw(st.booleans()),
        discount_rate=draw(rate), discount_amount=draw(money), special_price=draw(money),
        tiers=((threshold, min(threshold, draw(money))),), is_repeating=draw(st.booleans()),
        max_discount=draw(st.one_of(st.none(), money)),
        min_amount=draw(st.sampled_from([Decimal(0), threshold])),
        min_quantity=draw(st.integers(1, 4)), free_quantity=draw(st.integers(1, 2)),
        units_left=draw(st.one_of(st.none(), st.integers(0, 6))),
        amount_left=draw(st.one_of(st.none(), money)))


@st.composite
def offer_lists(draw):
    return [draw(offers(f"p{i}")) for i in range(draw(st.integers(0, 6)))]


@st.composite
def coupons(draw):
    kind = draw(st.sampled_from(["fixed", "percent"]))
    return CouponSpec(key=f"coupon:{draw(st.integers(1, 99))}", code="X", name="券", kind=kind,
                      scope=draw(scopes), discount_rate=draw(rate), discount_amount=draw(money),
                      max_discount=draw(st.one_of(st.none(), money)),
                      min_amount=draw(st.sampled_from([Decimal(0), Decimal("100")])))


def run(cart, offer_list, coupon_list=(), **kwargs):
    return rules.price_cart(cart, buyer=kwargs.pop("buyer", BUYER), channel="own", at=NOW,
                            offers=offer_list, coupons=coupon_list, shipping=SHIPPING,
                            province_code="330000", **kwargs)


def summary(result: rules.Breakdown):
    return (result.total, result.shipping_amount,
            [(x.sku_id, x.item_discount, sorted(x.allocations.items())) for x in result.lines],
            sorted((d.key, d.amount) for d in result.discounts))


@settings(max_examples=150, deadline=None)
@given(cart=carts(), offer_list=offer_lists(),
       coupon_list=st.lists(coupons(), max_size=2, unique_by=lambda c: c.key))
def test_totals_stay_between_zero_and_list_plus_shipping_and_shares_add_up(cart, offer_list, coupon_list):
    result = run(cart, offer_list, coupon_list)

    list_total = sum(x.list_amount for x in cart)
    assert Decimal(0) <= result.total <= list_total + result.shipping_fee
    for discount in result.discounts:
        assert Decimal(0) < discount.amount <= discount.base
        if discount.stage in ("order", "coupon"):
            assert sum(x.allocations.get(discount.key, Decimal(0)) for x in result.lines) == discount.amount
    for priced in result.lines:
        assert Decimal(0) <= priced.paid_amount <= priced.list_amount
        assert priced.paid_amount == priced.paid_amount.quantize(Decimal("0.01"))


@settings(max_examples=100, deadline=None)
@given(cart=carts(), offer_list=offer_lists(), seed=st.randoms())
def test_line_order_does_not_change_the_result(cart, offer_list, seed):
    shuffled = list(cart)
    seed.shuffle(shuffled)

    assert summary(run(shuffled, offer_list)) == summary(run(cart, offer_list))


@settings(max_examples=100, deadline=None)
@given(cart=carts(), offer_list=offer_lists(), extra=offers("outsider"))
def test_an_offer_outside_the_cart_scope_changes_nothing(cart, offer_list, extra):
    absent = Scope("skus", frozenset({999}))
    outsider = OfferSpec(**{**extra.__dict__, "scope": absent, "exclusion_group": ""})

    assert summary(run(cart, [*offer_list, outsider])) == summary(run(cart, offer_list))


@settings(max_examples=100, deadline=None)
@given(cart=carts(), offer_list=offer_lists(), extra=offers("gold-only"))
def test_an_offer_the_buyer_is_not_eligible_for_changes_nothing(cart, offer_list, extra):
    gold_only = OfferSpec(**{**extra.__dict__, "eligibility": Eligibility(member_tiers=frozenset({"gold"}))})

    assert summary(run(cart, [*offer_list, gold_only])) == summary(run(cart, offer_list))


@settings(max_examples=100, deadline=None)
@given(cart=carts(), offer_list=offer_lists(), coupon=coupons())
def test_a_coupon_never_raises_the_goods_total(cart, offer_list, coupon):
    without = run(cart, offer_list)
    with_coupon = run(cart, offer_list, [coupon])

    assert with_coupon.goods_amount <= without.goods_amount


@settings(max_examples=200, deadline=None)
@given(total_cents=st.integers(0, 10**6), weights=st.lists(money, min_size=1, max_size=8))
def test_allocation_is_exact_and_within_each_weight(total_cents, weights):
    total = min(Decimal(total_cents) / 100, sum(weights))
    parts = rules.allocate_to_largest(total, weights)

    assert sum(parts) == total
    assert all(Decimal(0) <= part <= weight for part, weight in zip(parts, weights, strict=True))


@settings(max_examples=150, deadline=None)
@given(cart=carts(), offer_list=st.lists(offers("x"), max_size=12))
def test_each_line_gets_the_best_single_item_offer(cart, offer_list):
    item_offers = [OfferSpec(**{**o.__dict__, "key": f"p{i}", "units_left": None, "amount_left": None})
                   for i, o in enumerate(offer_list) if o.kind in rules.ITEM_KINDS]
    result = run(cart, item_offers)

    for line in cart:
        best = max((rules._item_discount(o, line, None)[0] for o in item_offers
                    if o.scope.covers(line) and o.uses_left != 0), default=Decimal(0))
        assert result.line(line.sku_id).item_discount == max(best, Decimal(0))
