"""Invariants of the promotion replay over random baskets and promotions (hypothesis):

- the replay's discount on a basket is the discount the live price engine gives the same
  cart (``pricing.queries.price_cart``: offers loaded from the database, the storefront's
  path), basket by basket, for every kind of goods discount;
- "one item from a threshold" is exactly: one more unit of some in-scope item of the basket
  would make the engine give a larger 满减 discount (tried by pricing each such cart);
- the totals add up (goods, discount, margins) and the discount never exceeds the goods.
"""

from datetime import UTC, datetime
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests import factories
from zhanggui.catalog import actions as catalog_actions
from zhanggui.insights.simulate import replay, replay_spec
from zhanggui.insights.simulate_data import Basket, Baskets, _cart, _skus
from zhanggui.pricing import queries, rules
from zhanggui.pricing.models import Promotion

D = Decimal
AT = datetime(2026, 1, 1, tzinfo=UTC)
PRICES = ("19.90", "45.00", "99.00", "128.50", "260.00")
money = st.integers(min_value=1, max_value=40_000).map(lambda cents: D(cents).scaleb(-2))


@st.composite
def tiers(draw, *, max_tiers: int = 3):
    """Increasing thresholds with increasing amounts below them, as shops set them (满200减20:
    a discount above the threshold would be capped by the goods, not by a tier)."""
    count = draw(st.integers(1, max_tiers))
    thresholds = sorted(draw(st.sets(st.integers(10, 600), min_size=count, max_size=count)))
    shares = sorted(draw(st.lists(st.integers(1, 50), min_size=count, max_size=count)))
    return [{"threshold": str(t), "amount": str(max(1, t * share // 100))}
            for t, share in zip(thresholds, shares, strict=True)]


@st.composite
def promotion_fields(draw):
    kind = draw(st.sampled_from(["threshold", "threshold", "item_percent", "item_fixed",
                                 "n_pieces", "buy_x_get_y"]))
    fields = {"kind": kind, "tiers": [], "is_repeating": False, "max_discount_amount": None,
              "discount_rate": None, "discount_amount": None, "min_quantity": None,
              "free_quantity": None, "min_amount": D(draw(st.sampled_from([0, 0, 50, 150])))}
    if kind == "threshold":
        fields["is_repeating"] = draw(st.booleans())
        fields["tiers"] = draw(tiers(max_tiers=1 if fields["is_repeating"] else 3))
        fields["max_discount_amount"] = draw(st.none() | st.sampled_from([D(15), D(50), D(100)]))
    elif kind in ("item_percent", "n_pieces"):
        fields["discount_rate"] = draw(st.sampled_from([D("0.05"), D("0.2"), D("0.5")]))
        fields["min_quantity"] = draw(st.integers(1, 4)) if kind == "n_pieces" else None
    elif kind == "item_fixed":
        fields["discount_amount"] = draw(st.sampled_from([D("3"), D("20"), D("500")]))
    else:
        fields["min_quantity"], fields["free_quantity"] = draw(st.integers(1, 3)), 1
    return fields


@pytest.fixture
def shop(db):
    """Five listed SKUs over two categories, and one live promotion (its terms are set by
    each example)."""
    first, second = factories.make_category("一"), factories.make_category("二")
    skus = []
    for index, price in enumerate(PRICES):
        product = factories.make_product(category=first if index % 2 else second)
        skus.append(catalog_actions.update_sku(product.skus.get(), price_amount=D(price),
                                               cost_amount=D(price) / 2, actor=None))
    promotion = factories.make_promotion("threshold", tiers=[{"threshold": "100", "amount": "10"}])
    return skus, promotion, second


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(fields=promotion_fields(), scoped=st.booleans(),
       carts=st.lists(st.dictionaries(st.integers(0, len(PRICES) - 1), st.integers(1, 4),
                                      min_size=1, max_size=4), min_size=1, max_size=4))
def test_replay_discount_equals_the_live_engine(shop, fields, scoped, carts):
    skus, promotion, category = shop
    scope = {"scope": "categories" if scoped else "all", "scope_ids": [category.pk] if scoped else []}
    Promotion.objects.filter(pk=promotion.pk).update(**fields, **scope)
    promotion.refresh_from_db()
    known = _skus({s.pk for s in skus})
    baskets = []
    for order_id, cart in enumerate(carts, start=1):
        rows = [(skus[i].pk, quantity, skus[i].price_amount, D("0")) for i, quantity in cart.items()]
        lines, cost = _cart(rows, known)
        baskets.append(Basket(order_id, 0, "own", None, lines, cost))
    spec = replay_spec(promotion)
    total = D(0)
    for basket, cart in zip(baskets, carts, strict=True):
        simulated = replay(Baskets([basket]), spec)
        live, _data = queries.price_cart(None, {skus[i].pk: q for i, q in cart.items()})
        assert simulated.discount_cost == live.discount_amount
        assert simulated.goods_amount == live.list_amount
        total += simulated.discount_cost
    everything = replay(Baskets(baskets), spec)
    assert everything.discount_cost == total
    assert everything.baskets == len(carts)
    assert everything.margin_before - everything.margin_after == everything.discount_cost
    assert D(0) <= everything.discount_cost <= everything.goods_amount


@st.composite
def threshold_spec(draw):
    repeating = draw(st.booleans())
    drawn = draw(tiers(max_tiers=1 if repeating else 3))
    return rules.OfferSpec(
        key="promotion:1", kind="threshold", name="满减", offer_id=1,
        scope=draw(st.sampled_from([rules.Scope(), rules.Scope("categories", frozenset({7}))])),
        tiers=tuple((D(t["threshold"]), D(t["amount"])) for t in drawn), is_repeating=repeating,
        max_discount=draw(st.none() | st.sampled_from([D(15), D(60)])),
        min_amount=D(draw(st.sampled_from([0, 0, 80, 250]))))


basket_lines = st.dictionaries(st.integers(1, 6), st.tuples(st.integers(1, 3), money),
                               min_size=1, max_size=5)


def _engine_discount(lines, spec) -> Decimal:
    return rules.price_cart(lines, buyer=rules.Buyer(), channel="own", at=AT,
                            offers=(spec,)).discount_amount


@settings(max_examples=300, deadline=None)
@given(spec=threshold_spec(), carts=st.lists(basket_lines, min_size=1, max_size=6))
def test_near_threshold_is_one_more_unit_raising_the_discount(spec, carts):
    baskets, expected = [], 0
    for order_id, cart in enumerate(carts, start=1):
        lines = [rules.CartLine(sku_id=sku, quantity=q, unit_price=price, product_id=sku,
                                category_ids=frozenset({7}) if sku % 2 else frozenset({8}))
                 for sku, (q, price) in sorted(cart.items())]
        baskets.append(Basket(order_id, 0, "own", None, lines, D(0)))
        now = _engine_discount(lines, spec)
        one_more = [
            _engine_discount([rules.CartLine(x.sku_id, x.quantity + (x.sku_id == line.sku_id), x.unit_price,
                                             x.product_id, x.category_ids) for x in lines], spec)
            for line in lines if spec.scope.covers(line)]
        expected += any(discount > now for discount in one_more)
    once = replay(Baskets(baskets), spec)
    assert once.near_threshold_orders == expected
    # the same baskets again (the very same line objects: answered from the replay's memo)
    twice = replay(Baskets(baskets + baskets), spec)
    assert twice.near_threshold_orders == 2 * expected
    assert twice.discount_cost == 2 * once.discount_cost
    assert twice.detail["tier_hits"] == {tier: 2 * n for tier, n in once.detail["tier_hits"].items()}
