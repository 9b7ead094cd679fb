"""The campaigns report over ``campaign_store``: campaigns side by side with conversion, GMV,
gross profit, cost, ROI and gross-profit ROI; gross profit only for those who may see costs;
the page, the API, the export and the 403s."""

from datetime import date
from decimal import Decimal
from urllib.parse import urlencode

import pytest
from django.urls import reverse

from tests import factories
from tests.analytics.campaign_store import build_campaigns
from zhanggui.analytics import campaigns_report
from zhanggui.analytics.report_base import Access
from zhanggui.analytics.rules import Period

PERIOD = Period("current", date(2026, 11, 1), date(2026, 11, 8))
QUERY = {"start": "2026-11-01", "end": "2026-11-08"}
COSTS = Access(cost=True)


@pytest.fixture
def store(db, warehouse_dir):
    return build_campaigns()


def _table(report, table_id):
    return next(t for t in report["tables"] if t["id"] == table_id)


def test_campaigns_side_by_side(store):
    report = campaigns_report.campaigns(PERIOD, access=COSTS).as_dict()
    rows = {r["code"]: r for r in _table(report, "campaigns")["rows"]}
    assert set(rows) == {"C1", "C2"}  # C3 is a draft
    c1, c2 = rows["C1"], rows["C2"]
    assert (c1["campaign_recipients"], c1["campaign_reached"], c1["campaign_converted"]) == (4, 2, 2)
    assert c1["campaign_conversion_rate"] == pytest.approx(1.0)
    assert (str(c1["campaign_gmv"]), str(c1["campaign_gross_profit"]), str(c1["campaign_cost"])) == (
        "190.00", "110.00", "40.10")
    assert c1["campaign_roi"] == pytest.approx(190 / 40.10)
    assert c1["gross_profit_roi"] == pytest.approx(110 / 40.10)
    assert c2["campaign_roi"] == pytest.approx(10.0) and c2["gross_profit_roi"] == pytest.approx(4.5)
    assert c1["goal"] and c1["starts_at"] == "2026-11-01"
    arms = {(r["code"], r["arm"]): r for r in _table(report, "arms")["rows"]}
    assert set(arms) == {("C1", "treat"), ("C1", "holdout")}
    assert arms[("C1", "holdout")]["campaign_conversion_rate"] is None  # nobody reached
    kpis = {k["code"]: k for k in report["kpis"]}
    assert kpis["campaign_recipients"]["value"] == 6
    assert str(kpis["campaign_gmv"]["value"]) == "390.00"
    assert kpis["campaign_roi"]["value"] == pytest.approx(390 / 60.10)
    explained = {e["code"] for e in report["explain"]}
    assert {"campaign_roi", "gross_profit_roi", "campaign_conversion_rate", "attribution",
            "campaign_arm_results", "campaign_orders"} <= explained


def test_campaigns_of_another_period_are_not_shown(store):
    report = campaigns_report.campaigns(Period("current", date(2026, 11, 2), date(2026, 11, 8)),
                                        access=COSTS).as_dict()
    assert [r["code"] for r in _table(report, "campaigns")["rows"]] == ["C2"]


def test_gross_profit_only_for_those_who_may_see_costs(store):
    report = campaigns_report.campaigns(PERIOD).as_dict()
    keys = {c["key"] for t in report["tables"] for c in t["columns"]}
    assert "campaign_gmv" in keys and not {"campaign_gross_profit", "gross_profit_roi"} & keys
    assert not {"campaign_gross_profit", "gross_profit_roi"} & {k["code"] for k in report["kpis"]}
    assert all("campaign_gross_profit" not in r for r in _table(report, "campaigns")["rows"])


def test_the_page_renders_for_the_analyst_without_gross_profit(store, client):
    client.force_login(factories.make_staff("analyst"))
    url = reverse("admin:analytics_report", args=["campaigns"])
    response = client.get(url, QUERY)
    assert response.status_code == 200
    body = response.content.decode()
    assert 'id="report-data"' in body and body.count(f'href="{url}') >= 2  # tab and sidebar
    report = response.context["report"]
    assert [r["code"] for r in _table(report, "campaigns")["rows"]] == ["C1", "C2"]
    assert "campaign_gross_profit" not in {c["key"] for c in _table(report, "campaigns")["columns"]}
    assert not {"channel", "category_id"} & set(response.context["form"].fields)


def test_the_owner_exports_the_campaigns_with_gross_profit(store, client):
    client.force_login(factories.make_staff("owner"))
    url = reverse("admin:analytics_report", args=["campaigns"])
    csv = client.post(f"{url}?{urlencode(QUERY)}", {"export": "csv"}).content.decode("utf-8-sig")
    assert "C1" in csv and "40.10" in csv and "110.00" in csv


@pytest.mark.parametrize("role", ["warehouse", "service", "designer"])
def test_roles_without_the_reports_get_403(store, client, role):
    client.force_login(factories.make_staff(role))
    assert client.get(reverse("admin:analytics_report", args=["campaigns"]), QUERY).status_code == 403
    response = client.get("/api/v1/analytics/reports/campaigns", QUERY)
    assert response.status_code == 403 and response.json()["code"] == "permission_denied"


def test_finance_reads_the_campaigns_with_gross_profit_through_the_api(store, client):
    client.force_login(factories.make_staff("finance"))
    data = client.get("/api/v1/analytics/reports/campaigns", QUERY).json()
    rows = {r["code"]: r for r in _table(data, "campaigns")["rows"]}
    assert Decimal(str(rows["C2"]["campaign_gross_profit"])) == Decimal("90.00")
