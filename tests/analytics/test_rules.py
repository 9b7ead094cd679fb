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


def test_change_and_ratio():
    assert rules.change(Decimal("410.00"), Decimal("100.00")) == pytest.approx(3.1)
    assert rules.change(5, 0) is None and rules.change(None, 3) is None
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
