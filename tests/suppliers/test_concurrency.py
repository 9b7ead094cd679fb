"""Concurrent receipts and purchase-order numbers on PostgreSQL."""

import pytest

from tests import factories
from tests.concurrency import run_in_threads
from zhanggui.core.errors import DomainError
from zhanggui.inventory.models import CostChange, Stock
from zhanggui.inventory.queries import ledger_mismatches
from zhanggui.suppliers import actions
from zhanggui.suppliers.models import PurchaseOrder, Receipt

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True),
              pytest.mark.usefixtures("postgres_only")]


def test_concurrent_receipts_of_the_whole_order_book_it_once():
    po = factories.make_purchase_order(lines=[(factories.make_sku(), 10)], sent=True)
    line = po.lines.get()

    results = run_in_threads(6, lambda index: actions.receive_purchase_order(
        po, actor=None, lines={line.pk: actions.ReceiptLineInput(accepted=10)}))

    assert sum(isinstance(result, Receipt) for result in results) == 1, results
    assert all(isinstance(result, Receipt | DomainError) for result in results), results
    assert Stock.objects.get(sku=line.sku, warehouse=po.warehouse).on_hand == 10
    assert CostChange.objects.count() == 1
    assert ledger_mismatches() == []


def test_concurrent_partial_receipts_never_exceed_the_order():
    po = factories.make_purchase_order(lines=[(factories.make_sku(), 10)], sent=True)
    line = po.lines.get()

    results = run_in_threads(6, lambda index: actions.receive_purchase_order(
        po, actor=None, lines={line.pk: actions.ReceiptLineInput(accepted=3)}))

    assert sum(isinstance(result, Receipt) for result in results) == 3, results
    line.refresh_from_db()
    assert line.received_quantity == 9
    assert Stock.objects.get(sku=line.sku, warehouse=po.warehouse).on_hand == 9
    assert ledger_mismatches() == []


def test_concurrent_purchase_orders_get_distinct_numbers():
    supplier = factories.make_supplier()
    sku = factories.make_sku()
    factories.make_supplier_item(supplier, sku)
    warehouse = factories.make_warehouse()

    results = run_in_threads(8, lambda index: actions.create_purchase_order(
        supplier, warehouse=warehouse, lines=[(sku, index + 1)], actor=None))

    assert all(isinstance(result, PurchaseOrder) for result in results), results
    assert len({result.number for result in results}) == 8
