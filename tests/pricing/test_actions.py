"""Pricing with the database: offers saved through actions, place_order priced by the engine
with the breakdown stored, budgets and limits booked, refunds from the stored allocation."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from tests import factories
from zhanggui.accounts.models import OperationLog
from zhanggui.aftersales import actions as aftersales_actions
from zhanggui.orders import actions as order_actions
from zhanggui.pricing import actions, queries
from zhanggui.pricing.errors import CouponNotUsable, InvalidOffer, RegionNotShipped
from zhanggui.pricing.models import (
    CouponStatus,
    MemberTier,
    OfferUsage,
    PriceList,
    PriceListEntry,
    Promotion,
    ShippingTemplate,
)

D = Decimal


@pytest.fixture
def skus(db):
    warehouse = factories.make_warehouse()
    made = [factories.make_listed_sku(price=p) for p in ("100.00", "60.00", "40.00")]
    for sku in made:
        factories.stock_up(sku, warehouse, 50)
    return made


def place(customer, *pairs, **kwargs):
    return order_actions.place_order(
        customer, lines=[order_actions.LineRequest(sku.pk, q) for sku, q in pairs],
        recipient=factories.recipient(kwargs.pop("province", "330000")), actor=None, **kwargs)


def test_without_offers_the_order_costs_list_price_times_quantity(skus):
    order = place(factories.make_customer(), (skus[0], 2), (skus[1], 1))

    assert (order.goods_amount, order.discount_amount, order.total_amount) == (D("260.00"), 0, D("260.00"))
    assert order.pricing_breakdown["total"] == "260.00" and order.pricing_breakdown["discounts"] == []


def test_place_order_stores_the_breakdown_and_each_lines_shares(skus):
    promotion = factories.make_promotion("threshold", tiers=[{"threshold": "200", "amount": "20"}])
    factories.make_promotion("item_percent", discount_rate=D("0.10"), scope="skus",
                             scope_ids=[skus[1].pk])

    order = place(factories.make_customer(), (skus[0], 1), (skus[1], 1), (skus[2], 1))

    # 200 list; SKU 2 −6.00 (10 %) → 194 < 满200: the threshold does not apply
    assert order.total_amount == D("194.00")
    assert order.pricing_breakdown["warnings"]
    order2 = place(factories.make_customer(), (skus[0], 2), (skus[1], 1))
    # 260 − 6 = 254 ≥ 200 → −20, allocated 200:54
    lines = {line.sku_id: line for line in order2.lines.all()}
    key = f"promotion:{promotion.pk}"
    assert lines[skus[0].pk].allocations[key] == "15.75" and lines[skus[1].pk].allocations[key] == "4.25"
    assert lines[skus[1].pk].item_discount_amount == D("6.00")
    assert sum(line.total_amount for line in lines.values()) == order2.total_amount == D("234.00")
    promotion.refresh_from_db()
    assert (promotion.used_count, promotion.used_amount) == (1, D("20.00"))
    assert OfferUsage.objects.filter(promotion=promotion, order_reference=f"order:{order2.number}").exists()
    log = OperationLog.objects.filter(action="orders.place_order", object_id=str(order2.pk)).get()
    assert log.after["offers"][key] == "20.00"


def test_member_price_applies_to_the_customers_tier(skus):
    gold = MemberTier.objects.create(code="gold", name="金卡", rank=2)
    prices = PriceList.objects.create(name="金卡价", kind="member", tier=gold)
    PriceListEntry.objects.create(price_list=prices, sku=skus[0], price_amount=D("88.00"))
    member, other = factories.make_customer(), factories.make_customer()
    actions.set_member_tier(member, tier=gold, actor=None)

    assert place(member, (skus[0], 1)).total_amount == D("88.00")
    assert place(other, (skus[0], 1)).total_amount == D("100.00")


def test_coupon_is_marked_used_and_cannot_be_used_twice(skus):
    customer = factories.make_customer()
    coupon = factories.make_coupon(customer=customer, discount_amount=D("15.00"), min_amount=D("50"))

    order = place(customer, (skus[1], 1), coupon_codes=[coupon.code])

    coupon.refresh_from_db()
    assert order.total_amount == D("45.00") and coupon.status == CouponStatus.USED
    assert coupon.order_reference == f"order:{order.number}"
    with pytest.raises(CouponNotUsable):
        place(customer, (skus[1], 1), coupon_codes=[coupon.code])


def test_coupon_issued_to_someone_else_is_refused_and_nothing_is_reserved(skus):
    coupon = factories.make_coupon(customer=factories.make_customer())

    with pytest.raises(CouponNotUsable):
        place(factories.make_customer(), (skus[1], 1), coupon_codes=[coupon.code])
    assert skus[1].stocks.get().reserved == 0


def test_flash_sale_cap_and_per_buyer_limit_are_booked(skus):
    flash = factories.make_promotion("flash_sale", special_price_amount=D("50.00"), scope="skus",
                                     scope_ids=[skus[0].pk], stock_cap=3, per_buyer_limit=2)
    buyer = factories.make_customer()

    first = place(buyer, (skus[0], 3))
    second = place(buyer, (skus[0], 1))
    third = place(factories.make_customer(), (skus[0], 2))

    assert first.total_amount == D("200.00")  # 2 units at 50 (buyer limit), 1 at 100
    assert second.total_amount == D("100.00")  # the buyer's limit is used up
    assert third.total_amount == D("150.00")  # one unit left under the cap
    flash.refresh_from_db()
    assert flash.sold_units == 3


def test_budget_in_uses_stops_the_promotion(skus):
    promotion = factories.make_promotion("item_fixed", discount_amount=D("10.00"), budget_uses=1)

    assert place(factories.make_customer(), (skus[2], 1)).total_amount == D("30.00")
    assert place(factories.make_customer(), (skus[2], 1)).total_amount == D("40.00")
    promotion.refresh_from_db()
    assert promotion.used_count == 1


def test_first_order_offer_only_for_customers_without_orders(skus):
    factories.make_promotion("first_order", discount_amount=D("5.00"))
    customer = factories.make_customer()

    assert place(customer, (skus[2], 1)).total_amount == D("35.00")
    assert place(customer, (skus[2], 1)).total_amount == D("40.00")


def test_gift_becomes_a_zero_priced_line_with_reserved_stock(skus):
    gift_sku = factories.make_sku(price="9.90")
    factories.stock_up(gift_sku, factories.make_warehouse(), 5)
    factories.make_promotion("gift", min_amount=D("100"), gift_sku=gift_sku)

    order = place(factories.make_customer(), (skus[0], 1))

    gift_line = order.lines.get(sku=gift_sku)
    assert (gift_line.quantity, gift_line.total_amount) == (1, 0) and order.total_amount == D("100.00")
    assert gift_sku.stocks.get().reserved == 1


def test_default_shipping_template_prices_shipping_and_excludes_remote_regions(skus):
    actions.save_shipping_template(
        ShippingTemplate(name="默认", basis="piece", first_fee_amount=D("8"), additional_fee_amount=D("2"),
                         is_remote_excluded=True, free_over_amount=D("199"), is_default=True),
        actor=None, region_rules=[{"province_codes": ["650000"], "first_fee_amount": "20",
                                   "additional_fee_amount": "5"}])

    assert place(factories.make_customer(), (skus[2], 2)).shipping_amount == D("10.00")
    assert place(factories.make_customer(), (skus[0], 2)).shipping_amount == 0
    assert place(factories.make_customer(), (skus[2], 1), province="650000").shipping_amount == D("20.00")
    with pytest.raises(RegionNotShipped):
        place(factories.make_customer(), (skus[2], 1), province="540000")


def test_only_one_default_shipping_template(db):
    first = actions.save_shipping_template(ShippingTemplate(name="A", is_default=True), actor=None)
    second = actions.save_shipping_template(ShippingTemplate(name="B", is_default=True), actor=None)

    first.refresh_from_db()
    assert not first.is_default and second.is_default
    assert queries.shipping_spec().template_id == second.pk


@pytest.mark.parametrize(("kind", "fields"), [
    ("item_percent", {"discount_rate": D("1.5")}),
    ("threshold", {"tiers": [{"threshold": "100", "amount": "150"}]}),
    ("bundle", {"scope": "skus", "scope_ids": [1], "special_price_amount": D("10")}),
    ("n_pieces", {"min_quantity": 2}),
    ("item_fixed", {"discount_amount": D("5"), "starts_at": timezone.now(),
                    "ends_at": timezone.now() - timedelta(days=1)}),
])
def test_invalid_promotions_are_refused_and_nothing_is_saved(db, kind, fields):
    with pytest.raises(InvalidOffer):
        factories.make_promotion(kind, **fields)
    assert not Promotion.objects.exists()


def test_editing_a_promotion_cannot_reset_its_counters(skus):
    promotion = factories.make_promotion("item_fixed", discount_amount=D("1.00"))
    place(factories.make_customer(), (skus[2], 1))
    stale = Promotion.objects.get(pk=promotion.pk)
    stale.used_count, stale.name = 0, "改名"

    actions.save_promotion(stale, actor=None)

    promotion.refresh_from_db()
    assert promotion.used_count == 1 and promotion.name == "改名"


def test_line_refund_gives_back_exactly_the_lines_paid_share(skus):
    factories.make_promotion("threshold", tiers=[{"threshold": "100", "amount": "10"}])
    order = place(factories.make_customer(), (skus[0], 1), (skus[1], 3))
    for step in ("paid", "reviewed", "shipped", "delivered"):
        factories._advance(order, step)
        order.refresh_from_db()
    line = order.lines.get(sku=skus[1])  # 180 − 6.43 share of 10 off 280 → 173.57 for 3 units
    assert line.total_amount == D("173.57")

    refunds = []
    for _ in range(3):
        request = aftersales_actions.request_aftersales(order, kind="return", reason_code="quality",
                                                        lines={line.pk: 1}, actor=None)
        request = aftersales_actions.approve_request(request, actor=None)
        item = request.lines.get()
        request = aftersales_actions.receive_return(request, dispositions={item.pk: "restock"}, actor=None)
        refunds.append(aftersales_actions.issue_refund(order, amount=None, reason="退货", request=request,
                                                       actor=None).amount)

    line.refresh_from_db()
    assert refunds == [D("57.86"), D("57.86"), D("57.85")]
    assert sum(refunds) == line.total_amount == line.refunded_amount


def test_price_cart_changes_nothing(skus):
    promotion = factories.make_promotion("item_fixed", discount_amount=D("1.00"), budget_uses=5)

    breakdown, _data = queries.price_cart(factories.make_customer(), {skus[0].pk: 1})

    promotion.refresh_from_db()
    assert breakdown.total == D("99.00") and promotion.used_count == 0
    assert skus[0].stocks.get().reserved == 0


def test_lowest_price_reads_the_price_history(skus):
    sku = skus[0]
    now = timezone.now()
    actions.record_price(sku, price=D("80.00"), actor=None, at=now - timedelta(days=40))
    actions.record_price(sku, price=D("90.00"), actor=None, at=now - timedelta(days=10))
    actions.set_sku_price(sku, price=D("95.00"), actor=None)

    assert queries.lowest_price_in(sku) == D("80.00")  # 80 was in force when the window opened
    assert queries.lowest_price_in(sku, days=5) == D("90.00")


def test_placing_an_order_with_offers_repeats_no_statement(skus):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    factories.make_promotion("item_percent", discount_rate=D("0.10"), scope="skus", scope_ids=[skus[0].pk])
    factories.make_promotion("threshold", tiers=[{"threshold": "100", "amount": "20"}],
                             budget_amount=D("1000"))
    customer = factories.make_customer()

    with CaptureQueriesContext(connection) as captured:
        order = place(customer, (skus[0], 1), (skus[1], 2), (skus[2], 3))

    statements = [q["sql"] for q in captured.captured_queries]
    assert len(order.pricing_breakdown["discounts"]) == 2
    assert len(statements) == len(set(statements))
    pricing = [sql for sql in statements if sql.split('"')[1].startswith("pricing_")]
    assert len(pricing) == 6  # live offers, prices, template, 2 conditional counters, usage


def test_coupon_per_customer_limit_leaves_a_second_code_unused(skus):
    customer = factories.make_customer()
    first = factories.make_coupon(customer=customer, discount_amount=D("5.00"), per_customer_limit=1)
    second = actions.issue_coupons(first.template, customers=[customer], actor=None)[0]

    place(customer, (skus[2], 1), coupon_codes=[first.code])
    order = place(customer, (skus[2], 1), coupon_codes=[second.code])

    second.refresh_from_db()
    assert order.total_amount == D("40.00") and second.status == CouponStatus.ISSUED
    assert [r["key"] for r in order.pricing_breakdown["not_applied"]] == [f"coupon:{second.code}"]


def test_channel_price_applies_only_on_its_channel(skus):
    prices = PriceList.objects.create(name="抖音价", kind="channel", channel="douyin")
    PriceListEntry.objects.create(price_list=prices, sku=skus[1], price_amount=D("55.00"))

    assert place(factories.make_customer(), (skus[1], 1), channel="douyin").total_amount == D("55.00")
    assert place(factories.make_customer(), (skus[1], 1)).total_amount == D("60.00")


def test_booking_a_budget_used_up_meanwhile_is_refused_and_place_order_prices_again(skus, monkeypatch):
    from zhanggui.pricing.errors import OfferLimitReached

    promotion = factories.make_promotion("item_fixed", discount_amount=D("10.00"), budget_uses=1)
    customer = factories.make_customer()
    breakdown, data = queries.price_cart(customer, {skus[2].pk: 1})
    Promotion.objects.filter(pk=promotion.pk).update(used_count=1)  # another order, meanwhile

    with pytest.raises(OfferLimitReached):
        actions.consume_offers(breakdown, data, customer=customer, reference="order:x", at=timezone.now())

    stale = actions.price_for_order
    calls = []

    def first_stale(*args, **kwargs):  # the first attempt sees the counter as it was
        calls.append(kwargs["lock_budgets"])
        if not kwargs["lock_budgets"]:
            Promotion.objects.filter(pk=promotion.pk).update(used_count=0)
            result = stale(*args, **kwargs)
            Promotion.objects.filter(pk=promotion.pk).update(used_count=1)
            return result
        return stale(*args, **kwargs)

    monkeypatch.setattr(actions, "price_for_order", first_stale)
    order = place(customer, (skus[2], 1))

    assert calls == [False, True] and order.total_amount == D("40.00")
    assert Promotion.objects.get(pk=promotion.pk).used_count == 1
