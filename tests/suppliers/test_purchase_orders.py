"""Purchase orders: creation, draft edits, send, close, cancel, and the queries
replenishment uses."""

from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest
from django.db import transaction
from django.utils import timezone

from tests import factories
from zhanggui.accounts.models import OperationLog
from zhanggui.inventory.models import WarehouseKind
from zhanggui.suppliers import actions, queries
from zhanggui.suppliers.errors import (
    CancelReasonRequired,
    DuplicatePurchaseLine,
    EmptyPurchaseOrder,
    InvalidOrderQuantity,
    InvalidUnitCost,
    NotSuppliedBySupplier,
    PurchaseOrderState,
    SupplierInactive,
    WarehouseNotReceiving,
)
from zhanggui.suppliers.models import (
    PurchaseOrder,
    PurchaseOrderSource,
    PurchaseOrderStatus,
    SupplyPolicy,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def setup():
    supplier = factories.make_supplier()
    sku_a, sku_b = factories.make_sku(), factories.make_sku()
    factories.make_supplier_item(supplier, sku_a, unit_cost="12.50", lead_time_days="5.0")
    factories.make_supplier_item(supplier, sku_b, unit_cost="3.00", lead_time_days="9.5")
    return supplier, sku_a, sku_b, factories.make_warehouse()


def test_create_purchase_order_makes_a_numbered_draft_with_the_items_costs(setup):
    supplier, sku_a, sku_b, warehouse = setup
    buyer = factories.make_staff("operator")
    po = actions.create_purchase_order(supplier, warehouse=warehouse,
                                       lines=[(sku_a, 10), (sku_b, 4)], actor=buyer,
                                       note="spring", unit_costs={sku_b.pk: Decimal("2.8")})
    assert po.status == PurchaseOrderStatus.DRAFT
    assert po.source == PurchaseOrderSource.MANUAL
    assert po.number == f"PO-{timezone.localdate():%Y%m%d}-0001"
    assert po.created_by == buyer
    costs = {line.sku_id: (line.quantity, line.unit_cost) for line in po.lines.all()}
    assert costs == {sku_a.pk: (10, Decimal("12.50")), sku_b.pk: (4, Decimal("2.80"))}
    assert OperationLog.objects.filter(action="suppliers.create_purchase_order",
                                       object_id=str(po.pk), actor=buyer).exists()
    second = actions.create_purchase_order(supplier, warehouse=warehouse, lines=[(sku_a, 1)],
                                           actor=None, source=PurchaseOrderSource.REPLENISHMENT)
    assert second.number == f"PO-{timezone.localdate():%Y%m%d}-0002"


@pytest.mark.parametrize("bad", ["zero", "negative", "bool", "empty", "duplicate", "unknown",
                                 "cost"])
def test_create_purchase_order_refuses_bad_lines_and_changes_nothing(setup, bad):
    supplier, sku_a, _sku_b, warehouse = setup
    other = factories.make_sku()
    cases = {
        "zero": ([(sku_a, 0)], None, InvalidOrderQuantity),
        "negative": ([(sku_a, -2)], None, InvalidOrderQuantity),
        "bool": ([(sku_a, True)], None, InvalidOrderQuantity),
        "empty": ([], None, EmptyPurchaseOrder),
        "duplicate": ([(sku_a, 1), (sku_a, 2)], None, DuplicatePurchaseLine),
        "unknown": ([(sku_a, 1), (other, 2)], None, NotSuppliedBySupplier),
        "cost": ([(sku_a, 1)], {sku_a.pk: Decimal("-1")}, InvalidUnitCost),
    }
    lines, costs, error = cases[bad]
    with pytest.raises(error):
        actions.create_purchase_order(supplier, warehouse=warehouse, lines=lines, actor=None,
                                      unit_costs=costs)
    assert not PurchaseOrder.objects.exists()


def test_create_purchase_order_refuses_inactive_supplier_and_drop_ship_warehouse(setup):
    supplier, sku_a, _sku_b, warehouse = setup
    drop = factories.make_warehouse()
    drop.kind = WarehouseKind.DROP_SHIP
    drop.save()
    with pytest.raises(WarehouseNotReceiving):
        actions.create_purchase_order(supplier, warehouse=drop, lines=[(sku_a, 1)], actor=None)
    supplier.is_active = False
    supplier.save()
    with pytest.raises(SupplierInactive):
        actions.create_purchase_order(supplier, warehouse=warehouse, lines=[(sku_a, 1)],
                                      actor=None)
    assert not PurchaseOrder.objects.exists()


def test_draft_lines_can_be_replaced_but_not_after_sending(setup):
    supplier, sku_a, sku_b, warehouse = setup
    po = actions.create_purchase_order(supplier, warehouse=warehouse, lines=[(sku_a, 10)],
                                       actor=None, unit_costs={sku_a.pk: Decimal("11.00")})
    actions.update_purchase_order_lines(po, lines=[(sku_a, 6), (sku_b, 2)], actor=None)
    costs = {line.sku_id: (line.quantity, line.unit_cost) for line in po.lines.all()}
    assert costs == {sku_a.pk: (6, Decimal("11.00")), sku_b.pk: (2, Decimal("3.00"))}
    actions.send_purchase_order(po, actor=None)
    with pytest.raises(PurchaseOrderState):
        actions.update_purchase_order_lines(po, lines=[(sku_a, 1)], actor=None)
    assert po.lines.count() == 2


def test_send_sets_sent_at_and_expected_on_from_the_longest_lead_time(setup):
    supplier, sku_a, sku_b, warehouse = setup
    po = actions.create_purchase_order(supplier, warehouse=warehouse,
                                       lines=[(sku_a, 1), (sku_b, 1)], actor=None)
    sent_at = timezone.make_aware(datetime(2026, 3, 1, 10, 0))
    po = actions.send_purchase_order(po, actor=None, sent_at=sent_at)
    assert po.status == PurchaseOrderStatus.SENT
    assert po.sent_at == sent_at
    assert po.expected_on == date(2026, 3, 1) + timedelta(days=10)  # 9.5 days, rounded up
    with pytest.raises(PurchaseOrderState):
        actions.send_purchase_order(po, actor=None)


def test_cancel_needs_a_reason_and_an_open_state(setup):
    supplier, sku_a, _sku_b, warehouse = setup
    po = actions.create_purchase_order(supplier, warehouse=warehouse, lines=[(sku_a, 1)],
                                       actor=None)
    with pytest.raises(CancelReasonRequired):
        actions.cancel_purchase_order(po, reason="  ", actor=None)
    po.refresh_from_db()
    assert po.status == PurchaseOrderStatus.DRAFT
    po = actions.cancel_purchase_order(po, reason="supplier out of stock", actor=None)
    assert po.status == PurchaseOrderStatus.CANCELLED and po.cancelled_at
    assert po.cancel_reason == "supplier out of stock"
    with pytest.raises(PurchaseOrderState):
        actions.cancel_purchase_order(po, reason="again", actor=None)
    with pytest.raises(PurchaseOrderState):
        actions.close_purchase_order(po, actor=None)


def test_close_refuses_drafts(setup):
    supplier, sku_a, _sku_b, warehouse = setup
    po = actions.create_purchase_order(supplier, warehouse=warehouse, lines=[(sku_a, 1)],
                                       actor=None)
    with pytest.raises(PurchaseOrderState):
        actions.close_purchase_order(po, actor=None)


def test_reading_the_policy_gives_the_defaults_and_writes_nothing():
    assert not SupplyPolicy.objects.exists()
    assert queries.get_policy().service_level == Decimal("0.950")
    assert not SupplyPolicy.objects.exists()


def test_lock_policy_creates_the_row_once():
    with transaction.atomic():
        policy = queries.lock_policy()
    with transaction.atomic():
        assert queries.lock_policy().pk == policy.pk
    assert SupplyPolicy.objects.count() == 1
    assert queries.get_policy().pk == policy.pk


def test_preferred_items_picks_preferred_then_cheapest_active():
    sku, lonely, none = factories.make_sku(), factories.make_sku(), factories.make_sku()
    cheap, dear, off = (factories.make_supplier(), factories.make_supplier(),
                        factories.make_supplier(is_active=False))
    factories.make_supplier_item(cheap, sku, unit_cost="5.00", is_preferred=False)
    preferred = factories.make_supplier_item(dear, sku, unit_cost="9.00", is_preferred=True)
    factories.make_supplier_item(off, none, unit_cost="1.00")
    only = factories.make_supplier_item(cheap, lonely, unit_cost="7.00", is_preferred=False)
    chosen = queries.preferred_items([sku.pk, lonely.pk, none.pk])
    assert chosen == {sku.pk: preferred, lonely.pk: only}
    assert queries.preferred_items([]) == {}


def test_on_order_counts_open_units_of_open_purchase_orders(setup):
    supplier, sku_a, sku_b, warehouse = setup
    other_wh = factories.make_warehouse()
    draft = actions.create_purchase_order(supplier, warehouse=warehouse,
                                          lines=[(sku_a, 10), (sku_b, 3)], actor=None)
    sent = actions.create_purchase_order(supplier, warehouse=warehouse, lines=[(sku_a, 5)],
                                         actor=None)
    actions.send_purchase_order(sent, actor=None)
    elsewhere = actions.create_purchase_order(supplier, warehouse=other_wh, lines=[(sku_a, 7)],
                                              actor=None)
    cancelled = actions.create_purchase_order(supplier, warehouse=warehouse, lines=[(sku_b, 50)],
                                              actor=None)
    actions.cancel_purchase_order(cancelled, reason="no", actor=None)
    line = draft.lines.get(sku=sku_a)
    line.received_quantity = 4  # as a partial receipt leaves it
    line.save()
    assert queries.on_order([sku_a.pk, sku_b.pk], [warehouse.pk]) == {
        (sku_a.pk, warehouse.pk): 6 + 5, (sku_b.pk, warehouse.pk): 3}
    assert queries.on_order([sku_a.pk])[(sku_a.pk, other_wh.pk)] == 7
    assert elsewhere.status == PurchaseOrderStatus.DRAFT
    assert queries.on_order([]) == {}
