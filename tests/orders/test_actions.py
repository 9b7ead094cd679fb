from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from tests import factories
from zhanggui.accounts.models import OperationLog
from zhanggui.catalog import actions as catalog_actions
from zhanggui.core.errors import InvalidTransition
from zhanggui.inventory.errors import InsufficientStock
from zhanggui.inventory.models import Reservation, Stock
from zhanggui.inventory.queries import ledger_mismatches
from zhanggui.orders import actions
from zhanggui.orders import actions as order_actions
from zhanggui.orders.errors import (
    EmptyOrder,
    FailureReasonRequired,
    InvalidAmount,
    InvalidPaymentAmount,
    RefundFirst,
    SkuNotSellable,
)
from zhanggui.orders.models import Order, OrderStatus
from zhanggui.orders.tasks import expire_unpaid_orders_task


@pytest.fixture
def stocked_sku(db):
    sku = factories.make_listed_sku(price="50.00", cost="20.00")
    factories.stock_up(sku, factories.make_warehouse(), 10)
    return sku


def _place(sku, *quantities, **kwargs):
    return actions.place_order(
        factories.make_customer(), lines=[actions.LineRequest(sku.pk, q) for q in quantities],
        recipient=factories.recipient(), actor=None, **kwargs)


def _stock(sku):
    return Stock.objects.get(sku=sku)


def test_place_order_sums_demand_snapshots_prices_and_reserves(stocked_sku):
    order = _place(stocked_sku, 2, 1, shipping_amount=Decimal("8"), discount_amount=Decimal("5"))
    line = order.lines.get()
    assert (line.quantity, line.unit_price_amount, line.unit_cost_amount) == (
        3, Decimal("50.00"), Decimal("20.00"))
    assert (order.goods_amount, order.total_amount) == (Decimal("150.00"), Decimal("153.00"))
    assert order.status == OrderStatus.PENDING_PAYMENT
    assert (_stock(stocked_sku).reserved, _stock(stocked_sku).available) == (3, 7)
    catalog_actions.update_sku(stocked_sku, price_amount=Decimal("60"), actor=None)
    line.refresh_from_db()
    assert line.unit_price_amount == Decimal("50.00")  # the snapshot does not move
    assert OperationLog.objects.filter(action="orders.place_order").count() == 1


def test_place_order_refuses_oversell_and_changes_nothing(stocked_sku):
    with pytest.raises(InsufficientStock):
        _place(stocked_sku, 6, 5)  # 11 > 10 only once summed per SKU
    assert not Order.objects.exists()
    assert _stock(stocked_sku).reserved == 0


def test_place_order_validation_errors(stocked_sku):
    with pytest.raises(EmptyOrder):
        _place(stocked_sku)
    with pytest.raises(InvalidAmount):
        _place(stocked_sku, 1, discount_amount=Decimal("60"))
    with pytest.raises(InvalidAmount):
        _place(stocked_sku, 1, shipping_amount=Decimal("-1"))
    catalog_actions.set_listing_status(stocked_sku.product, status="delisted",
                                       reason="quality_issue", actor=None)
    with pytest.raises(SkuNotSellable):
        _place(stocked_sku, 1)
    assert not Order.objects.exists()


def test_payment_failure_keeps_order_pending_then_success_pays(stocked_sku):
    order = _place(stocked_sku, 1)
    with pytest.raises(FailureReasonRequired):
        actions.record_payment(order, method="wechat", amount=order.total_amount,
                               succeeded=False, actor=None)
    failed = actions.record_payment(order, method="wechat", amount=order.total_amount,
                                    succeeded=False, failure_reason="insufficient_funds",
                                    actor=None)
    order.refresh_from_db()
    assert failed.status == "failed" and order.status == OrderStatus.PENDING_PAYMENT
    with pytest.raises(InvalidPaymentAmount):
        actions.record_payment(order, method="alipay", amount=Decimal("1"), succeeded=True,
                               actor=None)
    actions.record_payment(order, method="alipay", amount=order.total_amount, succeeded=True,
                           actor=None)
    order.refresh_from_db()
    assert order.status == OrderStatus.PAID and order.paid_amount == order.total_amount
    with pytest.raises(InvalidTransition):
        actions.record_payment(order, method="alipay", amount=order.total_amount,
                               succeeded=True, actor=None)


def test_cancel_unpaid_order_releases_stock(stocked_sku):
    order = _place(stocked_sku, 4)
    actions.cancel_order(order, reason="buyer changed mind", actor=None)
    order.refresh_from_db()
    assert order.status == OrderStatus.CANCELLED and order.cancelled_at
    assert _stock(stocked_sku).reserved == 0
    assert ledger_mismatches() == []


def test_cancel_paid_order_needs_a_full_refund_first(stocked_sku):
    order = factories.make_order(sku=stocked_sku, status="paid")
    with pytest.raises(RefundFirst):
        actions.cancel_order(order, reason="x", actor=None)
    shipped = factories.make_order(sku=stocked_sku, status="shipped")
    with pytest.raises(InvalidTransition):
        actions.cancel_order(shipped, reason="x", actor=None)


def test_review_requires_payment_and_completion_requires_delivery(stocked_sku):
    order = _place(stocked_sku, 1)
    with pytest.raises(InvalidTransition):
        actions.review_order(order, actor=None)
    with pytest.raises(InvalidTransition):
        actions.complete_order(order, actor=None)
    delivered = factories.make_order(sku=stocked_sku, status="delivered")
    actions.complete_order(delivered, actor=None)
    delivered.refresh_from_db()
    assert delivered.status == OrderStatus.COMPLETED


def test_expire_unpaid_orders_closes_only_stale_ones(stocked_sku, settings):
    settings.ZHANGGUI = {**settings.ZHANGGUI, "UNPAID_ORDER_TIMEOUT_MINUTES": 30}
    stale = _place(stocked_sku, 2)
    fresh = _place(stocked_sku, 1)
    paid = factories.make_order(sku=stocked_sku, status="paid")
    Order.objects.filter(pk__in=[stale.pk, paid.pk]).update(
        placed_at=timezone.now() - timedelta(minutes=31))
    assert expire_unpaid_orders_task.delay().get() == 1
    statuses = dict(Order.objects.values_list("pk", "status"))
    assert statuses == {stale.pk: "closed", fresh.pk: "pending_payment", paid.pk: "paid"}
    assert _stock(stocked_sku).reserved == 2  # fresh 1 + paid 1
    assert actions.expire_unpaid_orders() == 0


def test_place_order_draws_again_when_the_order_number_is_taken(db, monkeypatch):
    sku = factories.make_listed_sku()
    factories.stock_up(sku, factories.make_warehouse(), 10)
    first = factories.make_order(sku=sku)
    drawn = iter([first.number, first.number, "2612019999000001"])
    monkeypatch.setattr(order_actions, "_new_order_number", lambda now: next(drawn))

    second = factories.make_order(sku=sku)

    assert second.number == "2612019999000001"
    # The colliding attempts left nothing behind: one reservation per order.
    assert Reservation.objects.filter(stock__sku=sku).count() == 2
