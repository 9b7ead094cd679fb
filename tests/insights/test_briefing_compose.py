"""The daily briefing's content: KPI comparisons, each candidate kind on a small fixture,
ranking (at most 7, by impact, ties stable) and a rebuild that replaces the day's briefing."""

import itertools
from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone, translation
from hypothesis import given
from hypothesis import strategies as st

from tests import factories
from tests.analytics.conftest import build_store
from zhanggui.accounts.models import OperationLog
from zhanggui.customers.models import SegmentSize
from zhanggui.customers.models_segments import Segment
from zhanggui.insights import briefing, briefing_candidates, briefing_kpis, briefing_supply
from zhanggui.insights.briefing_candidates import Candidate
from zhanggui.insights.models import Anomaly, Briefing, BriefingAction
from zhanggui.inventory.models import ForecastFit
from zhanggui.listing.models import ProductScore
from zhanggui.suppliers.replenishment import ReorderRow

SHANGHAI = ZoneInfo("Asia/Shanghai")
DAY = date(2026, 11, 5)


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.fixture
def store(db, warehouse_dir):
    return build_store()


def candidate(impact: str, title: str = "x", kind: str = "anomaly") -> Candidate:
    return Candidate(kind=kind, title=title, reason="", impact_amount=Decimal(impact),
                     impact_formula="f", url="/")


def anomaly(day: date = DAY, *, metric: str = "payment_failure_rate", impact: str = "5000.00",
            hour: int = 0, grain: str = "day", **fields) -> Anomaly:
    return Anomaly.objects.create(
        metric=metric, grain=grain, period_start=datetime(day.year, day.month, day.day, hour,
                                                          tzinfo=SHANGHAI),
        scope_key=fields.pop("scope_key", ""), actual=Decimal("0.4"), expected=Decimal("0.05"),
        lower=Decimal("0.01"), upper=Decimal("0.09"), direction="up", score=Decimal("9.5"),
        impact_amount=Decimal(impact), detected_at=timezone.now(), **fields)


# --- ranking ---------------------------------------------------------------------------

def test_rank_keeps_the_seven_largest_impacts_largest_first_and_ties_in_their_order():
    found = [candidate("10", "a"), candidate("30", "b"), candidate("30", "c"), candidate("5", "d"),
             candidate("1", "e"), candidate("2", "f"), candidate("3", "g"), candidate("4", "h"),
             candidate("30", "i")]
    ranked = briefing.rank(found)
    assert [c.title for c in ranked] == ["b", "c", "i", "a", "d", "h", "g"]


@given(st.lists(st.decimals(min_value=0, max_value=10**9, places=2, allow_nan=False), max_size=30))
def test_ranking_invariants(impacts):
    found = [candidate(str(value), str(n)) for n, value in enumerate(impacts)]
    ranked = briefing.rank(found)
    assert len(ranked) == min(7, len(found))
    values = [c.impact_amount for c in ranked]
    assert values == sorted(values, reverse=True)
    # Nothing left out is larger than what was kept; equal impacts keep their input order.
    kept = {id(c) for c in ranked}
    assert all(c.impact_amount <= values[-1] for c in found if id(c) not in kept)
    for first, second in itertools.pairwise(ranked):
        if first.impact_amount == second.impact_amount:
            assert int(first.title) < int(second.title)


# --- KPIs ------------------------------------------------------------------------------

def _kpi(rows, code):
    return next(row for row in rows if row["code"] == code)


def test_kpis_compare_with_the_day_before_last_week_and_last_year(store):
    rows = briefing_kpis.kpi_changes(date(2026, 11, 3))
    assert [row["code"] for row in rows] == list(briefing_kpis.KPI_CODES)
    gmv = _kpi(rows, "gmv")
    assert gmv["value"] == "100.00"
    assert gmv["previous_day"] == {"value": "110.00", "change": "-0.0909"}
    # 2026-10-27 is before the warehouse's first paid order (10-28): no data, not zero.
    assert gmv["last_week"] == {"value": None, "change": None}
    assert gmv["last_year"] == {"value": None, "change": None}
    assert _kpi(rows, "orders_paid")["value"] == "1"
    assert gmv["formula"] and gmv["unit"] == "money"


def test_a_comparison_day_with_data_but_no_sales_is_zero_and_last_week_compares(store):
    rows = briefing_kpis.kpi_changes(date(2026, 11, 4))
    gmv = _kpi(rows, "gmv")
    assert gmv["value"] == "0.00"
    assert gmv["previous_day"] == {"value": "100.00", "change": "-1.0000"}
    assert gmv["last_week"] == {"value": "100.00", "change": "-1.0000"}  # 10-28
    assert gmv["last_year"]["value"] is None


