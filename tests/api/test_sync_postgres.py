"""Incremental sync on PostgreSQL while a slow transaction is open: a change committed after
it started is held back until it ends, so the client's cursor never passes a change that
commits later with an earlier time."""

import threading
from datetime import timedelta

import pytest
from django.db import connections, transaction
from django.utils import timezone

from tests.api.test_sync import START, _orders, _pages
from zhanggui.orders import actions
from zhanggui.orders.models import Order

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True),
              pytest.mark.usefixtures("postgres_only", "settled")]


def test_a_slow_transaction_holds_the_horizon_back(api):
    slow, other, quiet = _orders(3)
    Order.objects.update(updated_at=timezone.now() - timedelta(hours=1))
    stamped, release = threading.Event(), threading.Event()

    def slow_change():
        try:
            with transaction.atomic():
                Order.objects.filter(pk=slow.pk).update(buyer_note="改地址", updated_at=timezone.now())
                stamped.set()
                release.wait(30)
        finally:
            connections.close_all()

    worker = threading.Thread(target=slow_change)
    worker.start()
    try:
        assert stamped.wait(30)
        actions.cancel_order(other, reason="买家取消", actor=None)  # commits after the slow stamp
        seen, last = _pages(api, updated_after=START)
        assert other.pk not in seen and quiet.pk in seen  # held back behind the open transaction
    finally:
        release.set()
        worker.join()
    later, _last = _pages(api, cursor=last["next_cursor"])
    assert sorted(later) == sorted([slow.pk, other.pk])  # nothing passed over
