"""Concurrency on PostgreSQL: the same payment callback delivered many times at once pays the
order once; paying many orders at once reviews each once (transactional: the automatic
review runs on each payment's commit)."""

from decimal import Decimal

import pytest

from tests import factories
from tests.concurrency import run_in_threads
from zhanggui.orders import actions, callbacks
from zhanggui.orders.models import Order, PaymentCallback

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True),
              pytest.mark.usefixtures("postgres_only")]


def test_a_callback_delivered_ten_times_at_once_pays_once():
    order = factories.make_order(status="pending_payment")

    def deliver(_index: int):
        return callbacks.receive_payment_callback(
            transaction_id="T-race", order_number=order.number, amount=order.total_amount,
            method="alipay", succeeded=True, actor=None)

    results = run_in_threads(10, deliver)
    assert all(isinstance(r, callbacks.CallbackResult) and r.error is None for r in results), results
    order.refresh_from_db()
    assert order.payments.count() == 1 and order.paid_amount == order.total_amount
    statuses = sorted(PaymentCallback.objects.values_list("status", flat=True))
    assert statuses == ["applied"] + ["duplicate"] * 9


def test_orders_paid_at_once_are_each_reviewed_once():
    sku = factories.make_listed_sku()
    factories.stock_up(sku, factories.make_warehouse(), 100)
    orders = [actions.place_order(factories.make_customer(), lines=[actions.LineRequest(sku.pk, 1)],
                                  recipient=actions.Recipient(
                                      name="李四", phone=f"1390000{i:04d}", province_code="330000",
                                      city="杭州", district="西湖区", address_detail=f"文三路 {i} 号"),
                                  actor=None, shipping_amount=Decimal("0"))
              for i in range(8)]

    def pay(index: int):
        order = orders[index]
        return actions.record_payment(order, method="alipay", amount=order.total_amount,
                                      succeeded=True, actor=None)

    run_in_threads(8, pay)
    statuses = set(Order.objects.filter(pk__in=[o.pk for o in orders]).values_list("status", flat=True))
    assert statuses == {"reviewed"}
    from zhanggui.accounts.models import OperationLog

    assert OperationLog.objects.filter(action="orders.review_order",
                                       object_id__in=[str(o.pk) for o in orders]).count() == 8
