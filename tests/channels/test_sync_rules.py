"""The allocation rule (``channels.rules_sync``): examples, then the invariants over any
stock and any rules (hypothesis)."""

from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from zhanggui.channels.rules_sync import Rule, allocate, capped, is_slow, wanted


def rule(channel_id, percent="1", fixed=0, lo=0, hi=None, reserved=False, guard=0) -> Rule:
    return Rule(channel_id=channel_id, percent=Decimal(percent), fixed=fixed, min_quantity=lo,
                max_quantity=hi, reserved=reserved, guard_units=guard)


def test_percent_is_floored_then_fixed_added_and_clamped():
    assert wanted(rule(1, "0.6"), 99) == 59
    assert wanted(rule(1, "0.6", fixed=-10), 99) == 49
    assert wanted(rule(1, "0.6", hi=30), 99) == 30
    assert wanted(rule(1, "0", lo=5), 0) == 5  # min may exceed the pool: capped later
    assert capped(5, 0, 0) == 0 and capped(-3, 10, 0) == 0 and capped(8, 10, 4) == 6


def test_reserved_first_then_shared_pool():
    # 50 units: JD reserves 10, Taobao shares 60 % of the 40 left, Douyin all of them.
    got = allocate(50, [rule(1, "0.6"), rule(2, "0", fixed=10, reserved=True), rule(3, "1")])
    assert got == {2: 10, 1: 24, 3: 40}


def test_reserved_pools_served_in_channel_order_never_past_the_stock():
    got = allocate(30, [rule(5, "0", fixed=20, reserved=True), rule(2, "0", fixed=25, reserved=True),
                        rule(9, "1")])
    assert got == {2: 25, 5: 5, 9: 0}


def test_minimum_never_lifts_above_the_pool():
    assert allocate(3, [rule(1, "0.5", lo=10)]) == {1: 3}
    assert allocate(0, [rule(1, "0.5", lo=10), rule(2, "0", lo=2, reserved=True)]) == {1: 0, 2: 0}


def test_oversell_guard_holds_back_the_last_units_of_a_slow_channel():
    slow = rule(1, "1", guard=3)
    assert allocate(100, [slow]) == {1: 97}
    assert allocate(5, [slow]) == {1: 2}
    assert allocate(3, [slow]) == {1: 0}
    assert allocate(2, [rule(1, "0.5", guard=3)]) == {1: 0}
    # The guard is on the pool, not on the rule's share: 60 % of 100 stays 60.
    assert allocate(100, [rule(1, "0.6", guard=3)]) == {1: 60}


def test_negative_stock_counts_as_none():
    assert allocate(-4, [rule(1, "1", fixed=5), rule(2, "1", reserved=True)]) == {1: 0, 2: 0}


def test_slow_means_at_least_the_setting():
    assert is_slow(5, 5) and is_slow(30, 5) and not is_slow(4, 5)


percents = st.decimals(min_value=0, max_value=1, places=4)
rules_strategy = st.lists(
    st.builds(lambda percent, fixed, lo, span, reserved, guard: (percent, fixed, lo, span, reserved, guard),
              percents, st.integers(-50, 50), st.integers(0, 40), st.none() | st.integers(0, 200),
              st.booleans(), st.integers(0, 10)),
    min_size=1, max_size=6)


def build(specs) -> list[Rule]:
    return [Rule(channel_id=i + 1, percent=p, fixed=f, min_quantity=lo,
                 max_quantity=None if span is None else lo + span, reserved=r, guard_units=g)
            for i, (p, f, lo, span, r, g) in enumerate(specs)]


@settings(max_examples=400, deadline=None)
@given(available=st.integers(-20, 5000), specs=rules_strategy)
def test_published_quantities_never_exceed_the_stock_and_never_go_negative(available, specs):
    """The issue's invariant: Σ over reserved channels ≤ available; each shared channel ≤
    available − Σ reserved; nothing negative; a slow channel keeps its guard back."""
    rules = build(specs)
    got = allocate(available, rules)
    stock = max(0, available)
    reserved_sum = sum(got[r.channel_id] for r in rules if r.reserved)
    assert set(got) == {r.channel_id for r in rules}
    assert all(q >= 0 for q in got.values())
    assert reserved_sum <= stock
    for r in rules:
        if not r.reserved:
            assert got[r.channel_id] <= stock - reserved_sum
        if r.guard_units:
            assert got[r.channel_id] == 0 or got[r.channel_id] <= stock - r.guard_units
        if r.max_quantity is not None:
            assert got[r.channel_id] <= r.max_quantity


@settings(max_examples=300, deadline=None)
@given(available=st.integers(0, 5000), specs=rules_strategy)
def test_the_rule_is_kept_whenever_the_pool_allows(available, specs):
    """Where the pool (less the guard) holds the rule's figure, the channel gets exactly it."""
    rules = build(specs)
    got = allocate(available, rules)
    left = available
    for r in sorted(rules, key=lambda r: r.channel_id):
        if r.reserved:
            want = wanted(r, available)
            if 0 <= want <= left - r.guard_units:
                assert got[r.channel_id] == want
            left -= got[r.channel_id]
    for r in rules:
        if not r.reserved:
            want = wanted(r, left)
            if 0 <= want <= left - r.guard_units:
                assert got[r.channel_id] == want


@settings(max_examples=300, deadline=None)
@given(available=st.integers(0, 3000), extra=st.integers(1, 200), specs=rules_strategy)
def test_more_stock_never_publishes_less_in_total_for_the_reserved_or_alone(available, extra, specs):
    """Monotone in stock: the reserved channels' sum, and any channel on its own."""
    rules = build(specs)
    reserved = [r.channel_id for r in rules if r.reserved]
    before, after = allocate(available, rules), allocate(available + extra, rules)
    assert sum(after[c] for c in reserved) >= sum(before[c] for c in reserved)
    for r in rules:
        assert allocate(available + extra, [r])[r.channel_id] >= allocate(available, [r])[r.channel_id]
