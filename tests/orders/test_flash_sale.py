"""The Redis flash-sale path through ``place_order`` (SQLite and PostgreSQL): the same
outcomes as the database path, refusals that write nothing, give-backs on failure, lazy
initialisation when Redis lost its counters, and the reconciliation."""

from decimal import Decimal

import pytest

from tests import factories
from tests.api.support import ApiClient, assert_error
from tests.orders import test_flash_sale_helpers as helpers
from zhanggui.accounts.models import OperationLog
from zhanggui.inventory.errors import InsufficientStock
from zhanggui.inventory.models import StockMovement
from zhanggui.orders import actions, flash_sale
from zhanggui.orders.models import Order
from zhanggui.pricing.errors import CouponNotFound
from zhanggui.pricing.models import OfferUsage

pytestmark = pytest.mark.django_db(transaction=True)  # confirms run on commit
flash = helpers.flash


def _sale(*, stock: int, cap: int | None, limit: int | None, **fields):
    sku = factories.make_listed_sku(price="99.00")
    factories.stock_up(sku, factories.make_warehouse(), stock)
    promotion = factories.make_promotion("flash_sale", special_price_amount=Decimal("9.90"),
                                         scope="skus", scope_ids=[sku.pk], stock_cap=cap,
                                         per_buyer_limit=limit, **fields)
    return sku, promotion


def _buy(customer, sku, quantity=1, **kwargs):
    return actions.place_order(customer, lines=[actions.LineRequest(sku.pk, quantity)],
                               recipient=factories.recipient(), actor=None, **kwargs)


def _outcome(result):
    return result.code if isinstance(result, Exception) else str(result.total_amount)


def _script(sku, customers):
    """Buys of 2, 1, 2, 1 … units by the customers in turn; each outcome (total or error)."""
    outcomes = []
    for n, customer in enumerate(customers * 2):
        try:
            outcomes.append(_outcome(_buy(customer, sku, 2 - n % 2)))
        except InsufficientStock as error:
            outcomes.append(_outcome(error))
    return outcomes


def test_the_redis_path_gives_the_database_paths_outcomes(flash, settings):
    sku, promotion = _sale(stock=9, cap=4, limit=2)
    customers = [factories.make_customer() for _ in range(4)]
    with_redis = _script(sku, customers)
    assert Order.objects.filter(flash_token__isnull=False).count() == len(
        [o for o in with_redis if o != "insufficient_stock"])
    promotion.refresh_from_db()
    assert promotion.sold_units == 4

    settings.ZHANGGUI_FLASH_SALE_REDIS = False
    sku2, _promotion2 = _sale(stock=9, cap=4, limit=2)
    without = _script(sku2, [factories.make_customer() for _ in range(4)])
    assert with_redis == without
    assert with_redis == ["19.80", "9.90", "108.90", "99.00", "198.00", "99.00",
                          "insufficient_stock", "insufficient_stock"]
    assert flash.counters.pending() == {}
    assert (flash.counters.stock(sku.pk), flash.counters.cap(promotion.pk)) == (0, 0)


def test_a_sold_out_refusal_writes_nothing_in_the_database(flash):
    sku, _promotion = _sale(stock=2, cap=5, limit=None)
    _buy(factories.make_customer(), sku, 2)
    orders, movements = Order.objects.count(), StockMovement.objects.count()

    with pytest.raises(InsufficientStock):
        _buy(factories.make_customer(), sku, 1)

    assert (Order.objects.count(), StockMovement.objects.count()) == (orders, movements)
    assert flash.counters.pending() == {} and flash.counters.stock(sku.pk) == 0


def test_a_failed_placement_gives_every_unit_back(flash):
    sku, promotion = _sale(stock=5, cap=3, limit=1)
    customer = factories.make_customer()

    with pytest.raises(CouponNotFound):
        _buy(customer, sku, 2, coupon_codes=["NOSUCHCODE"])

    c = flash.counters
    assert c.pending() == {} and c.confirmed() == {}
    assert (c.stock(sku.pk), c.cap(promotion.pk), c.buyer(promotion.pk, customer.pk)) == (5, 3, 0)
    order = _buy(customer, sku, 2)
    assert order.total_amount == Decimal("108.90")  # one unit at 9.90, the limit; one at 99.00


def test_units_a_buyer_could_not_take_are_given_back_on_confirm(flash):
    sku, promotion = _sale(stock=5, cap=3, limit=None, channels=["douyin"])
    customer = factories.make_customer()

    order = _buy(customer, sku, 2)  # channel "own": not eligible for the sale

    assert order.total_amount == Decimal("198.00") and order.flash_token
    c = flash.counters
    assert (c.stock(sku.pk), c.cap(promotion.pk), c.buyer(promotion.pk, customer.pk)) == (3, 3, 0)
    assert c.confirmed()[order.flash_token]["f"] == {str(promotion.pk): 0}


