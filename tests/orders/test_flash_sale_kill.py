"""A worker killed between the Redis reservation and the database order, and one killed
after the commit but before the confirm: a real child process (fork) placing the order,
blocked at that point and SIGKILLed. No unit is lost or doubled: the reconciliation
releases the first reservation and keeps the second sold, and selling out the rest sells
exactly the flash sale's units."""

import multiprocessing
import os
import signal
import time
from decimal import Decimal

import pytest
from django.db import connection, connections
from django.utils import timezone

from tests import factories
from tests.orders import test_flash_sale_helpers as helpers
from zhanggui.inventory.errors import InsufficientStock
from zhanggui.inventory.models import Stock
from zhanggui.inventory.queries import ledger_mismatches
from zhanggui.orders import actions, flash_sale
from zhanggui.orders.models import Order
from zhanggui.pricing.models import OfferUsage

pytestmark = pytest.mark.django_db(transaction=True)
flash = helpers.flash


def _worker(stage: str, ready, customer, sku_id: int) -> None:
    """The child: its own database connection (never the parent's socket), blocked at
    ``stage`` until it is killed."""
    for conn in connections.all(initialized_only=True):
        conn.connection = None

    def block(*_args, **_kwargs):
        ready.set()
        while True:
            time.sleep(60)

    if stage == "before_order":
        actions._place_order = block
    else:
        flash_sale.confirm = block
    try:
        actions.place_order(customer, lines=[actions.LineRequest(sku_id, 1)],
                            recipient=factories.recipient(), actor=None)
    finally:
        os._exit(1)  # only reached when something went wrong: the test then fails


def _killed_at(stage: str, customer, sku) -> None:
    context = multiprocessing.get_context("fork")
    ready = context.Event()
    child = context.Process(target=_worker, args=(stage, ready, customer, sku.pk))
    child.start()
    try:
        assert ready.wait(60), "the worker never reached the point where it is killed"
    finally:
        os.kill(child.pid, signal.SIGKILL)
        child.join(30)
    assert child.exitcode == -signal.SIGKILL


def _setup(monkeypatch):
    sku = factories.make_listed_sku(price="99.00")
    factories.stock_up(sku, factories.make_warehouse(), 8)
    promotion = factories.make_promotion("flash_sale", special_price_amount=Decimal("9.90"),
                                         scope="skus", scope_ids=[sku.pk], stock_cap=5,
                                         per_buyer_limit=1)
    customers = [factories.make_customer() for _ in range(11)]
    # The worker reads the live sales from this process's cache (SQLite's test database
    # is in this process's memory: the child must not need it before it is killed).
    monkeypatch.setattr(flash_sale, "CACHE_SECONDS", 3600)
    flash_sale.live_sales(timezone.now())
    flash_sale.sku_facts([sku.pk])
    return sku, promotion, customers


def _sell_out(sku, customers) -> list[str]:
    outcomes = []
    for customer in customers:
        try:
            outcomes.append(str(actions.place_order(
                customer, lines=[actions.LineRequest(sku.pk, 1)], recipient=factories.recipient(),
                actor=None).total_amount))
        except InsufficientStock:
            outcomes.append("sold out")
    return outcomes


def _ledger_explains(sku, promotion) -> None:
    promotion.refresh_from_db()
    stock = Stock.objects.get(sku=sku)
    assert promotion.sold_units == 5 == sum(OfferUsage.objects.filter(promotion=promotion)
                                            .values_list("units", flat=True))
    assert (stock.on_hand, stock.reserved) == (8, 8) and ledger_mismatches() == []
    assert flash_sale.reconcile_flash_sales(older_than=0)["changed"] == []  # Redis == ledger


def test_a_worker_killed_before_writing_the_order_loses_no_unit(flash, monkeypatch):
    sku, promotion, customers = _setup(monkeypatch)
    c = flash.counters

    _killed_at("before_order", customers[0], sku)

    assert Order.objects.count() == 0 and len(c.pending()) == 1
    assert (c.stock(sku.pk), c.cap(promotion.pk)) == (7, 4)
    assert flash_sale.reconcile_flash_sales()["released"] == []  # not stale yet (60 s)
    summary = flash_sale.reconcile_flash_sales(older_than=0)
    assert len(summary["released"]) == 1 and c.pending() == {}
    assert (c.stock(sku.pk), c.cap(promotion.pk), c.buyer(promotion.pk, customers[0].pk)) == (8, 5, 0)

    outcomes = _sell_out(sku, customers[1:])

    assert outcomes == ["9.90"] * 5 + ["99.00"] * 3 + ["sold out"] * 2
    _ledger_explains(sku, promotion)


def test_a_worker_killed_after_the_commit_keeps_its_units_sold(flash, monkeypatch):
    if connection.vendor != "postgresql":
        pytest.skip("the killed worker's commit must reach this process's database: "
                    "PostgreSQL (SQLite's test database lives in this process's memory)")
    sku, promotion, customers = _setup(monkeypatch)
    c = flash.counters

    _killed_at("before_confirm", customers[0], sku)

    order = Order.objects.get()
    assert order.total_amount == Decimal("9.90") and list(c.pending()) == [order.flash_token]
    summary = flash_sale.reconcile_flash_sales(older_than=0)
    assert summary["confirmed"] == [order.flash_token] and summary["released"] == []
    assert c.pending() == {} and summary["changed"] == []
    assert (c.stock(sku.pk), c.cap(promotion.pk), c.buyer(promotion.pk, customers[0].pk)) == (7, 4, 1)

    outcomes = _sell_out(sku, customers)  # the first buyer again: past the limit, list price

    assert outcomes == ["99.00"] + ["9.90"] * 4 + ["99.00"] * 2 + ["sold out"] * 4
    _ledger_explains(sku, promotion)