def test_rate_changes_are_differences_of_the_fractions():
    assert briefing_kpis.change(Decimal("0.05"), Decimal("0.02"), "rate") == Decimal("0.0300")
    assert briefing_kpis.change(Decimal("5"), Decimal("0"), "money") is None
    assert briefing_kpis.change(Decimal("5"), None, "count") is None


def test_no_kpis_before_the_first_warehouse_build(db, warehouse_dir):
    assert briefing_kpis.kpi_changes(DAY) == []


# --- candidates ------------------------------------------------------------------------

def test_anomaly_candidates_take_the_anomaly_impact_and_its_explaining_dimension(db):
    kept = anomaly(dimension="payment_method", dimension_value="alipay",
                   dimension_label="支付宝", explained_share=Decimal("0.92"))
    anomaly(metric="gmv", impact="0", scope_key="zero")  # no impact: no action
    anomaly(DAY + timedelta(days=1), scope_key="other day")
    found = briefing_candidates.anomaly_candidates(DAY, briefing_candidates.day_anomalies(DAY))
    assert len(found) == 1
    action = found[0]
    assert action.kind == "anomaly" and action.metric == "payment_failure_rate"
    assert action.impact_amount == Decimal("5000.00")
    assert "支付宝" in action.reason and "92 %" in action.reason
    assert action.detail["anomaly_id"] == kept.pk
    assert action.url  # the anomaly's page, or the day's report when it has none


def _row(**fields) -> ReorderRow:
    base = {"sku_id": 1, "sku_code": "SKU-1", "product_title": "T", "warehouse_id": 9,
            "warehouse_code": "WH", "warehouse_name": "W", "available": 20, "on_order": 0,
            "daily_demand": 10.0, "demand_error_std": 1.0, "lead_days": 7.0,
            "lead_std_days": 0.0, "safety_stock": 5, "reorder_point": 75,
            "days_of_supply": 2.0, "stockout_risk": 0.9, "needed_quantity": 60,
            "suggested_quantity": 60, "supplier_id": 3}
    return ReorderRow(**{**base, **fields})


def test_restock_impact_is_demand_times_price_times_days_short_less_on_order():
    rows = [_row(), _row(sku_id=2, sku_code="SKU-2", on_order=45),
            _row(sku_id=3, sku_code="SKU-3", days_of_supply=9.0)]  # lasts the lead time
    found = briefing_supply.restock_candidates(rows, {1: Decimal("20.00"), 2: Decimal("20.00"),
                                                      3: Decimal("20.00")})
    # SKU-1: 10/day × (7 − 2) days = 50 units × ¥20; SKU-2: 50 − 45 on order = 5 units.
    assert [(c.detail["sku_id"], c.impact_amount) for c in found] == [
        (1, Decimal("1000.00")), (2, Decimal("100.00"))]
    assert found[0].kind == "restock" and "SKU-1" in found[0].title


def test_reorder_impact_is_the_sales_at_risk_until_the_next_order():
    rows = [_row(), _row(sku_id=2, draft_number="PO-1"), _row(sku_id=3, supplier_id=None)]
    found = briefing_supply.reorder_candidate(rows, {1: Decimal("20.00")}, review_days=7)
    # Only SKU 1 is still to draft: 0.9 × 10/day × 7 days × ¥20.
    assert len(found) == 1 and found[0].impact_amount == Decimal("1260.00")
    assert found[0].url.endswith("/supply/reorder-today/")
    assert briefing_supply.reorder_candidate([_row(draft_number="PO-1")], {}, 7) == []


def test_supply_candidates_read_the_reorder_list(db):
    sku = factories.make_listed_sku(price="50.00")
    warehouse = factories.make_warehouse()
    factories.stock_up(sku, warehouse, 10)
    factories.make_supplier_item(factories.make_supplier(), sku, lead_time_days="10.0")
    ForecastFit.objects.create(sku=sku, warehouse=warehouse, computed_at=timezone.now(),
                               model="test", history_days=60, mean_daily_demand=Decimal("5"),
                               error_std=Decimal("1"))
    found = briefing_supply.supply_candidates()
    kinds = {c.kind: c for c in found}
    assert set(kinds) == {"restock", "reorder"}
    # 10 units last 2 days of 10 days' lead time: 8 days × 5 a day × ¥50.
    assert kinds["restock"].impact_amount == Decimal("2000.00")