def test_counters_lost_by_redis_are_rebuilt_from_the_database(flash):
    sku, promotion = _sale(stock=6, cap=4, limit=None)
    first = factories.make_customer()
    _buy(first, sku, 3)
    flash.counters.drop()  # Redis restarted: it keeps nothing on disk here

    order = _buy(factories.make_customer(), sku, 2)

    assert order.total_amount == Decimal("108.90")  # one flash unit left under the cap of 4
    c = flash.counters
    assert (c.stock(sku.pk), c.cap(promotion.pk), c.buyer(promotion.pk, first.pk)) == (1, 0, 3)


def test_reconciliation_sets_drifted_counters_back_and_logs_it(flash):
    sku, promotion = _sale(stock=6, cap=4, limit=2)
    customer = factories.make_customer()
    _buy(customer, sku, 1)
    c = flash.counters
    c.client.hset(f"{c.prefix}:stock", str(sku.pk), 50)
    c.client.hset(f"{c.prefix}:sale:{promotion.pk}", "cap", 0)
    c.client.hdel(f"{c.prefix}:buyers:{promotion.pk}", str(customer.pk))

    summary = flash_sale.reconcile_flash_sales()

    assert (c.stock(sku.pk), c.cap(promotion.pk), c.buyer(promotion.pk, customer.pk)) == (5, 3, 1)
    assert len(summary["changed"]) == 3 and c.confirmed() == {}  # the sale is in the database now
    entry = OperationLog.objects.get(action="orders.reconcile_flash_sale")
    assert entry.object_id == str(promotion.pk) and len(entry.after["changed"]) == 2
    assert flash_sale.reconcile_flash_sales()["changed"] == []


def test_an_ended_sale_loses_its_counters(flash):
    sku, promotion = _sale(stock=6, cap=4, limit=None)
    _buy(factories.make_customer(), sku, 1)
    promotion.is_active = False
    promotion.save()

    flash_sale.reconcile_flash_sales()

    assert flash.counters.cap(promotion.pk) is None and flash.counters.stock(sku.pk) is None
    assert _buy(factories.make_customer(), sku, 1).flash_token is None  # the database path


def test_without_the_setting_nothing_goes_through_redis(flash, settings):
    settings.ZHANGGUI_FLASH_SALE_REDIS = False
    sku, promotion = _sale(stock=3, cap=1, limit=None)

    orders = [_buy(factories.make_customer(), sku, 1) for _ in range(2)]

    assert [o.total_amount for o in orders] == [Decimal("9.90"), Decimal("99.00")]
    assert all(o.flash_token is None for o in orders)
    assert list(flash.counters.client.scan_iter(match=f"{flash.prefix}:*")) == []
    assert OfferUsage.objects.get(promotion=promotion).units == 1
    assert flash_sale.reconcile_flash_sales() == {"enabled": False}


def test_the_api_places_through_redis_and_refuses_a_sold_out_sku_with_409(flash):
    sku, _promotion = _sale(stock=2, cap=1, limit=None)
    api = ApiClient(factories.make_staff("owner"), language="en")
    body = {"lines": [{"sku_id": sku.pk, "quantity": 2}],
            "recipient": {"name": "张三", "phone": "13800000000", "province_code": "330000",
                          "city": "杭州", "address_detail": "文三路 1 号"}}

    placed = api.post("/api/v1/orders", {**body, "customer_id": factories.make_customer().pk})
    refused = api.post("/api/v1/orders", {**body, "customer_id": factories.make_customer().pk})

    assert placed.status_code == 201 and placed.json()["total_amount"] == "108.90"
    error = assert_error(refused, 409, "insufficient_stock")
    assert error["message"] == f"Not enough stock for {sku.code}: 2 requested, 0 available."
    assert Order.objects.get().flash_token and flash.counters.pending() == {}
    # The refusal re-derived the counters from the database first (sold out in Redis): the
    # confirmed sale is counted there now, and the SKU is still sold out.
    assert flash.counters.confirmed() == {} and flash.counters.stock(sku.pk) == 0


def test_redis_unreachable_falls_back_to_the_database_path(flash, settings):
    settings.ZHANGGUI_FLASH_SALE_REDIS_URL = "redis://127.0.0.1:1/0"  # nothing listens there
    sku, promotion = _sale(stock=3, cap=1, limit=None)

    orders = [_buy(factories.make_customer(), sku, 1) for _ in range(2)]

    assert [o.total_amount for o in orders] == [Decimal("9.90"), Decimal("99.00")]
    assert all(o.flash_token is None for o in orders)
    promotion.refresh_from_db()
    assert promotion.sold_units == 1
