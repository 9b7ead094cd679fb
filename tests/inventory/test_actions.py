import pytest

from tests import factories
from zhanggui.accounts.models import OperationLog
from zhanggui.inventory import actions
from zhanggui.inventory.errors import (
    InsufficientStock,
    InvalidQuantity,
    NegativeStock,
    ReasonRequired,
    ReservationMismatch,
)
from zhanggui.inventory.models import MovementKind, Reservation, Stock, StockMovement
from zhanggui.inventory.queries import ledger_mismatches, list_stock
from zhanggui.inventory.rules import Candidate, choose_stock, sum_demand


@pytest.fixture
def sku(db):
    return factories.make_listed_sku()


@pytest.fixture
def warehouse(db):
    return factories.make_warehouse("330000")


def test_receive_stock_books_a_movement_and_logs(sku, warehouse):
    owner = factories.make_staff("warehouse")
    movement = actions.receive_stock(sku, warehouse=warehouse, quantity=30, reason="PO-7",
                                     actor=owner, reference="po:7")
    stock = Stock.objects.get(sku=sku, warehouse=warehouse)
    assert (stock.on_hand, stock.reserved, stock.available) == (30, 0, 30)
    assert (movement.kind, movement.on_hand_after, movement.actor) == ("receive", 30, owner)
    assert OperationLog.objects.filter(action="inventory.receive_stock", actor=owner).exists()


@pytest.mark.parametrize("quantity", [0, -3, 2.5, True])
def test_receive_stock_rejects_non_positive_quantities(sku, warehouse, quantity):
    with pytest.raises(InvalidQuantity):
        actions.receive_stock(sku, warehouse=warehouse, quantity=quantity, reason="x", actor=None)
    assert not StockMovement.objects.exists()


def test_stock_changes_need_a_reason(sku, warehouse):
    with pytest.raises(ReasonRequired):
        actions.receive_stock(sku, warehouse=warehouse, quantity=1, reason=" ", actor=None)
    with pytest.raises(ReasonRequired):
        actions.adjust_stock(sku, warehouse=warehouse, delta=-1, reason="", actor=None)


def test_adjust_stock_never_goes_below_reserved(sku, warehouse):
    factories.stock_up(sku, warehouse, 10)
    actions.reserve_stock({sku.pk: 6}, reference="order:A", province_code="330000", actor=None)
    with pytest.raises(NegativeStock):
        actions.adjust_stock(sku, warehouse=warehouse, delta=-5, reason="damaged", actor=None)
    movement = actions.adjust_stock(sku, warehouse=warehouse, delta=-4, reason="damaged",
                                    actor=None)
    assert (movement.on_hand_after, movement.reserved_after) == (6, 6)
    assert ledger_mismatches() == []


def test_reserve_stock_is_all_or_nothing(sku, warehouse):
    other = factories.make_listed_sku()
    factories.stock_up(sku, warehouse, 5)
    factories.stock_up(other, warehouse, 1)
    with pytest.raises(InsufficientStock):
        actions.reserve_stock({sku.pk: 2, other.pk: 2}, reference="order:B",
                              province_code="330000", actor=None)
    assert set(Stock.objects.values_list("reserved", flat=True)) == {0}
    assert not Reservation.objects.exists()


def test_reserve_routes_to_the_buyers_region_first(sku):
    hangzhou = factories.make_warehouse("330000")
    guangzhou = factories.make_warehouse("440000")
    factories.stock_up(sku, hangzhou, 50)
    factories.stock_up(sku, guangzhou, 10)
    reservations = actions.reserve_stock({sku.pk: 3}, reference="order:C",
                                         province_code="450000", actor=None)  # 广西 → South
    assert reservations[sku.pk].stock.warehouse == guangzhou
    reservations = actions.reserve_stock({sku.pk: 30}, reference="order:D",
                                         province_code="450000", actor=None)
    assert reservations[sku.pk].stock.warehouse == hangzhou  # the south has too few


def test_release_and_consume_reservations(sku, warehouse):
    factories.stock_up(sku, warehouse, 10)
    actions.reserve_stock({sku.pk: 4}, reference="order:E", province_code="", actor=None)
    actions.release_reservations("order:E", actor=None)
    actions.release_reservations("order:E", actor=None)  # idempotent
    stock = Stock.objects.get()
    assert (stock.on_hand, stock.reserved) == (10, 0)
    actions.reserve_stock({sku.pk: 4}, reference="order:F", province_code="", actor=None)
    actions.consume_reservations("order:F", actor=None)
    stock.refresh_from_db()
    assert (stock.on_hand, stock.reserved, stock.available) == (6, 0, 6)
    with pytest.raises(ReservationMismatch):
        actions.consume_reservations("order:F", actor=None)
    kinds = list(StockMovement.objects.order_by("id").values_list("kind", flat=True))
    assert kinds == [MovementKind.RECEIVE, MovementKind.RESERVE, MovementKind.RELEASE,
                     MovementKind.RESERVE, MovementKind.SHIP]
    assert ledger_mismatches() == []


def test_low_stock_listing_uses_the_threshold(sku, warehouse):
    factories.stock_up(sku, warehouse, 49)
    assert list_stock(low_only=True).count() == 1
    factories.stock_up(sku, warehouse, 1)
    assert list_stock(low_only=True).count() == 0


def test_sum_demand_adds_lines_of_the_same_sku():
    assert sum_demand([(1, 2), (2, 1), (1, 3)]) == {1: 5, 2: 1}


def test_choose_stock_prefers_province_then_region_then_most_available():
    rows = [Candidate(1, 1, 100, same_region=False, same_province=False),
            Candidate(2, 2, 10, same_region=True, same_province=False),
            Candidate(3, 3, 5, same_region=True, same_province=True)]
    assert choose_stock(rows, 5).stock_id == 3
    assert choose_stock(rows, 6).stock_id == 2
    assert choose_stock(rows, 11).stock_id == 1
    assert choose_stock(rows, 101) is None
