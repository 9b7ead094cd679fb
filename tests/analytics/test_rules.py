"""The analytics rules: pure calculations, every expected value worked out by hand."""

from datetime import date
from decimal import Decimal

import duckdb
import pytest
from hypothesis import given
from hypothesis import strategies as st

from zhanggui.analytics import rules
from zhanggui.analytics.rules import Period


def test_previous_period_and_last_year_keep_the_length():
    week = Period("current", date(2026, 11, 1), date(2026, 11, 8))
    assert rules.previous_period(week) == Period("previous", date(2026, 10, 25), date(2026, 11, 1))
    leap = Period("current", date(2028, 2, 29), date(2028, 3, 1))
    assert rules.same_period_last_year(leap) == Period("last_year", date(2027, 2, 28), date(2027, 3, 1))
    assert rules.window_ending(week, 30) == Period("current", date(2026, 10, 9), date(2026, 11, 8))


def test_a_change_is_a_rate_only_against_a_base_at_or_above_the_threshold():
    assert rules.compare(Decimal("410.00"), Decimal("100.00"), min_base=Decimal("100.00")) == \
        rules.Comparison("rate", pytest.approx(3.1), Decimal("100.00"), Decimal("410.00"))
    assert rules.compare(Decimal("410.00"), Decimal("99.99"), min_base=Decimal("100.00")).kind == "absolute"
    assert rules.compare(7297, 12, min_base=20) == rules.Comparison("absolute", None, 12, 7297)
    assert rules.compare(7297, 12).kind == "rate"  # no threshold: any positive base
    assert rules.compare(5, 0, min_base=20) == rules.Comparison("new", None, 0, 5)
    assert rules.compare(0, 0, min_base=20).kind == "none"
    assert rules.compare(Decimal("-3.00"), 0).kind == "absolute"  # a loss after nothing
    assert rules.compare(Decimal("50.00"), Decimal("-20.00")).kind == "absolute"
    assert rules.compare(None, 3).kind == "none" and rules.compare(3, None).kind == "none"
    # a ratio: the threshold applies to its denominator in the earlier period
    assert rules.compare(0.12, 0.1, min_base=20, size=400).rate == pytest.approx(0.2)
    assert rules.compare(0.12, 0.1, min_base=20, size=19).kind == "absolute"
    assert rules.compare(0.12, 0, min_base=20, size=400).kind == "absolute"  # 0.00% → 12.00%
    assert rules.compare(0.0, 0, min_base=20, size=400).kind == "none"
    assert rules.compare(1, 2, min_base=2).as_dict() == {"kind": "rate", "rate": -0.5,
                                                         "base": 2, "current": 1}


numbers = st.one_of(st.integers(-10**9, 10**9),
                    st.decimals(-10**9, 10**9, places=2, allow_nan=False, allow_infinity=False))


@given(current=numbers, base=numbers, min_base=st.integers(0, 1000),
       size=st.one_of(st.none(), st.integers(0, 2000)))
def test_a_comparison_never_shows_a_percentage_against_a_small_zero_or_negative_base(
        current, base, min_base, size):
    result = rules.compare(current, base, min_base=min_base, size=size)
    assert (result.base, result.current) == (base, current)
    measured = base if size is None else size
    if result.kind == "rate":
        assert base > 0 and measured >= min_base
        assert result.rate == pytest.approx(float((Decimal(current) - Decimal(base)) / Decimal(base)))
        # the rate reproduces the current figure from the base
        assert float(base) * (1 + result.rate) == pytest.approx(float(current), abs=1e-6)
    else:
        assert result.rate is None
        expected = ("none" if base == current == 0
                    else "new" if base == 0 and current > 0 and size is None else "absolute")
        assert result.kind == expected
        assert base <= 0 or measured < min_base


def test_ratio():
    assert rules.ratio(1, 3) == pytest.approx(1 / 3)
    assert rules.ratio(Decimal("100.00"), 3, money=True) == Decimal("33.33")
    assert rules.ratio(Decimal("0.05"), 2, money=True) == Decimal("0.03")  # half up
    assert rules.ratio(4, 0) is None


def test_abc_classes_by_cumulative_share():
    # Shares 50 %, 30 %, 15 %, 5 %: A until 80 % is reached (the crossing item is A).
    classes = rules.abc_classes({"p1": 50, "p2": 30, "p3": 15, "p4": 5})
    assert classes == {"p1": "A", "p2": "A", "p3": "B", "p4": "C"}
    assert rules.abc_classes({"b": 1, "a": 1}) == {"a": "A", "b": "A"}  # ties by key


@pytest.mark.parametrize(("days", "recent", "earlier", "stage"), [
    (10, 0, 0, "new"), (40, 12, 10, "growing"), (40, 8, 10, "declining"),
    (40, 10, 10, "mature"), (40, 3, 0, "growing"), (40, 0, 0, "declining")])
def test_lifecycle_stage(days, recent, earlier, stage):
    assert rules.lifecycle_stage(days_on_sale=days, recent_units=recent, earlier_units=earlier) == stage


def test_spending_tier_sql_puts_each_amount_under_its_largest_bound():
    amounts = ["-1", "0", "99.99", "100", "299.99", "300", "1000", "2999.99", "3000", "50000"]
    sql = rules.spending_tier_sql("amount")
    found = duckdb.sql(f"SELECT {sql} FROM (SELECT unnest([{', '.join(amounts)}]::DECIMAL(14,2)[]) "
                       f"AS amount)").fetchall()
    assert [row[0] for row in found] == [0, 0, 0, 1, 1, 2, 3, 3, 4, 4]


def test_rfm_segments_cover_every_combination():
    assert len(rules.RFM_SEGMENTS) == 8 and len(set(rules.RFM_SEGMENTS.values())) == 8
    assert rules.RFM_SEGMENTS[(True, True, True)] == "important_value"
    assert rules.RFM_SEGMENTS[(False, False, False)] == "general_winback"


@given(st.dictionaries(st.integers(0, 50), st.decimals(min_value=0, max_value=10_000, places=2),
                       max_size=30))
def test_abc_classes_follow_the_cumulative_share_before_each_item(values):
    from fractions import Fraction

    total = sum(Fraction(v) for v in values.values())
    running, expected = Fraction(0), {}
    for key, value in sorted(values.items(), key=lambda kv: (-kv[1], str(kv[0]))):
        share = running / total if total else 1
        expected[key] = "A" if share < Fraction(8, 10) else ("B" if share < Fraction(95, 100) else "C")
        running += Fraction(value)
    assert rules.abc_classes(values) == expected
