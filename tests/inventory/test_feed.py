"""The supplier's stock feed: available follows the feed, the ledger explains it, a bad row
changes nothing, only drop-ship warehouses and only the supplier's own."""

import pytest

from tests import factories
from tests.fulfillment.dropship_support import (
    drop_ship_order,
    drop_ship_supplier,
    supplied_sku,
    supplier_account,
)
from zhanggui.inventory.errors import FeedRejected, NotDropShipWarehouse, NotYourWarehouse
from zhanggui.inventory.feed import sync_stock_feed
from zhanggui.inventory.models import Stock, StockFeedRun, StockMovement
from zhanggui.inventory.queries import ledger_mismatches
from zhanggui.inventory.rules_feed import FeedRow, check_rows, parse_quantity

pytestmark = pytest.mark.django_db


def _stock(sku, warehouse) -> Stock:
    return Stock.objects.get(sku=sku, warehouse=warehouse)


def test_a_good_feed_sets_available_keeps_reservations_and_the_ledger_explains_it():
    supplier = drop_ship_supplier()
    warehouse = supplier.warehouse
    reserved_sku = supplied_sku(supplier, units=10)
    drop_ship_order(supplier, quantity=3, sku=reserved_sku)  # 3 reserved
    unchanged = supplied_sku(supplier, units=7)
    new_sku = factories.make_listed_sku()  # no stock row there yet

    run = sync_stock_feed(warehouse, rows={reserved_sku.code: 20, unchanged.code: 7,
                                           new_sku.code: 4}, source="api", actor=None)

    stock = _stock(reserved_sku, warehouse)
    assert (stock.on_hand, stock.reserved, stock.available) == (23, 3, 20)
    assert _stock(new_sku, warehouse).available == 4
    assert _stock(unchanged, warehouse).on_hand == 7
    assert (run.rows, run.changed, run.errors) == (3, 2, [])
    assert set(StockMovement.objects.filter(reference=f"FEED-{run.pk}")
               .values_list("kind", flat=True)) == {"feed"}
    warehouse.refresh_from_db()
    assert warehouse.feed_synced_at == run.synced_at
    assert ledger_mismatches() == []


def test_a_feed_of_zero_empties_what_is_not_reserved():
    supplier = drop_ship_supplier()
    sku = supplied_sku(supplier, units=10)
    drop_ship_order(supplier, quantity=2, sku=sku)
    sync_stock_feed(supplier.warehouse, rows={sku.code: 0}, actor=None)
    stock = _stock(sku, supplier.warehouse)
    assert (stock.on_hand, stock.reserved, stock.available) == (2, 2, 0)
    assert ledger_mismatches() == []


def test_bad_rows_are_reported_with_their_lines_and_nothing_is_applied():
    supplier = drop_ship_supplier()
    good = supplied_sku(supplier, units=5)
    other = supplied_sku(supplier, units=5)
    rows = [FeedRow(2, good.code, "9"), FeedRow(3, "NO-SUCH-SKU", "1"),
            FeedRow(4, other.code, "-1"), FeedRow(5, good.code, "3"), FeedRow(6, other.code, "1.5")]

    with pytest.raises(FeedRejected) as rejected:
        sync_stock_feed(supplier.warehouse, rows=rows, source="csv", actor=None)

    assert [e["line"] for e in rejected.value.errors] == [3, 4, 5, 6]
    assert _stock(good, supplier.warehouse).on_hand == 5
    assert _stock(other, supplier.warehouse).on_hand == 5
    supplier.warehouse.refresh_from_db()
    assert supplier.warehouse.feed_synced_at is None
    run = StockFeedRun.objects.get()
    assert run.changed == 0 and len(run.errors) == 4
    assert not StockMovement.objects.filter(kind="feed").exists()


def test_only_drop_ship_warehouses_take_a_feed():
    sku = factories.make_listed_sku()
    with pytest.raises(NotDropShipWarehouse):
        sync_stock_feed(factories.make_warehouse(), rows={sku.code: 1}, actor=None)


def test_a_supplier_account_syncs_only_its_own_warehouse():
    mine, theirs = drop_ship_supplier(), drop_ship_supplier()
    account = supplier_account(mine)
    sku = supplied_sku(theirs, units=5)
    with pytest.raises(NotYourWarehouse):
        sync_stock_feed(theirs.warehouse, rows={sku.code: 1}, actor=account)
    assert _stock(sku, theirs.warehouse).on_hand == 5
    sync_stock_feed(mine.warehouse, rows={sku.code: 1}, actor=account)
    assert _stock(sku, mine.warehouse).on_hand == 1


def test_quantities_are_whole_numbers_from_zero():
    assert [parse_quantity(v) for v in (0, 3, "4", " 5 ", "6.0")] == [0, 3, 4, 5, 6]
    assert [parse_quantity(v) for v in (-1, "1.5", 1.5, "abc", "", True, None, "1e99",
                                        "NaN")] == [None] * 9
    quantities, errors = check_rows([FeedRow(1, "", "1"), FeedRow(2, "A", "2")], {"A"})
    assert quantities == {"A": 2} and [e.line for e in errors] == [1]
