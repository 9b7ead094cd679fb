"""The pure rules of the supply reports, against cases worked out by hand."""

from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from zhanggui.analytics import rules_supply as r

D = Decimal
NOV = date(2026, 11, 2)


def test_coefficient_of_variation_and_xyz_classes():
    assert r.coefficient_of_variation([4, 4, 4, 4]) == 0
    # mean 2, sample std sqrt(4 × 4 / 3) → 1.1547
    assert r.coefficient_of_variation([0, 4, 0, 4]) == pytest.approx((16 / 3) ** 0.5 / 2)
    # mean 3, sample std sqrt(((−1)² + 1²) / 1) = √2 → 0.4714
    assert r.coefficient_of_variation([2, 4]) == pytest.approx(2 ** 0.5 / 3)
    assert r.coefficient_of_variation([0, 0, 0]) is None
    assert r.coefficient_of_variation([5]) is None and r.coefficient_of_variation([]) is None
    assert [r.xyz_class(cv) for cv in (0.0, 0.49, 0.5, 0.99, 1.0, 3.2, None)] == [
        "X", "X", "Y", "Y", "Z", "Z", "Z"]


def test_weekly_series_fills_weeks_without_sales():
    assert r.weekly_series({0: 3, 2: 1}, weeks=4) == [3.0, 0.0, 1.0, 0.0]
    assert len(r.weekly_series({})) == 13


def _advice(**kw):
    base = dict(available=100, avg_daily_units=1.0, last_sold_on=date(2026, 11, 1),
                today=date(2026, 11, 7), abc="B", listed=True)
    return r.stock_advice(**{**base, **kw})


def test_stock_advice_slow_movers_clearance_and_delisting():
    # 100 units at 1 a day: 100 days of supply > 90 → clearance for the days of supply.
    assert _advice() == r.StockAdvice(True, "clearance", "days_of_supply", 100.0)
    # 80 days of supply, sold 6 days ago: not slow.
    assert _advice(available=80).is_slow is False
    # Not sold for 60 days: slow even with little stock.
    slow = _advice(available=5, avg_daily_units=0.0, last_sold_on=date(2026, 9, 8))
    assert (slow.is_slow, slow.action, slow.reason, slow.days_of_supply) == (
        True, "clearance", "no_sale", None)
    # 59 days: not yet, and 5 units at 1 a day is 5 days of supply.
    assert _advice(available=5, last_sold_on=date(2026, 9, 9)).is_slow is False
    # Class C, listed, not sold for 91 days: delist once cleared; never sold likewise.
    assert _advice(abc="C", avg_daily_units=0.0, last_sold_on=date(2026, 8, 8)).action == "delist"
    assert _advice(abc="C", avg_daily_units=0.0, last_sold_on=None).reason == "never_sold"
    # Class C sold 70 days ago: clearance first; a delisted product is never "delist" again.
    assert _advice(abc="C", avg_daily_units=0.0, last_sold_on=date(2026, 8, 28)).action == "clearance"
    assert _advice(abc="C", avg_daily_units=0.0, last_sold_on=None, listed=False).action == "clearance"
    # Nothing available: no advice (replenishment's business).
    assert _advice(available=0, last_sold_on=None) == r.StockAdvice(False, "", "", 0.0)
    # The policy's threshold decides.
    assert _advice(slow_days=120).is_slow is False


def test_ad_spend_is_spread_by_gmv_share_per_product_and_shop_wide():
    d1, d2 = NOV, date(2026, 11, 3)
    sales = [r.Sale("a", d1, 1, D("60")), r.Sale("b", d1, 2, D("40")), r.Sale("c", d2, 1, D("50"))]
    allocated = r.allocate_ad_spend(
        sales,
        # P1 sold 60 drop-ship + 20 from stock on d1 (80); 50 on d2. All GMV: 150 on d1, 100 on d2.
        product_gmv={(d1, 1): D("80"), (d1, 2): D("40"), (d2, 1): D("50")},
        day_gmv={d1: D("150"), d2: D("100")},
        product_spend={(d1, 1): D("16.00"), (d2, 1): D("10.00"), (d2, 3): D("7.00")},
        shop_spend={d1: D("30.00"), d2: D("0")})
    # a: 16 × 60/80 = 12 + 30 × 60/150 = 12 → 24.00; b: 30 × 40/150 = 8.00; c: 10 × 50/50 = 10.00
    assert allocated == {"a": D("24.00"), "b": D("8.00"), "c": D("10.00")}


