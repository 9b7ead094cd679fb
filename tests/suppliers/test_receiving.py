"""Receiving with inspection: stock, cost history, statuses, refusals, tasks."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from tests import factories
from zhanggui.catalog.models import Sku
from zhanggui.inventory.models import CostChange, MovementKind, Stock, StockMovement
from zhanggui.inventory.queries import ledger_mismatches
from zhanggui.suppliers import actions
from zhanggui.suppliers.actions import ReceiptLineInput
from zhanggui.suppliers.errors import (
    EmptyReceipt,
    InvalidFreight,
    InvalidReceiptLine,
    OverReceipt,
    OverReceiptNotAllowed,
    PurchaseOrderState,
    RejectReasonRequired,
)
from zhanggui.suppliers.models import PurchaseOrderStatus, Receipt, ReceiptLine, SupplierItem
from zhanggui.suppliers.tasks_kinds import PO_OVERDUE, RECEIPT_REJECTED
from zhanggui.tasks.models import Task, TaskStatus

pytestmark = pytest.mark.django_db


@pytest.fixture
def po():
    """A sent PO: 10 × A at 20.00 and 5 × B at 8.00 into a warehouse holding 10 A at 40.00."""
    supplier = factories.make_supplier()
    sku_a = factories.make_sku(cost="40.00")
    sku_b = factories.make_sku(cost="8.00")
    warehouse = factories.make_warehouse()
    factories.stock_up(sku_a, warehouse, 10)
    factories.make_supplier_item(supplier, sku_a, unit_cost="20.00")
    factories.make_supplier_item(supplier, sku_b, unit_cost="8.00")
    return factories.make_purchase_order(supplier=supplier, warehouse=warehouse,
                                         lines=[(sku_a, 10), (sku_b, 5)], sent=True)


def _lines(po):
    return {line.sku.code: line for line in po.lines.select_related("sku")}


def _snapshot(po):
    return (list(Stock.objects.values_list("sku_id", "warehouse_id", "on_hand").order_by("id")),
            list(po.lines.values_list("received_quantity", "rejected_quantity").order_by("id")),
            Receipt.objects.count(), CostChange.objects.count(),
            list(Sku.objects.values_list("cost_amount", flat=True).order_by("id")))


def test_partial_receipt_books_accepted_units_cost_and_a_rejection_task(po):
    clerk = factories.make_staff("warehouse")
    finance = factories.make_staff("finance")  # the rejected-units task goes to finance
    lines = _lines(po)
    a, b = lines.values()
    receipt = actions.receive_purchase_order(po, actor=clerk, freight_amount=Decimal("12.00"),
                                             lines={
        a.pk: ReceiptLineInput(accepted=6, rejected=1, reject_reason="damaged"),
        b.pk: ReceiptLineInput(accepted=3, short=2),
    })
    po.refresh_from_db()
    assert po.status == PurchaseOrderStatus.PARTLY_RECEIVED
    assert receipt.number == f"{po.number}-R1"
    assert po.freight_amount == Decimal("12.00")
    # freight 12 spread by value: A 6 × 20 = 120, B 3 × 8 = 24 → A 10.00, B 2.00
    landed = dict(ReceiptLine.objects.values_list("line__sku__code", "landed_unit_cost"))
    assert landed == {a.sku.code: Decimal("21.67"), b.sku.code: Decimal("8.67")}
    a.refresh_from_db()
    b.refresh_from_db()
    assert (a.received_quantity, a.rejected_quantity, b.received_quantity) == (6, 1, 3)
    stock = dict(Stock.objects.filter(warehouse=po.warehouse).values_list("sku_id", "on_hand"))
    assert stock == {a.sku_id: 16, b.sku_id: 3}
    moves = StockMovement.objects.filter(reference=po.number, kind=MovementKind.RECEIVE)
    assert sorted(moves.values_list("on_hand_delta", flat=True)) == [3, 6]
    assert ledger_mismatches() == []
    a.sku.refresh_from_db()
    b.sku.refresh_from_db()
    # A: (10 × 40.00 + 6 × 21.67) / 16 = 33.1263 → 33.13; B: nothing on hand → landed
    assert a.sku.cost_amount == Decimal("33.13")
    assert b.sku.cost_amount == Decimal("8.67")
    change = CostChange.objects.get(sku=a.sku)
    assert (change.on_hand_before, change.quantity, change.reference) == (10, 6, po.number)
    task = Task.objects.get(kind=RECEIPT_REJECTED)
    assert task.subject_id == str(receipt.pk) and task.assignee == finance
    assert "1" in task.title


def test_receiving_the_rest_completes_the_po_and_closes_its_overdue_task(po):
    lines = _lines(po)
    a, b = lines.values()
    po.expected_on = timezone.localdate() - timedelta(days=2)
    po.save()
    from zhanggui.suppliers.follow_ups import sweep_overdue_purchase_orders
    assert sweep_overdue_purchase_orders().opened == 1
    assert sweep_overdue_purchase_orders().opened == 0  # idempotent
    actions.receive_purchase_order(po, actor=None, lines={a.pk: ReceiptLineInput(accepted=4)})
    assert Task.objects.get(kind=PO_OVERDUE).status == TaskStatus.OPEN
    actions.receive_purchase_order(po, actor=None, lines={
        a.pk: ReceiptLineInput(accepted=6), b.pk: ReceiptLineInput(accepted=5)})
    po.refresh_from_db()
    assert po.status == PurchaseOrderStatus.RECEIVED and po.received_at
    assert Task.objects.get(kind=PO_OVERDUE).status != TaskStatus.OPEN
    assert not Task.objects.filter(kind=RECEIPT_REJECTED).exists()
    with pytest.raises(PurchaseOrderState):
        actions.cancel_purchase_order(po, reason="too late", actor=None)
    with pytest.raises(PurchaseOrderState):
        actions.receive_purchase_order(po, actor=None, lines={a.pk: ReceiptLineInput(accepted=1)})
    po = actions.close_purchase_order(po, actor=None)
    assert po.status == PurchaseOrderStatus.CLOSED
    assert ledger_mismatches() == []


def test_over_receipt_is_refused_without_the_flag_and_changes_nothing(po):
    a = next(iter(_lines(po).values()))
    before = _snapshot(po)
    with pytest.raises(OverReceipt) as refused:
        actions.receive_purchase_order(po, actor=factories.make_staff("warehouse"),
                                       lines={a.pk: ReceiptLineInput(accepted=11)})
    assert refused.value.code == "over_receipt"
    assert _snapshot(po) == before


def test_over_receipt_needs_the_permission_and_then_books_the_extra_units(po):
    a = next(iter(_lines(po).values()))
    before = _snapshot(po)
    with pytest.raises(OverReceiptNotAllowed):
        actions.receive_purchase_order(po, actor=factories.make_staff("warehouse"),
                                       allow_over_receipt=True,
                                       lines={a.pk: ReceiptLineInput(accepted=12)})
    assert _snapshot(po) == before
    receipt = actions.receive_purchase_order(po, actor=factories.make_staff("finance"),
                                             allow_over_receipt=True,
                                             lines={a.pk: ReceiptLineInput(accepted=12)})
    assert receipt.allow_over_receipt
    a.refresh_from_db()
    assert a.received_quantity == 12 and a.open_quantity == 0
    assert Stock.objects.get(sku=a.sku, warehouse=po.warehouse).on_hand == 22
    po.refresh_from_db()
    assert po.status == PurchaseOrderStatus.PARTLY_RECEIVED  # B still open
    assert ledger_mismatches() == []


@pytest.mark.parametrize("bad", ["no_reason", "bad_reason", "negative", "foreign", "empty",
                                 "nothing", "freight", "freight_no_units"])
def test_bad_receipts_are_refused_and_change_nothing(po, bad):
    a = next(iter(_lines(po).values()))
    other = factories.make_purchase_order(sent=True).lines.get()
    cases = {
        "no_reason": ({a.pk: ReceiptLineInput(accepted=1, rejected=2)}, 0,
                      RejectReasonRequired),
        "bad_reason": ({a.pk: ReceiptLineInput(rejected=2, reject_reason="meh")}, 0,
                       RejectReasonRequired),
        "negative": ({a.pk: ReceiptLineInput(accepted=-1)}, 0, InvalidReceiptLine),
        "foreign": ({other.pk: ReceiptLineInput(accepted=1)}, 0, InvalidReceiptLine),
        "empty": ({}, 0, EmptyReceipt),
        "nothing": ({a.pk: ReceiptLineInput()}, 0, EmptyReceipt),
        "freight": ({a.pk: ReceiptLineInput(accepted=1)}, Decimal("-1"), InvalidFreight),
        "freight_no_units": ({a.pk: ReceiptLineInput(short=3)}, Decimal("5"), InvalidFreight),
    }
    given, freight, error = cases[bad]
    before = _snapshot(po)
    with pytest.raises(error):
        actions.receive_purchase_order(po, actor=None, lines=given, freight_amount=freight)
    assert _snapshot(po) == before


def test_a_draft_cannot_be_received():
    po = factories.make_purchase_order()
    line = po.lines.get()
    with pytest.raises(PurchaseOrderState):
        actions.receive_purchase_order(po, actor=None, lines={line.pk: ReceiptLineInput(1)})
    assert not Receipt.objects.exists()


def test_full_receipts_update_the_lead_time_spread_but_not_the_promise():
    supplier = factories.make_supplier()
    sku = factories.make_sku()
    item = factories.make_supplier_item(supplier, sku, lead_time_days="7.0")
    warehouse = factories.make_warehouse()
    start = timezone.now() - timedelta(days=60)
    for days in (6, 8, 10):  # observed lead times: mean 8, sample std 2.0
        po = factories.make_purchase_order(supplier=supplier, warehouse=warehouse,
                                           lines=[(sku, 1)])
        actions.send_purchase_order(po, actor=None, sent_at=start)
        actions.receive_purchase_order(po, actor=None, received_at=start + timedelta(days=days),
                                       lines={po.lines.get().pk: ReceiptLineInput(1)})
        start += timedelta(days=15)
    item.refresh_from_db()
    assert item.lead_time_std_days == Decimal("2.0")
    assert item.lead_time_days == Decimal("7.0")
    assert SupplierItem.objects.count() == 1


def test_cancelling_a_partly_received_po_keeps_what_was_received(po):
    a = next(iter(_lines(po).values()))
    actions.receive_purchase_order(po, actor=None, lines={a.pk: ReceiptLineInput(accepted=2)})
    po = actions.cancel_purchase_order(po, reason="rest discontinued", actor=None)
    assert po.status == PurchaseOrderStatus.CANCELLED
    assert Stock.objects.get(sku=a.sku, warehouse=po.warehouse).on_hand == 12
    from zhanggui.suppliers.queries import on_order
    assert on_order([a.sku_id]) == {}
