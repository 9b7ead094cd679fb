"""Flash-sale caps, budgets and coupons hold under real parallel transactions (PostgreSQL)."""

from decimal import Decimal

import pytest

from tests import factories
from tests.concurrency import run_in_threads
from zhanggui.core.errors import DomainError
from zhanggui.inventory.queries import ledger_mismatches
from zhanggui.orders import actions
from zhanggui.orders.models import Order
from zhanggui.pricing.models import Coupon, OfferUsage, Promotion

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True),
              pytest.mark.usefixtures("postgres_only")]


def test_flash_sale_cap_holds_for_thirty_buyers_racing_for_ten_units():
    sku = factories.make_listed_sku(price="99.00")
    factories.stock_up(sku, factories.make_warehouse(), 100)
    flash = factories.make_promotion("flash_sale", special_price_amount=Decimal("9.90"), scope="skus",
                                     scope_ids=[sku.pk], stock_cap=10, per_buyer_limit=1)
    customers = [factories.make_customer() for _ in range(30)]

    def buy(index: int):
        return actions.place_order(customers[index], lines=[actions.LineRequest(sku.pk, 1)],
                                   recipient=factories.recipient(), actor=None)

    results = run_in_threads(30, buy)

    assert all(isinstance(r, Order) for r in results), results
    totals = sorted(str(r.total_amount) for r in results)
    assert totals.count("9.90") == 10 and totals.count("99.00") == 20
    flash.refresh_from_db()
    assert flash.sold_units == 10
    assert OfferUsage.objects.filter(promotion=flash).count() == 10
    assert ledger_mismatches() == []


def test_amount_budget_is_never_overspent():
    sku = factories.make_listed_sku(price="100.00")
    factories.stock_up(sku, factories.make_warehouse(), 100)
    promotion = factories.make_promotion("threshold", tiers=[{"threshold": "100", "amount": "15"}],
                                         budget_amount=Decimal("100.00"))
    customers = [factories.make_customer() for _ in range(16)]

    def buy(index: int):
        return actions.place_order(customers[index], lines=[actions.LineRequest(sku.pk, 1)],
                                   recipient=factories.recipient(), actor=None)

    results = run_in_threads(16, buy)

    assert all(isinstance(r, Order) for r in results), results
    promotion.refresh_from_db()
    discounted = [r for r in results if r.discount_amount == Decimal("15.00")]
    assert len(discounted) == 6 and promotion.used_amount == Decimal("90.00")


def test_one_coupon_code_is_used_by_exactly_one_of_many_parallel_orders():
    sku = factories.make_listed_sku(price="50.00")
    factories.stock_up(sku, factories.make_warehouse(), 100)
    coupon = factories.make_coupon(discount_amount=Decimal("20.00"))
    customers = [factories.make_customer() for _ in range(12)]

    def buy(index: int):
        return actions.place_order(customers[index], lines=[actions.LineRequest(sku.pk, 1)],
                                   recipient=factories.recipient(), actor=None,
                                   coupon_codes=[coupon.code])

    results = run_in_threads(12, buy)

    placed = [r for r in results if isinstance(r, Order)]
    refused = [r for r in results if isinstance(r, DomainError)]
    assert len(placed) == 1 and len(refused) == 11, results
    assert placed[0].total_amount == Decimal("30.00")
    coupon.refresh_from_db()
    assert coupon.status == "used" and coupon.template.used_count == 1
    assert Coupon.objects.filter(status="used").count() == 1
    assert Promotion.objects.count() == 0


def test_orders_racing_for_two_budgets_and_shared_stock_neither_deadlock_nor_overspend():
    warehouse = factories.make_warehouse()
    skus = [factories.make_listed_sku(price="100.00") for _ in range(3)]
    for sku in skus:
        factories.stock_up(sku, warehouse, 500)
    threshold = factories.make_promotion("threshold", tiers=[{"threshold": "100", "amount": "10"}],
                                         budget_amount=Decimal("80.00"))
    item = factories.make_promotion("item_fixed", discount_amount=Decimal("5.00"), budget_uses=7,
                                    scope="skus", scope_ids=[skus[0].pk, skus[2].pk])
    customers = [factories.make_customer() for _ in range(24)]

    def buy(index: int):
        picked = skus if index % 2 else list(reversed(skus))
        lines = [actions.LineRequest(s.pk, 1) for s in picked[:2 + index % 2]]
        return actions.place_order(customers[index], lines=lines, recipient=factories.recipient(),
                                   actor=None)

    results = run_in_threads(24, buy)

    assert all(isinstance(r, Order) for r in results), [r for r in results if isinstance(r, Exception)]
    threshold.refresh_from_db()
    item.refresh_from_db()
    assert threshold.used_amount == Decimal("80.00") and threshold.used_count == 8
    assert item.used_count == 7
    assert sum(r.discount_amount for r in results) == Decimal("80.00") + sum(
        u.discount_amount for u in OfferUsage.objects.filter(promotion=item))
    assert ledger_mismatches() == []
