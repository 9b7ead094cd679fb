"""Two people drafting the same rows of the reorder list at the same moment (PostgreSQL):
one draft, the other refused."""

import pytest

from tests import factories
from tests.concurrency import run_in_threads
from tests.suppliers.replenishment_support import make_fit
from zhanggui.suppliers.models import PurchaseOrder, SupplyPolicy
from zhanggui.suppliers.replenishment_drafts import AlreadyInDraft, draft_purchase_orders

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True),
              pytest.mark.usefixtures("postgres_only")]


def test_two_clicks_at_once_make_one_draft():
    SupplyPolicy.objects.get_or_create(pk=1)  # the row the drafts queue on
    warehouse = factories.make_warehouse()
    supplier = factories.make_supplier()
    pairs = []
    for _n in range(3):
        sku = factories.make_sku()
        factories.make_supplier_item(supplier, sku)
        make_fit(sku, warehouse, d=3, sigma=1)
        pairs.append((sku.pk, warehouse.pk))

    results = run_in_threads(4, lambda index: draft_purchase_orders(pairs, actor=None))

    drafts = [r for r in results if isinstance(r, list)]
    assert len(drafts) == 1 and len(drafts[0]) == 1, results
    assert all(isinstance(r, AlreadyInDraft) for r in results if not isinstance(r, list)), results
    assert PurchaseOrder.objects.count() == 1
    assert PurchaseOrder.objects.get().lines.count() == 3