def test_allocation_rounds_half_up_to_the_cent_and_sums_a_keys_parts():
    sales = [r.Sale("x", NOV, 1, D("1")), r.Sale("x", NOV, 2, D("1")), r.Sale("y", NOV, 1, D("1"))]
    allocated = r.allocate_ad_spend(sales, product_gmv={(NOV, 1): D("2"), (NOV, 2): D("1")},
                                    day_gmv={NOV: D("3")}, product_spend={(NOV, 1): D("0.05")},
                                    shop_spend={NOV: D("0.10")})
    # x: 0.025 + 0.0333… + 0.0333… = 0.09166… → 0.09; y: 0.025 + 0.0333… = 0.0583… → 0.06
    assert allocated == {"x": D("0.09"), "y": D("0.06")}


def test_spend_of_days_without_sales_is_left_over():
    left = r.unsold_spend({(NOV, 1): D("100")}, {(NOV, 1): D("5"), (NOV, 2): D("7.50"),
                                                 (date(2026, 11, 3), 2): D("2.5")})
    assert left == {2: D("10.00")}


def test_dropship_profit_and_roi():
    profit = r.dropship_profit(paid=D("100.00"), commission_rate=D("0.05"), cost=D("50.00"),
                               ad_spend=D("20.00"))
    assert (profit.commission, profit.profit) == (D("5.00"), D("25.00"))
    # commission to the cent, half up: 0.05 × 99.9 = 4.995 → 5.00
    assert r.dropship_profit(paid=D("99.90"), commission_rate=D("0.05"), cost=D("0"),
                             ad_spend=D("0")).commission == D("5.00")
    assert r.dropship_profit(paid=D("10.00"), commission_rate=D("0.05"), cost=D("30.00"),
                             ad_spend=D("5.00")).profit == D("-25.50")
    assert r.roi(D("250"), D("100")) == 2.5
    assert r.roi(D("250"), D("0")) is None
    assert r.below(2.4, D("2.50")) and not r.below(2.5, D("2.50")) and not r.below(None, 2.5)


def test_verdicts_against_a_floor_or_a_ceiling():
    assert r.verdict(0.95, 0.95) is True and r.verdict(0.94, 0.95) is False
    assert r.verdict(0.05, 0.05, at_most=True) is True and r.verdict(0.06, 0.05, at_most=True) is False
    assert r.verdict(None, 0.95) is None


money = st.decimals(min_value=0, max_value=10_000, places=2)


@given(st.lists(st.tuples(st.integers(0, 3), money), min_size=1, max_size=8), money, money)
def test_all_spend_of_days_with_sales_is_allocated_to_within_a_cent_per_sale(parts, own, shop):
    """Spend the sales can carry is spread without loss (each sale rounds to the cent)."""
    sales = [r.Sale(n, NOV, product, gmv) for n, (product, gmv) in enumerate(parts)]
    product_gmv: dict = {}
    for sale in sales:
        product_gmv[(NOV, sale.product_id)] = product_gmv.get((NOV, sale.product_id), D(0)) + sale.gmv
    day_total = sum(product_gmv.values(), D(0))
    allocated = r.allocate_ad_spend(sales, product_gmv=product_gmv, day_gmv={NOV: day_total},
                                    product_spend={(NOV, 0): own}, shop_spend={NOV: shop})
    carried = (own if product_gmv.get((NOV, 0), 0) > 0 else 0) + (shop if day_total > 0 else 0)
    assert abs(sum(allocated.values(), D(0)) - carried) <= D("0.005") * len(sales)


@given(st.lists(st.integers(0, 50), min_size=91, max_size=91))
def test_the_xyz_class_agrees_with_the_forecasts(daily):
    """The stock report's weekly series gives the forecasts' variability (both class it with
    ``inventory.rules.xyz_class``): weekly totals of 13 weeks, sample std / mean."""
    from zhanggui.insights import rules as insights_rules

    weekly = {12 - n: sum(daily[7 * n:7 * n + 7]) for n in range(13)}  # 0 = the latest week
    cv = r.coefficient_of_variation(r.weekly_series(weekly))
    expected = insights_rules.weekly_variability(daily)
    assert (cv is None) == (expected is None)
    if cv is not None:
        assert cv == pytest.approx(expected)
        assert r.xyz_class(cv) == insights_rules.xyz_class(expected)
