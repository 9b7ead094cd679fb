"""The five reports on the hand-made store of ``conftest``."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from zhanggui.analytics import reports, warehouse
from zhanggui.analytics.rules import Period

WEEK = Period("current", date(2026, 11, 1), date(2026, 11, 8))


def _table(report, table_id):
    return next(t for t in report.tables if t["id"] == table_id)


def _kpi(report, code):
    return next(k for k in report.kpis if k["code"] == code)


def test_overview_compares_with_the_previous_period(store):
    report = reports.overview(WEEK)
    gmv = _kpi(report, "gmv")
    assert (gmv["value"], gmv["previous"]) == (Decimal("410.00"), Decimal("100.00"))
    assert gmv["change_previous"] == pytest.approx(3.1)  # (410 − 100) / 100
    assert gmv["last_year"] == 0 and gmv["change_last_year"] is None
    assert gmv["comparison_previous"] == {"kind": "rate", "rate": pytest.approx(3.1),
                                          "base": Decimal("100.00"), "current": Decimal("410.00")}
    assert gmv["comparison_last_year"]["kind"] == "new"  # nothing a year before, 410.00 now
    # 3 paid orders against 1: below the threshold of counts (20), the two numbers, no rate
    orders = _kpi(report, "orders_paid")
    assert orders["comparison_previous"] == {"kind": "absolute", "rate": None, "base": 1, "current": 3}
    assert orders["change_previous"] is None
    # a ratio is judged by its denominator: 客单价 of 1 buyer before is no base for a percentage
    aov = _kpi(report, "aov")
    assert aov["comparison_previous"]["kind"] == "absolute" and aov["change_previous"] is None
    daily = {r["day"]: r for r in _table(report, "daily")["rows"]}
    assert len(daily) == 7 and daily["2026-11-05"]["gmv"] == Decimal("200.00")
    assert {e["code"] for e in report.explain} >= {"gmv", "aov", "refund_rate"}
    assert all(e["sql"] for e in report.explain if e["code"] == "gmv")


def test_the_comparison_threshold_is_a_setting(store, settings):
    settings.ZHANGGUI = {**settings.ZHANGGUI, "COMPARISON_MIN_BASE": {"count": 1, "money": "500.00"}}
    report = reports.overview(WEEK)
    assert _kpi(report, "orders_paid")["change_previous"] == pytest.approx(2.0)  # 3 against 1
    assert _kpi(report, "gmv")["comparison_previous"]["kind"] == "absolute"  # 100.00 < 500.00
    assert _kpi(report, "aov")["change_previous"] == pytest.approx(1.05)  # 205.00 vs 100.00 (1 buyer ≥ 1)


def test_traffic_report_shows_sources_terms_and_the_funnel(store):
    report = reports.traffic(WEEK)
    sources = {r["source"]: r for r in _table(report, "sources")["rows"]}
    assert sources["ads"]["attributed_gmv"] == Decimal("100.00")  # order 3 came from ads
    assert sources["search"]["attributed_gmv"] == Decimal("110.00")  # order 1
    assert sources["social"]["bounce_rate"] == 1.0
    terms = {r["term"]: r for r in _table(report, "search_terms")["rows"]}
    assert terms["羽绒服"]["searches"] == 1
    assert [r["term"] for r in _table(report, "no_result_terms")["rows"]] == ["不存在的词"]
    funnel = [r["visitors"] for r in _table(report, "funnel")["rows"]]
    assert funnel == [4, 3, 2, 2, 2]  # visitors, viewed product (v1 v2 v4), cart, order, paid
    assert _table(report, "funnel")["rows"][1]["loss"] == 1


def test_the_explanations_define_the_derived_tables_the_queries_read(store):
    explain = {e["code"]: e for e in reports.sales(WEEK).explain}
    # paid_lines reads line_facts, which reads category_tree; the ranking reads product_firsts;
    # the KPIs read the rollup paid_order_facts, which reads buyer_firsts.
    for table in ("line_facts", "category_tree", "product_firsts", "paid_order_facts", "buyer_firsts"):
        assert explain[table]["sql"][0].startswith(f"CREATE TABLE {table} AS\n")
    assert explain["paid_order_facts"]["formula"] == str(reports.ROLLUP_NOTE)
    assert "cohort_months" not in explain
    assert "cohort_months" in {e["code"] for e in reports.customers(WEEK).explain}


@pytest.mark.parametrize("name", list(reports.REPORTS))
def test_every_report_takes_the_channel_and_category_filters(store, name):
    category = store["product"].category_id
    for filters in (reports.Filters(channel="own"), reports.Filters(category_id=category),
                    reports.Filters(channel="tmall", category_id=category)):
        report = reports.REPORTS[name](WEEK, None, filters)
        assert report.kpis and report.tables
    # Nothing sold on tmall: every KPI of the filtered overview is zero or undefined.
    overview = reports.overview(WEEK, None, reports.Filters(channel="tmall"))
    assert all(k["value"] in (0, None) for k in overview.kpis)


def test_sales_report_ranks_products_and_splits_by_hour(store):
    report = reports.sales(WEEK)
    product = _table(report, "products")["rows"][0]
    assert product["units_sold"] == 4 and product["line_gmv"] == Decimal("400.00")
    assert product["abc_class"] == "A"
    assert product["conversion_rate"] == pytest.approx(2 / 3)  # buyers A, B / viewers v1 v2 v4
    heat = _table(report, "heatmap")["rows"]  # Monday first
    assert sum(r["total"] for r in heat) == 3
    assert heat[0]["h10"] == 1  # order 1: Monday 2 November, 10:00
    provinces = _table(report, "by_province_code")["rows"]
    assert provinces[0]["name"] == "浙江" and provinces[0]["share"] == 1.0


def test_cohorts_cover_the_twelve_months_up_to_the_period_end():
    window = reports.cohort_window(WEEK)
    assert (window.start, window.end) == (date(2025, 12, 1), date(2026, 11, 8))


def test_customers_report_has_cohorts_and_rfm(store):
    report = reports.customers(Period("current", date(2026, 10, 1), date(2026, 12, 1)))
    cohorts = {r["cohort"]: r for r in _table(report, "cohorts")["rows"]}
    # First paid months: D in 2026-10; A and B in 2026-11 (the fixture is dated there).
    assert cohorts["2026-10"]["size"] == 1 and cohorts["2026-11"]["size"] == 2
    # D bought only in October: retention in November (k = 1) is 0 of 1.
    assert reports.cohort_matrix(Period("current", date(2026, 10, 1), date(2026, 12, 1)))[0][
        "retention"] == [1.0, 0.0]
    # Buyers of Oct–Nov, R = days from the last paid order to 12-01: A (11-05: 26 days, 2 orders,
    # 310.00), B (11-03: 28, 1, 100.00), D (10-28: 34, 1, 100.00); means 29.3 days, 1.33 orders,
    # 170.00. A beats every mean, B only on recency, D on nothing.
    segments = {r["segment"]: (r["customers"], r["revenue"]) for r in _table(report, "rfm")["rows"]}
    assert segments["important_value"] == (1, Decimal("310.00"))
    assert segments["general_development"] == (1, Decimal("100.00"))
    assert segments["general_winback"] == (1, Decimal("100.00"))
    assert sum(n for n, _revenue in segments.values()) == 3
    tiers = [(r["customers"], r["revenue"]) for r in _table(report, "tiers")["rows"]]
    assert tiers == [(0, 0), (2, Decimal("200.00")), (1, Decimal("310.00")), (0, 0), (0, 0)]


def test_aftersales_report_shows_payment_failures(store):
    report = reports.aftersales(WEEK)
    assert _kpi(report, "payment_failure_rate")["value"] == 0.0  # 3 attempts, none failed
    assert _kpi(report, "refunds_amount")["value"] == Decimal("30.00")


def test_refresh_after_rebuild_changes_nothing(store, warehouse_dir):
    before = reports.sales(WEEK).as_dict()
    warehouse.refresh()
    after = reports.sales(WEEK).as_dict()
    before.pop("version"), after.pop("version")
    assert before == after


def test_refresh_picks_up_returns_and_new_orders(store):
    from tests import factories

    delivered = factories.make_order(sku=store["sku"], quantity=2, status="delivered")
    warehouse.refresh()
    factories.make_received_return(delivered)
    result = warehouse.refresh()
    assert result.kind == "refresh" and result.rows["orders"] >= 1
    day = timezone.localdate()
    today = Period("current", day, day + timedelta(days=1))
    values = reports.engine.compute(["units_sold", "units_returned", "aftersales_requests"],
                                    [today])["current"]
    assert values == {"units_sold": 2, "units_returned": 1, "aftersales_requests": 1}
