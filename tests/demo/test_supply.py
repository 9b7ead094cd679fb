"""The demo's supply side: every purchase receipt in the ledger names a real purchase order
of the SKU's supplier, received with inspection."""

from collections import defaultdict

from django.db.models import Sum

from zhanggui.catalog.models import Sku
from zhanggui.inventory.models import MovementKind, StockMovement
from zhanggui.suppliers.models import (
    PurchaseOrder,
    PurchaseOrderLine,
    PurchaseOrderStatus,
    ReceiptLine,
    SupplierItem,
    SupplierMessage,
)


def test_every_listed_sku_has_one_preferred_supplier_with_its_terms(store):
    listed = set(Sku.objects.filter(stocks__isnull=False).values_list("pk", flat=True))
    items = SupplierItem.objects.filter(is_preferred=True)
    by_sku = defaultdict(list)
    for item in items:
        by_sku[item.sku_id].append(item)
        assert item.moq >= 1 and item.pack_size >= 1 and item.lead_time_days > 0
    assert listed <= set(by_sku)
    assert all(len(found) == 1 for found in by_sku.values())


def test_purchase_receipts_in_the_ledger_are_exactly_the_accepted_units_of_their_po(store):
    booked = defaultdict(int)
    for reference, sku_id, units in (StockMovement.objects.filter(
            kind=MovementKind.RECEIVE, reference__startswith="PO")
            .values_list("reference", "stock__sku_id", "on_hand_delta")):
        booked[(reference, sku_id)] += units
    accepted = defaultdict(int)
    for number, sku_id, units in PurchaseOrderLine.objects.values_list(
            "purchase_order__number", "sku_id", "received_quantity"):
        accepted[(number, sku_id)] += units
    assert booked and booked == accepted
    supplier_of = dict(SupplierItem.objects.filter(is_preferred=True)
                       .values_list("sku_id", "supplier_id"))
    for line in PurchaseOrderLine.objects.select_related("purchase_order")[:500]:
        assert supplier_of[line.sku_id] == line.purchase_order.supplier_id
        assert line.quantity == line.received_quantity + line.rejected_quantity


def test_history_pos_are_closed_sent_before_they_arrived_with_inspected_receipts(store):
    orders = PurchaseOrder.objects.all()
    assert orders.exists()
    assert set(orders.values_list("status", flat=True)) == {PurchaseOrderStatus.CLOSED}
    assert all(po.sent_at < po.received_at <= po.closed_at for po in orders[:500])
    totals = ReceiptLine.objects.aggregate(accepted=Sum("accepted"), rejected=Sum("rejected"))
    assert totals["rejected"] > 0 and totals["accepted"] > 40 * totals["rejected"]  # ≤ 2 % per supplier
    assert not ReceiptLine.objects.filter(rejected__gt=0, reject_reason="").exists()


def test_suppliers_answer_messages(store):
    assert SupplierMessage.objects.filter(direction="in").count() == \
        SupplierMessage.objects.filter(direction="out").count() > 0


def test_ad_spend_follows_sales_with_a_few_products_below_the_roi_floor(store):
    from zhanggui.marketing.models import AdSpend

    assert AdSpend.objects.filter(product__isnull=True).exists()
    advertised = AdSpend.objects.filter(product__isnull=False)
    assert advertised.values("product").distinct().count() >= 3
    assert not AdSpend.objects.filter(amount__lt=5).exists()
