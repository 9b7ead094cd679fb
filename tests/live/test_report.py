"""The live report on the metric registry (``REPORTS["live"]``) over ``report_store``: the
figures against the hand-computed ones after a warehouse refresh, the same as ``live.rules``
on the same data, an incremental refresh that sees changed figures, the page, its exports,
the old address's redirect, the API and who may not open it."""

from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse

from tests.factories import make_staff
from tests.live.report_store import build_live
from zhanggui.accounts.roles import Role
from zhanggui.analytics import engine, live_report, warehouse
from zhanggui.analytics.engine import Filters
from zhanggui.analytics.rules import Period
from zhanggui.live import actions_metrics, queries
from zhanggui.live.models import LiveSession
from zhanggui.live.rules import Figures

WEEK = Period("current", date(2026, 11, 1), date(2026, 11, 8))
QUERY = {"start": "2026-11-01", "end": "2026-11-08"}


@pytest.fixture
def store(db, warehouse_dir):
    return build_live()


def _table(report: dict, table_id: str) -> dict:
    return next(t for t in report["tables"] if t["id"] == table_id)


def test_sessions_side_by_side_and_the_period_totals(store):
    report = live_report.live(WEEK).as_dict()
    rows = _table(report, "sessions")["rows"]
    assert [r["title"] for r in rows][:2] == ["周五晚场", "周日午场"]  # planned, earlier: not
    a, b, total = rows
    assert (a["channel"], a["host"], a["scheduled_at"]) == ("抖音小店", "主播小美", "2026-11-03 20:00")
    assert (b["channel"], b["host"]) == ("", "阿强")
    assert (a["live_viewers"], a["live_peak_concurrent"], a["live_avg_watch_seconds"]) == (200, 90, 46)
    assert (a["live_interactions"], a["live_new_followers"], a["live_product_clicks"],
            a["live_orders"]) == (21, 3, 40, 6)
    assert a["live_gmv"] == Decimal("749.00") and a["live_gpm"] == Decimal("3745.00")
    assert a["live_conversion_rate"] == pytest.approx(0.03)
    assert a["live_interaction_rate"] == pytest.approx(0.105)
    assert a["live_click_to_order_rate"] == pytest.approx(0.15)
    assert a["live_target_attainment"] == pytest.approx(0.749)
    assert (b["live_viewers"], b["live_peak_concurrent"], b["live_avg_watch_seconds"]) == (500, 120, 60)
    assert b["live_gmv"] == Decimal("1600.00") and b["live_gpm"] == Decimal("3200.00")
    assert b["live_gmv_target"] is None and b["live_target_attainment"] is None
    assert total.get("total") is True
    assert (total["live_viewers"], total["live_peak_concurrent"], total["live_avg_watch_seconds"],
            total["live_interactions"], total["live_new_followers"], total["live_orders"]) == (
        700, 120, 56, 71, 13, 14)
    assert total["live_gmv"] == Decimal("2349.00") and total["live_gpm"] == Decimal("3355.71")
    assert total["live_conversion_rate"] == pytest.approx(0.02)
    assert total["live_target_attainment"] == pytest.approx(0.749)


def test_kpis_compare_with_the_week_before(store):
    kpis = {k["code"]: k for k in live_report.live(WEEK).as_dict()["kpis"]}
    assert kpis["live_sessions_run"]["value"] == 2
    assert kpis["live_sessions_run"]["previous"] == 1  # 上周场, 2026-10-30
    assert kpis["live_gmv"]["value"] == Decimal("2349.00")
    assert kpis["live_gmv"]["previous"] == Decimal("50.00")
    assert kpis["live_gpm"]["value"] == Decimal("3355.71")


def test_best_segments_by_gpm(store):
    rows = _table(live_report.live(WEEK).as_dict(), "segments")["rows"]
    assert [(r["title"], r["position"], r["live_segment_gpm"]) for r in rows] == [
        ("周五晚场", 2, Decimal("9000.00")), ("周日午场", 1, Decimal("4000.00")),
        ("周五晚场", 1, Decimal("1993.33")), ("周日午场", 2, Decimal("0.00"))]
    assert rows[0]["live_segment_viewers"] == 50 and rows[0]["live_segment_orders"] == 3
    assert rows[0]["live_segment_click_to_order_rate"] == pytest.approx(0.3)


def test_the_channel_filter_keeps_its_sessions(store):
    report = live_report.live(WEEK, filters=Filters(channel="douyin")).as_dict()
    assert [r["title"] for r in _table(report, "sessions")["rows"][:-1]] == ["周五晚场"]
    assert {r["title"] for r in _table(report, "segments")["rows"]} == {"周五晚场"}


