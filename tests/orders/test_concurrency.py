"""Concurrency on PostgreSQL: real parallel transactions, never oversell, never deadlock."""


import pytest

from tests import factories
from tests.concurrency import run_in_threads
from zhanggui.core.errors import DomainError
from zhanggui.inventory.errors import InsufficientStock
from zhanggui.inventory.models import Stock
from zhanggui.inventory.queries import ledger_mismatches
from zhanggui.orders import actions
from zhanggui.orders.models import Order

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True),
              pytest.mark.usefixtures("postgres_only")]


def test_fifty_buyers_for_the_last_twenty_units():
    sku = factories.make_listed_sku()
    factories.stock_up(sku, factories.make_warehouse(), 20)
    customers = [factories.make_customer() for _ in range(50)]

    def buy(index: int):
        return actions.place_order(customers[index], lines=[actions.LineRequest(sku.pk, 1)],
                                   recipient=factories.recipient(), actor=None)

    results = run_in_threads(50, buy)

    succeeded = [r for r in results if isinstance(r, Order)]
    refused = [r for r in results if isinstance(r, InsufficientStock)]
    assert len(succeeded) == 20 and len(refused) == 30, results
    stock = Stock.objects.get(sku=sku)
    assert (stock.on_hand, stock.reserved, stock.available) == (20, 20, 0)
    assert Order.objects.count() == 20
    assert ledger_mismatches() == []


def test_orders_locking_the_same_skus_in_any_order_do_not_deadlock():
    warehouse = factories.make_warehouse()
    skus = [factories.make_listed_sku() for _ in range(3)]
    for sku in skus:
        factories.stock_up(sku, warehouse, 1000)
    customer = factories.make_customer()

    def buy(index: int):
        ordered = skus if index % 2 else list(reversed(skus))
        return actions.place_order(customer, lines=[actions.LineRequest(s.pk, 1) for s in ordered],
                                   recipient=factories.recipient(), actor=None)

    results = run_in_threads(24, buy)

    assert all(isinstance(r, Order) for r in results), [r for r in results
                                                        if isinstance(r, Exception)]
    assert set(Stock.objects.values_list("reserved", flat=True)) == {24}
    assert ledger_mismatches() == []


def test_concurrent_cancel_and_pay_leave_one_consistent_outcome():
    sku = factories.make_listed_sku()
    factories.stock_up(sku, factories.make_warehouse(), 5)
    order = factories.make_order(sku=sku, quantity=2)

    def act(index: int):
        if index % 2:
            return actions.record_payment(order, method="alipay", amount=order.total_amount,
                                          succeeded=True, actor=None)
        return actions.cancel_order(order, reason="race", actor=None)

    results = run_in_threads(6, act)
    order.refresh_from_db()
    errors = [r for r in results if isinstance(r, Exception)]
    assert all(isinstance(e, DomainError) for e in errors), errors
    stock = Stock.objects.get(sku=sku)
    paid = order.status in ("paid", "reviewed")  # the payment's commit queues the auto review
    if paid:
        assert stock.reserved == 2
    else:
        assert order.status == "cancelled" and stock.reserved == 0
    assert order.payments.filter(status="succeeded").count() == paid
    assert ledger_mismatches() == []