def test_listing_candidate_is_a_share_of_the_products_30_day_sales(store):
    ProductScore.objects.create(product=store["product"], score=30, blocking_count=2,
                                audited_at=timezone.now())
    other = factories.make_product()
    ProductScore.objects.create(product=other, score=30, blocking_count=1,
                                audited_at=timezone.now())  # no sales
    found = briefing_candidates.listing_candidates(DAY)
    # Goods paid 10-07…11-05: 100 + 100 + 100 + 200 (shipping is not goods).
    assert len(found) == 1
    assert found[0].impact_amount == Decimal("500.00") * briefing_candidates.LISTING_AT_RISK_SHARE
    assert found[0].detail == {"product_id": store["product"].pk}


def _segment(code: str, stage: str, sizes: list[tuple[int, int]]) -> Segment:
    segment = Segment.objects.create(code=code, name=code, kind="model", definition={
        "match": "all", "conditions": [{"field": "lifecycle_stage", "op": "eq", "value": stage}]})
    for days_before, members in sizes:
        SegmentSize.objects.create(segment=segment, member_count=members, measured_at=datetime(
            DAY.year, DAY.month, DAY.day, 12, tzinfo=SHANGHAI) - timedelta(days=days_before))
    return segment


def test_winback_candidate_for_a_dormant_segment_that_grew_in_7_days(db):
    grew = _segment("dormant", "dormant", [(10, 100), (8, 120), (1, 160)])
    _segment("shrank", "dormant", [(9, 100), (0, 90)])
    _segment("new", "new", [(9, 10), (0, 90)])  # not dormant
    _segment("later", "dormant", [(-3, 900), (9, 100), (0, 100)])  # growth after the day
    found = briefing_candidates.winback_candidates(DAY)
    assert [c.detail["segment_id"] for c in found] == [grew.pk]
    # 160 − 120 (the last size 7 days before) = 40 × 5 % × ¥150.
    assert found[0].impact_amount == Decimal("300.00")
    assert found[0].detail["growth"] == 40


def test_carrier_candidate_when_on_time_fell(monkeypatch):
    monkeypatch.setattr(briefing_candidates, "carrier_rates", lambda day: {
        "recent": {"sf": {"on_time_delivery_rate": 0.80, "promised_deliveries": 200},
                   "yto": {"on_time_delivery_rate": 0.93, "promised_deliveries": 200},
                   "zto": {"on_time_delivery_rate": 0.50, "promised_deliveries": 5}},
        "before": {"sf": {"on_time_delivery_rate": 0.95, "promised_deliveries": 180},
                   "yto": {"on_time_delivery_rate": 0.95, "promised_deliveries": 180},
                   "zto": {"on_time_delivery_rate": 0.95, "promised_deliveries": 5}}})
    found = briefing_candidates.carrier_candidates(DAY)
    assert [c.detail["carrier"] for c in found] == ["sf"]  # yto fell 2 pp, zto too few
    assert found[0].impact_amount == Decimal("300.00")  # 0.15 × 200 × ¥10
    assert "carrier=sf" in found[0].url
    assert "SF Express" in found[0].title  # the carrier by its name, not its code


# --- building --------------------------------------------------------------------------

def test_the_anomaly_is_the_top_action_and_a_rebuild_replaces_the_day(store):
    anomaly(dimension="payment_method", dimension_value="alipay", dimension_label="支付宝")
    ProductScore.objects.create(product=store["product"], score=30, blocking_count=2,
                                audited_at=timezone.now())
    first = briefing.build_briefing(DAY, detect=False)
    actions = list(first.actions.order_by("rank"))
    assert [a.kind for a in actions] == ["anomaly", "listing"]
    assert actions[0].impact_amount == Decimal("5000.00") and actions[0].rank == 1
    assert first.causes[0]["dimension_label"] == "支付宝"
    assert _kpi(first.kpis, "gmv")["value"] == "200.00"
    Briefing.objects.filter(pk=first.pk).update(emailed_at=timezone.now())
    again = briefing.build_briefing(DAY, detect=False)
    assert again.pk == first.pk and again.emailed_at is not None  # not e-mailed twice
    assert BriefingAction.objects.filter(briefing=again).count() == 2
    assert [(a.rank, a.kind, a.impact_amount) for a in again.actions.order_by("rank")] == \
        [(a.rank, a.kind, a.impact_amount) for a in actions]
    logged = OperationLog.objects.filter(action="insights.store_briefing", object_id=str(first.pk))
    assert logged.count() == 2


def test_a_failing_kind_leaves_the_others(store, monkeypatch):
    anomaly()

    def broken(day):
        raise RuntimeError("boom")

    monkeypatch.setattr(briefing_candidates, "listing_candidates", broken)
    built = briefing.build_briefing(DAY, detect=False)
    assert [a.kind for a in built.actions.all()] == ["anomaly"]
