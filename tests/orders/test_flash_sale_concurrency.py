"""Many parallel buyers of a flash sale of few units with the Redis path on (PostgreSQL):
sold == the sale's units, never oversold, the per-buyer limit held, the ledger explains the
stock and Redis agrees with it afterwards."""

from collections import Counter
from decimal import Decimal

import pytest
from django.db.models import Sum

from tests import factories
from tests.concurrency import run_in_threads
from tests.orders import test_flash_sale_helpers as helpers
from zhanggui.inventory.errors import InsufficientStock
from zhanggui.inventory.models import Stock
from zhanggui.inventory.queries import ledger_mismatches
from zhanggui.orders import actions, flash_sale
from zhanggui.orders.models import Order
from zhanggui.pricing.models import OfferUsage

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True),
              pytest.mark.usefixtures("postgres_only")]
flash = helpers.flash


def test_forty_parallel_buyers_of_ten_flash_units(flash):
    sku = factories.make_listed_sku(price="99.00")
    factories.stock_up(sku, factories.make_warehouse(), 16)
    promotion = factories.make_promotion("flash_sale", special_price_amount=Decimal("9.90"),
                                         scope="skus", scope_ids=[sku.pk], stock_cap=10,
                                         per_buyer_limit=2)
    customers = [factories.make_customer() for _ in range(20)]

    def buy(index: int):  # each customer twice: 2 units, then 1
        return actions.place_order(customers[index % 20],
                                   lines=[actions.LineRequest(sku.pk, 2 if index < 20 else 1)],
                                   recipient=factories.recipient(), actor=None)

    results = run_in_threads(40, buy)

    placed = [r for r in results if isinstance(r, Order)]
    refused = [r for r in results if isinstance(r, InsufficientStock)]
    assert len(placed) + len(refused) == 40, [r for r in results if isinstance(r, Exception)]
    sold = sum(line.quantity for order in placed for line in order.lines.all())
    assert sold == 16  # the whole stock, no unit more
    stock = Stock.objects.get(sku=sku)
    assert (stock.on_hand, stock.reserved) == (16, 16) and ledger_mismatches() == []
    promotion.refresh_from_db()
    usages = OfferUsage.objects.filter(promotion=promotion)
    assert promotion.sold_units == 10 == usages.aggregate(n=Sum("units"))["n"]
    per_buyer = Counter()
    for usage in usages:
        per_buyer[usage.customer_id] += usage.units
    assert max(per_buyer.values()) <= 2
    flash_units = sum(line["offer_units"] for order in placed
                      for line in order.pricing_breakdown["lines"])
    assert flash_units == 10
    assert sum(o.total_amount for o in placed) == Decimal("9.90") * 10 + Decimal("99.00") * 6
    assert all(o.flash_token for o in placed)
    c = flash.counters
    assert c.pending() == {} and (c.stock(sku.pk), c.cap(promotion.pk)) == (0, 0)
    assert flash_sale.reconcile_flash_sales(older_than=0)["changed"] == []  # Redis == ledger