def _assert_same_as_rules(report: dict, session: LiveSession) -> None:
    """The registry's figures of a session and its segments are ``live.rules``'."""
    figures = queries.session_figures(queries.with_plan(LiveSession.objects).get(pk=session.pk))
    row = next(r for r in _table(report, "sessions")["rows"] if r["session_id"] == session.pk)
    t, f = figures.total, figures.total.figures
    assert (row["live_viewers"], row["live_peak_concurrent"], row["live_avg_watch_seconds"],
            row["live_interactions"], row["live_new_followers"], row["live_product_clicks"],
            row["live_orders"], row["live_gmv"]) == (
        f.viewers, f.peak_concurrent, f.avg_watch_seconds, f.interactions, f.new_followers,
        f.product_clicks, f.orders, f.gmv)
    assert row["live_gpm"] == t.gpm
    for code, value in (("live_conversion_rate", t.conversion_rate),
                        ("live_interaction_rate", t.interaction_rate),
                        ("live_click_to_order_rate", t.click_to_order_rate),
                        ("live_target_attainment", t.target_attainment)):
        assert (row[code] is None) == (value is None), code
        if value is not None:
            assert row[code] == pytest.approx(float(value), abs=0.00005), code
    by_id = engine.compute(["live_segment_gpm", "live_segment_viewers"], [WEEK],
                           group_by="segment_id")["current"]
    for segment, conversion in figures.segments:
        assert by_id[segment.pk]["live_segment_gpm"] == conversion.gpm
        assert by_id[segment.pk]["live_segment_viewers"] == conversion.figures.viewers


def test_the_registry_computes_what_live_rules_compute(store):
    report = live_report.live(WEEK).as_dict()
    for key in ("a", "b"):
        _assert_same_as_rules(report, store[key])


def test_an_incremental_refresh_sees_changed_figures(store):
    b = store["b"]
    second = b.segments.get(position=2)
    actions_metrics.enter_metrics(b, Figures(100, 60, 100, 10, 0, 5, 1, Decimal("300.00")),
                                  segment=second, actor=store["actor"])
    assert warehouse.refresh().kind == "refresh"  # B's rows re-read with B (updated_at)
    report = live_report.live(WEEK).as_dict()
    row = next(r for r in _table(report, "sessions")["rows"] if r["session_id"] == b.pk)
    assert row["live_gmv"] == Decimal("1900.00") and row["live_orders"] == 9
    _assert_same_as_rules(report, b)


@pytest.fixture
def analyst(client, store):
    client.force_login(make_staff(Role.ANALYST))
    return client


def test_the_report_page_and_its_exports(analyst):
    url = reverse("admin:analytics_report", args=["live"])
    page = analyst.get(url, QUERY)
    assert page.status_code == 200
    assert page.context["report"]["report"] == "live"
    rows = _table(page.context["report"], "sessions")["rows"]
    assert [r["title"] for r in rows[:2]] == ["周五晚场", "周日午场"]
    assert 'id="report-data"' in page.content.decode()
    csv = analyst.post(url + "?start=2026-11-01&end=2026-11-08", {"export": "csv"})
    assert csv.status_code == 200 and csv["Content-Type"].startswith("text/csv")
    text = csv.content.decode("utf-8-sig")
    assert "周五晚场" in text and "3745.00" in text and "9000.00" in text
    xlsx = analyst.post(url + "?start=2026-11-01&end=2026-11-08", {"export": "xlsx"})
    assert xlsx.status_code == 200 and xlsx.content[:2] == b"PK"


def test_the_old_address_redirects_with_its_query(analyst):
    response = analyst.get(reverse("admin:live_report"), QUERY)
    assert response.status_code == 302
    assert response["Location"] == "/reports/live/?start=2026-11-01&end=2026-11-08"


def test_the_api_returns_the_report(analyst):
    response = analyst.get("/api/v1/analytics/reports/live", QUERY)
    assert response.status_code == 200, response.content[:500]
    rows = _table(response.json(), "sessions")["rows"]
    assert [r["title"] for r in rows[:2]] == ["周五晚场", "周日午场"]


def test_wrong_role_is_refused(client, store):
    client.force_login(make_staff(Role.WAREHOUSE))
    assert client.get(reverse("admin:analytics_report", args=["live"]), QUERY).status_code == 403
    assert client.get(reverse("admin:live_report")).status_code == 403
    assert client.get("/api/v1/analytics/reports/live", QUERY).status_code == 403
    assert client.post(reverse("admin:analytics_report", args=["live"]),
                       {"export": "csv"}).status_code == 403
