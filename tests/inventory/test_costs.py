"""The moving-average cost (pure rule, hand-computed cases and properties) and
``record_landed_cost``."""

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests import factories
from zhanggui.accounts.models import OperationLog
from zhanggui.inventory import actions
from zhanggui.inventory.errors import InvalidQuantity
from zhanggui.inventory.models import CostChange, WarehouseKind
from zhanggui.inventory.rules import moving_average_cost


@pytest.mark.parametrize(("on_hand", "cost", "quantity", "landed", "expected"), [
    (10, "40.00", 10, "50.00", "45.00"),   # (400 + 500) / 20
    (3, "10.00", 1, "11.00", "10.25"),     # (30 + 11) / 4
    (2, "1.00", 1, "0.00", "0.67"),        # 2 / 3 = 0.666… → 0.67
    (1, "0.01", 2, "0.00", "0.00"),        # 0.01 / 3 = 0.0033 → 0.00
    (0, "40.00", 5, "12.34", "12.34"),     # nothing on hand: the landed cost
    (-4, "40.00", 5, "12.34", "12.34"),    # oversold stock counts as none
])
def test_moving_average_cost_hand_computed(on_hand, cost, quantity, landed, expected):
    assert moving_average_cost(on_hand_before=on_hand, cost_before=Decimal(cost),
                               quantity=quantity, unit_landed_cost=Decimal(landed)
                               ) == Decimal(expected)


money = st.decimals(min_value=0, max_value=100000, places=2, allow_nan=False,
                    allow_infinity=False)


@given(st.integers(-50, 10**6), money, st.integers(1, 10**6), money)
def test_moving_average_cost_lies_between_old_and_new_cost(on_hand, cost, quantity, landed):
    result = moving_average_cost(on_hand_before=on_hand, cost_before=cost, quantity=quantity,
                                 unit_landed_cost=landed)
    assert result >= 0
    assert min(cost, landed) <= result <= max(cost, landed)
    if on_hand <= 0:
        assert result == landed
    assert result == result.quantize(Decimal("0.01"))


def test_moving_average_cost_refuses_no_units_or_negative_costs():
    with pytest.raises(ValueError):
        moving_average_cost(on_hand_before=1, cost_before=Decimal(1), quantity=0,
                            unit_landed_cost=Decimal(1))
    with pytest.raises(ValueError):
        moving_average_cost(on_hand_before=1, cost_before=Decimal(1), quantity=1,
                            unit_landed_cost=Decimal(-1))


@pytest.mark.django_db
def test_record_landed_cost_averages_over_stock_of_all_own_warehouses():
    sku = factories.make_sku(cost="40.00")
    factories.stock_up(sku, factories.make_warehouse(), 6)
    factories.stock_up(sku, factories.make_warehouse(), 4)
    drop = factories.make_warehouse()
    drop.kind = WarehouseKind.DROP_SHIP
    drop.save()
    factories.stock_up(sku, drop, 100)  # the supplier's units: not in the average
    buyer = factories.make_staff("finance")
    change = actions.record_landed_cost(sku, quantity=10, unit_landed_cost=Decimal("50.00"),
                                        reference="PO-1", actor=buyer)
    sku.refresh_from_db()
    assert sku.cost_amount == Decimal("45.00")
    assert (change.on_hand_before, change.cost_before, change.cost_after) == (
        10, Decimal("40.00"), Decimal("45.00"))
    assert change.reference == "PO-1" and change.actor == buyer
    assert OperationLog.objects.filter(action="catalog.update_sku", object_id=str(sku.pk),
                                       actor=buyer).exists()


@pytest.mark.django_db
def test_record_landed_cost_with_nothing_on_hand_takes_the_landed_cost():
    sku = factories.make_sku(cost="40.00")
    actions.record_landed_cost(sku, quantity=3, unit_landed_cost=Decimal("31.5"),
                               reference="PO-2", actor=None)
    sku.refresh_from_db()
    assert sku.cost_amount == Decimal("31.50")
    with pytest.raises(InvalidQuantity):
        actions.record_landed_cost(sku, quantity=0, unit_landed_cost=Decimal("1"),
                                   reference="PO-3", actor=None)
    assert CostChange.objects.count() == 1
