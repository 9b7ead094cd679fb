"""The reorder list (hand-computed rows, what is listed and what is not) and drafting
purchase orders from it (one per supplier × warehouse, no double drafts, refusals change
nothing)."""

from decimal import Decimal

import pytest

from tests import factories
from tests.suppliers.replenishment_support import make_fit
from zhanggui.accounts.models import OperationLog
from zhanggui.inventory.models import ForecastFit, Stock, WarehouseKind
from zhanggui.suppliers import actions
from zhanggui.suppliers.models import PurchaseOrder, PurchaseOrderSource, PurchaseOrderStatus
from zhanggui.suppliers.replenishment import count_to_reorder, reorder_list
from zhanggui.suppliers.replenishment_drafts import (
    AlreadyInDraft,
    EmptyReorderSelection,
    NoSupplierItem,
    NotToReorder,
    draft_purchase_orders,
    parse_selection,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def store():
    """SKU a: d 10/day σ 3, supplier A (L 4 ± 1 days, MOQ 50, packs of 12, ¥12.50), 30
    available and 10 on a sent PO in the main warehouse → reorder point 60, due."""
    main, second = factories.make_warehouse(code="MAIN"), factories.make_warehouse(code="SECOND")
    supplier_a = factories.make_supplier(code="A-SUP")
    supplier_b = factories.make_supplier(code="B-SUP")
    sku_a, sku_b, lonely = factories.make_sku(), factories.make_sku(), factories.make_sku()
    factories.make_supplier_item(supplier_a, sku_a, unit_cost="12.50", lead_time_days="4.0",
                                 lead_time_std_days=Decimal("1.0"), moq=50, pack_size=12)
    factories.make_supplier_item(supplier_b, sku_b, unit_cost="3.00", lead_time_days="7.0")
    factories.stock_up(sku_a, main, 30)
    factories.make_purchase_order(supplier=supplier_a, warehouse=main, lines=[(sku_a, 10)],
                                  sent=True)
    make_fit(sku_a, main, d=10, sigma=3)
    make_fit(sku_a, None, d=15, sigma=4)  # all warehouses together: not a reorder row
    make_fit(sku_b, main, d=2, sigma=1)  # nothing in stock: due
    make_fit(sku_b, second, d=1, sigma=0.5)
    factories.stock_up(sku_b, second, 100)  # plenty: not due
    make_fit(lonely, main, d=1, sigma=1)  # no supplier
    return {"main": main, "second": second, "a": supplier_a, "b": supplier_b, "sku_a": sku_a,
            "sku_b": sku_b, "lonely": lonely}


def _rows(listing):
    return {(row.sku_id, row.warehouse_id): row for row in listing.rows}


def test_reorder_row_hand_computed(store):
    listing = reorder_list()
    row = _rows(listing)[(store["sku_a"].pk, store["main"].pk)]
    assert (row.available, row.on_order) == (30, 10)
    assert (row.safety_stock, row.reorder_point) == (20, 60)
    # up to 60 + 7 days × 10 = 130 from a position of 40: 90, in packs of 12 → 96 (≥ MOQ 50)
    assert (row.needed_quantity, row.suggested_quantity) == (90, 96)
    assert row.unit_cost == Decimal("12.50") and row.line_value == Decimal("1200.00")
    assert row.days_of_supply == pytest.approx(3.0)
    assert row.stockout_risk == pytest.approx(0.5)
    assert (row.supplier_code, row.lead_days, row.lead_std_days) == ("A-SUP", 4.0, 1.0)


def test_only_due_rows_grouped_by_supplier_and_no_supplier_apart(store):
    listing = reorder_list()
    assert [group.supplier_code for group in listing.groups] == ["A-SUP", "B-SUP"]
    assert [(r.sku_id, r.warehouse_id) for r in listing.groups[1].rows] == [
        (store["sku_b"].pk, store["main"].pk)]  # the second warehouse holds plenty
    assert [row.sku_id for row in listing.no_supplier] == [store["lonely"].pk]
    assert listing.groups[0].total_value == Decimal("1200.00")
    assert listing.rows_checked == 4  # warehouse fits only
    assert count_to_reorder() == 2  # the row without a supplier cannot be drafted


def test_drop_ship_warehouses_and_zero_demand_are_not_reordered(store):
    drop = factories.make_warehouse(code="DROP")
    drop.kind = WarehouseKind.DROP_SHIP
    drop.save()
    make_fit(store["sku_a"], drop, d=50, sigma=5)
    idle = factories.make_sku()
    factories.make_supplier_item(store["a"], idle)
    make_fit(idle, store["main"], d=0, sigma=0)
    keys = set(_rows(reorder_list()))
    assert (store["sku_a"].pk, drop.pk) not in keys and (idle.pk, store["main"].pk) not in keys


def test_warehouses_not_carrying_the_sku_and_drop_shipped_skus_are_not_reordered(store):
    # A forecast where the warehouse has no stock row (a few units once left from there).
    stray = ForecastFit.objects.get(sku=store["sku_b"], warehouse=store["main"])
    Stock.objects.filter(sku=store["sku_b"], warehouse=store["main"]).delete()
    assert (stray.sku_id, stray.warehouse_id) not in _rows(reorder_list())
    # A SKU a drop-ship supplier ships from its own stock is never bought in.
    drop = factories.make_warehouse(code="DSW")
    drop.kind = WarehouseKind.DROP_SHIP
    drop.save()
    shipper = factories.make_supplier(code="DS-SUP", warehouse=drop)
    dropped = factories.make_sku()
    factories.make_supplier_item(shipper, dropped)
    make_fit(dropped, store["main"], d=5, sigma=1)
    assert (dropped.pk, store["main"].pk) not in _rows(reorder_list())
    assert [group.supplier_code for group in reorder_list().groups] == ["A-SUP"]


def test_a_higher_service_level_lists_at_least_as_much(store):
    from zhanggui.suppliers.queries import get_policy

    before = reorder_list().groups[0].rows[0].reorder_point
    policy = get_policy()
    policy.service_level = Decimal("0.990")
    policy.save()
    assert reorder_list().groups[0].rows[0].reorder_point > before


def test_draft_purchase_orders_one_per_supplier_and_warehouse(store):
    owner = factories.make_staff("owner")
    factories.make_supplier_item(store["a"], store["lonely"], moq=1, pack_size=1)
    make_fit(store["lonely"], store["second"], d=3, sigma=1)
    listing = reorder_list()
    selection = [(row.sku_id, row.warehouse_id) for row in listing.rows]
    assert len(selection) == 4
    drafts = draft_purchase_orders(selection, actor=owner)
    assert [(po.supplier.code, po.warehouse.code) for po in drafts] == [
        ("A-SUP", "MAIN"), ("A-SUP", "SECOND"), ("B-SUP", "MAIN")]
    for po in drafts:
        assert po.status == PurchaseOrderStatus.DRAFT
        assert po.source == PurchaseOrderSource.REPLENISHMENT and po.created_by == owner
    lines = {(line.sku_id, line.purchase_order.warehouse_id): line.quantity
             for po in drafts for line in po.lines.select_related("purchase_order")}
    assert lines[(store["sku_a"].pk, store["main"].pk)] == 96
    assert OperationLog.objects.filter(action="suppliers.create_purchase_order",
                                       actor=owner).count() == 3
    # drafted units are on order: the rows leave the list
    assert reorder_list().count == 0 and count_to_reorder() == 0


def test_no_double_drafts(store):
    pair = (store["sku_b"].pk, store["main"].pk)
    draft_purchase_orders([pair], actor=None)
    with pytest.raises(AlreadyInDraft) as refused:
        draft_purchase_orders([pair, (store["sku_a"].pk, store["main"].pk)], actor=None)
    assert "PO-" in str(refused.value)
    assert PurchaseOrder.objects.filter(status="draft").count() == 1


def test_a_row_on_a_draft_is_listed_with_the_draft_when_still_due(store):
    # a draft too small to cover the reorder point: the row stays, naming the draft
    draft = actions.create_purchase_order(store["b"], warehouse=store["main"],
                                          lines=[(store["sku_b"], 1)], actor=None)
    row = _rows(reorder_list())[(store["sku_b"].pk, store["main"].pk)]
    assert row.draft_number == draft.number and not row.is_selectable


@pytest.mark.parametrize("case", ["not_due", "no_supplier", "empty", "unknown"])
def test_refusals_change_nothing(store, case):
    pairs = {"not_due": [(store["sku_b"].pk, store["second"].pk)],
             "no_supplier": [(store["sku_b"].pk, store["main"].pk),
                             (store["lonely"].pk, store["main"].pk)],
             "empty": [], "unknown": [(987654, store["main"].pk)]}[case]
    error = {"not_due": NotToReorder, "no_supplier": NoSupplierItem,
             "empty": EmptyReorderSelection, "unknown": NotToReorder}[case]
    before = PurchaseOrder.objects.count(), OperationLog.objects.count()
    with pytest.raises(error):
        draft_purchase_orders(pairs, actor=None)
    assert (PurchaseOrder.objects.count(), OperationLog.objects.count()) == before


def test_parse_selection():
    assert parse_selection(["1:2", "3:4", "1:2"]) == [(1, 2), (3, 4)]
    with pytest.raises(EmptyReorderSelection):
        parse_selection(["1-2"])


def test_the_list_takes_a_bounded_number_of_queries(store, django_assert_max_num_queries):
    for _n in range(20):
        sku = factories.make_sku()
        factories.make_supplier_item(store["b"], sku)
        make_fit(sku, store["main"], d=5, sigma=2)
        make_fit(sku, store["second"], d=5, sigma=2)
    with django_assert_max_num_queries(10):
        listing = reorder_list()
    assert listing.count == 43
