from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from zhanggui.orders.rules import TRANSITIONS, allocate, can_transition, order_total, price_lines

cents = st.integers(min_value=0, max_value=10**7).map(lambda c: Decimal(c) / 100)
lines = st.lists(st.tuples(st.integers(1, 20), cents), min_size=1, max_size=8)


@given(lines, st.data())
def test_price_lines_allocates_the_discount_exactly_and_never_negative(order_lines, data):
    goods = sum((unit * qty for qty, unit in order_lines), Decimal(0))
    discount = data.draw(st.integers(0, int(goods * 100)).map(lambda c: Decimal(c) / 100))
    priced = price_lines(order_lines, discount)
    assert sum(p.discount_amount for p in priced) == discount
    assert all(p.total_amount >= 0 and p.discount_amount >= 0 for p in priced)
    assert sum(p.total_amount for p in priced) == goods - discount


@given(cents, st.lists(cents, min_size=1, max_size=10))
def test_allocate_sums_exactly(total, weights):
    parts = allocate(total, weights)
    if sum(weights) == 0:
        assert set(parts) == {Decimal(0)}
    else:
        assert sum(parts) == total
        if total <= sum(weights):
            assert all(0 <= p <= w for p, w in zip(parts, weights, strict=True))


def test_price_lines_rejects_discount_above_goods():
    with pytest.raises(ValueError):
        price_lines([(1, Decimal("10.00"))], Decimal("10.01"))
    with pytest.raises(ValueError):
        price_lines([(1, Decimal("10.00"))], Decimal("-1"))


def test_state_machine_paths():
    assert can_transition("pending_payment", "paid")
    assert can_transition("paid", "reviewed")
    assert not can_transition("paid", "shipped")  # review first
    assert not can_transition("shipped", "cancelled")
    assert all(not TRANSITIONS[s] for s in ("completed", "cancelled", "closed"))
    assert order_total(Decimal("100"), Decimal("20"), Decimal("8")) == Decimal("88.00")
