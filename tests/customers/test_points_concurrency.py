"""Concurrent points changes on PostgreSQL: the account row lock keeps the balance exact and
never negative, and the first use creates one account."""

from decimal import Decimal

import pytest

from tests import factories
from tests.concurrency import run_in_threads
from zhanggui.customers import points
from zhanggui.customers.errors import PointsInsufficient
from zhanggui.customers.models_points import PointsAccount, PointsEntry
from zhanggui.orders import actions as order_actions
from zhanggui.orders.models import Order

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True),
              pytest.mark.usefixtures("postgres_only")]


def test_concurrent_first_earnings_create_one_account():
    customer = factories.make_customer()

    results = run_in_threads(6, lambda index: points.earn_points(
        customer, points=10, reason="t", reference=f"O{index}", basis_amount=Decimal(0),
        actor=None, expires_at=None))

    assert all(isinstance(r, PointsEntry) for r in results), results
    account = PointsAccount.objects.get(customer=customer)
    assert account.balance == 60 and points.ledger_problems(account) == []


def test_concurrent_spends_never_overdraw():
    customer = factories.make_customer()
    points.earn_points(customer, points=100, reason="t", reference="seed", basis_amount=Decimal(0),
                       actor=None, expires_at=None)

    results = run_in_threads(8, lambda index: points.spend_points(
        customer, points=30, reason="t", reference=f"S{index}", actor=None))

    assert sum(isinstance(r, list) for r in results) == 3, results
    assert all(isinstance(r, list | PointsInsufficient) for r in results), results
    account = PointsAccount.objects.get(customer=customer)
    assert account.balance == 10 and points.ledger_problems(account) == []


def test_concurrent_orders_paid_with_points_never_overdraw():
    customer = factories.make_customer()
    sku = factories.make_listed_sku(price="100.00")
    factories.stock_up(sku, factories.make_warehouse(), 50)
    points.earn_points(customer, points=5000, reason="t", reference="seed",
                       basis_amount=Decimal(0), actor=None, expires_at=None)

    results = run_in_threads(6, lambda index: order_actions.place_order(
        customer, lines=[order_actions.LineRequest(sku.pk, 1)], recipient=factories.recipient(),
        actor=None, points=2000))

    orders = [r for r in results if isinstance(r, Order)]
    assert len(orders) == 6, results  # each is priced on the balance it sees under the lock
    assert sum(o.points_redeemed for o in orders) == 5000
    account = PointsAccount.objects.get(customer=customer)
    assert account.balance == 0 and points.ledger_problems(account) == []
