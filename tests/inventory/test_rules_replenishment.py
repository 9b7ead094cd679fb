"""Replenishment rules against hand-computed cases, and their properties (hypothesis)."""

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from zhanggui.inventory import rules_replenishment as rules
from zhanggui.suppliers.rules_replenishment import supplier_quantity

# d = 10/day, σ_d = 3, L = 4 days, σ_L = 1 day, 95 %: √(4·9 + 100·1) = √136 = 11.6619;
# z = 1.6449 → safety stock 19.182 → 20 units; reorder point 40 + 19.182 = 59.18 → 60.
CASE = {"d": 10, "sigma_d": 3, "lead_days": 4, "lead_std_days": 1}


def test_service_z_is_the_normal_quantile():
    assert rules.service_z(0.95) == pytest.approx(1.6449, abs=1e-4)
    assert rules.service_z(0.99) == pytest.approx(2.3263, abs=1e-4)


@pytest.mark.parametrize("level", [0.5, 1, 0.2, 1.2])
def test_service_z_refuses_levels_outside_half_to_one(level):
    with pytest.raises(ValueError):
        rules.service_z(level)


def test_safety_stock_and_reorder_point_hand_computed():
    assert rules.lead_time_demand_std(**CASE) == pytest.approx(math.sqrt(136))
    assert rules.safety_stock(0.95, **CASE) == pytest.approx(19.182, abs=1e-3)
    assert rules.reorder_point(0.95, **CASE) == pytest.approx(59.182, abs=1e-3)


def test_safety_stock_without_lead_time_spread():
    # d = 2, σ_d = 1, L = 9, σ_L = 0 at 90 %: z 1.2816 × √9 = 3.845
    assert rules.safety_stock(0.9, d=2, sigma_d=1, lead_days=9, lead_std_days=0) == \
        pytest.approx(3.845, abs=1e-3)


def test_plan_hand_computed():
    result = rules.plan(available=30, on_order=10, service_level=0.95, review_days=7, **CASE)
    assert (result.safety_stock, result.reorder_point, result.position) == (20, 60, 40)
    assert result.is_due
    assert result.order_quantity == 60 + 70 - 40  # up to the reorder point + 7 days' demand
    assert result.days_of_supply == pytest.approx(3.0)  # available only, not on order
    assert result.stockout_risk == pytest.approx(0.5)  # position = expected lead-time demand


def test_plan_with_position_above_reorder_point_orders_nothing():
    result = rules.plan(available=61, on_order=0, service_level=0.95, review_days=7, **CASE)
    assert not result.is_due and result.order_quantity == 0
    assert result.stockout_risk == pytest.approx(0.0359, abs=1e-4)  # P(Z > 21 / 11.66 = 1.80)


def test_plan_at_the_reorder_point_is_due():
    result = rules.plan(available=60, on_order=0, service_level=0.95, review_days=7, **CASE)
    assert result.is_due and result.order_quantity == 70


def test_no_demand_is_never_due_and_lasts_for_ever():
    result = rules.plan(available=0, on_order=0, d=0, sigma_d=0, lead_days=5, lead_std_days=1,
                        service_level=0.95, review_days=7)
    assert not result.is_due and result.order_quantity == 0
    assert result.days_of_supply is None and result.stockout_risk == 0


def test_stockout_risk_without_any_spread_is_certain_or_nil():
    assert rules.stockout_risk(position=5, d=2, sigma_d=0, lead_days=3, lead_std_days=0) == 1
    assert rules.stockout_risk(position=6, d=2, sigma_d=0, lead_days=3, lead_std_days=0) == 0


def test_oversold_stock_counts_in_the_position():
    result = rules.plan(available=-5, on_order=0, service_level=0.95, review_days=7, **CASE)
    assert result.position == -5 and result.order_quantity == 60 + 70 + 5
    assert result.days_of_supply == 0


@pytest.mark.parametrize(("units", "moq", "pack", "expected"), [
    (13, 20, 6, 24), (90, 50, 12, 96), (96, 1, 12, 96), (1, 1, 1, 1), (0, 50, 12, 0),
    (5, 7, 1, 7),
])
def test_supplier_quantity_rounds_to_packs_and_moq(units, moq, pack, expected):
    assert supplier_quantity(units, moq=moq, pack_size=pack) == expected


# ---- properties -------------------------------------------------------------------------

levels = st.floats(min_value=0.501, max_value=0.999)
demand = st.floats(min_value=0, max_value=500)
spread = st.floats(min_value=0, max_value=100)
lead = st.floats(min_value=0, max_value=120)
units = st.integers(min_value=-50, max_value=100_000)


@given(levels, levels, demand, spread, lead, spread)
def test_a_higher_service_level_never_lowers_safety_stock_or_reorder_point(
        low, high, d, sigma_d, lead_days, lead_std_days):
    low, high = sorted((low, high))
    figures = {"d": d, "sigma_d": sigma_d, "lead_days": lead_days, "lead_std_days": lead_std_days}
    assert rules.safety_stock(high, **figures) >= rules.safety_stock(low, **figures)
    assert rules.reorder_point(high, **figures) >= rules.reorder_point(low, **figures)
    kept = {"available": 0, "on_order": 0, "review_days": 7}
    assert rules.plan(service_level=high, **kept, **figures).safety_stock >= \
        rules.plan(service_level=low, **kept, **figures).safety_stock
    assert rules.plan(service_level=high, **kept, **figures).reorder_point >= \
        rules.plan(service_level=low, **kept, **figures).reorder_point


@given(units, st.integers(0, 10_000), demand, spread, lead, spread, levels,
       st.integers(0, 60), st.integers(1, 500), st.integers(1, 144))
def test_order_quantity_is_whole_packs_at_least_the_moq_and_zero_when_covered(
        available, on_order, d, sigma_d, lead_days, lead_std_days, level, review_days, moq,
        pack):
    result = rules.plan(available=available, on_order=on_order, d=d, sigma_d=sigma_d,
                        lead_days=lead_days, lead_std_days=lead_std_days, service_level=level,
                        review_days=review_days)
    quantity = supplier_quantity(result.order_quantity, moq=moq, pack_size=pack)
    assert quantity % pack == 0
    assert quantity == 0 or quantity >= moq
    assert quantity >= result.order_quantity
    if result.position > result.reorder_point:
        assert result.order_quantity == 0 and quantity == 0
    elif result.is_due:
        # the order brings the position to at least the reorder point
        assert result.position + result.order_quantity >= result.reorder_point
    assert 0 <= result.stockout_risk <= 1
