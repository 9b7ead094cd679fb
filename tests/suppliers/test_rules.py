"""Pure rules of purchasing: numbers, expected day, landed-cost spread, lead-time spread."""

from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from zhanggui.suppliers import rules


def test_po_numbers_count_per_day():
    day = date(2026, 12, 6)
    assert rules.po_number(day, 1) == "PO-20261206-0001"
    used = ["PO-20261206-0001", "PO-20261206-0007", "PO-20261205-0009", "junk"]
    assert rules.next_po_sequence(used, day) == 8
    assert rules.next_po_sequence([], day) == 1


def test_expected_on_takes_the_longest_lead_time_rounded_up():
    day = date(2026, 1, 30)
    assert rules.expected_on(day, [Decimal("3"), Decimal("7.2")]) == day + timedelta(days=8)
    assert rules.expected_on(day, []) == day


def test_spread_landed_costs_by_value_hand_computed():
    landed = rules.spread_landed_costs(
        {1: (6, Decimal("20.00")), 2: (3, Decimal("8.00")), 3: (0, Decimal("5"))},
        Decimal("12.00"))
    assert landed == {1: Decimal("21.67"), 2: Decimal("8.67")}
    # free samples: spread by units
    assert rules.spread_landed_costs({1: (2, Decimal(0)), 2: (2, Decimal(0))},
                                     Decimal("1.00")) == {1: Decimal("0.25"), 2: Decimal("0.25")}
    assert rules.spread_landed_costs({1: (0, Decimal(1))}, Decimal(0)) == {}
    with pytest.raises(ValueError):
        rules.spread_landed_costs({1: (0, Decimal(1))}, Decimal(1))
    with pytest.raises(ValueError):
        rules.spread_landed_costs({1: (1, Decimal(1))}, Decimal(-1))


@given(st.dictionaries(st.integers(1, 20), st.tuples(
    st.integers(1, 1000), st.decimals(0, 10000, places=2))), st.decimals(0, 5000, places=2))
def test_spread_landed_costs_never_below_cost_and_adds_up_to_the_freight(lines, freight):
    if not lines:
        return
    landed = rules.spread_landed_costs(lines, freight)
    assert all(landed[k] >= cost for k, (_units, cost) in lines.items())
    total = sum(units * landed[k] for k, (units, _cost) in lines.items())
    plain = sum(units * cost for units, cost in lines.values())
    # rounding to the cent per unit: at most half a cent per unit off
    assert abs(total - plain - freight) <= sum(u for u, _c in lines.values()) * Decimal("0.005")


def test_lead_time_spread_is_the_sample_deviation():
    assert rules.lead_time_spread([Decimal(6), Decimal(8), Decimal(10)]) == Decimal("2.0")
    assert rules.lead_time_spread([Decimal(5), Decimal(5)]) == Decimal("0.0")
    assert rules.lead_time_spread([Decimal(5)]) is None


def test_observed_lead_time_days():
    sent = datetime(2026, 1, 1, 12)
    assert rules.observed_lead_time_days(sent, sent + timedelta(days=3, hours=6)) == Decimal(
        "3.3")
    assert rules.observed_lead_time_days(sent, sent - timedelta(days=1)) == Decimal("0.0")


def test_next_status():
    assert rules.next_status([(10, 10), (5, 6)]) == "received"
    assert rules.next_status([(10, 9), (5, 5)]) == "partly_received"
