"""The suppliers, stock health and drop-ship profit reports over ``supply_store``: their
numbers, who sees costs and supplier names, the pages, the API and the 403s."""

from datetime import date
from decimal import Decimal
from urllib.parse import urlencode

import pytest
from django.urls import reverse
from django.utils.translation import gettext

from tests import factories
from tests.analytics.supply_store import build_supply
from zhanggui.analytics import dropship_report, stock_report, suppliers_report
from zhanggui.analytics.report_base import Access
from zhanggui.analytics.rules import Period

WEEK = Period("current", date(2026, 11, 1), date(2026, 11, 8))
QUERY = {"start": "2026-11-01", "end": "2026-11-08"}
EVERYTHING = Access(cost=True, suppliers=True)


@pytest.fixture
def supply(db, warehouse_dir):
    return build_supply()


def _table(report, table_id):
    return next(t for t in (report.tables if hasattr(report, "tables") else report["tables"])
                if t["id"] == table_id)


def _kpi(report, code):
    return next(k for k in report.kpis if k["code"] == code)


def _login(client, role):
    client.force_login(factories.make_staff(role))
    return client


def test_the_supplier_scorecard_with_targets_and_verdicts(supply):
    report = suppliers_report.suppliers(WEEK, access=EVERYTHING)
    rows = {r["supplier_id"]: r for r in _table(report, "scorecard")["rows"]}
    s1, s2 = rows[supply["s1"].pk], rows[supply["s2"].pk]
    assert s1["supplier"] == "S1 一号代发" and s1["is_drop_ship"] and not s2["is_drop_ship"]
    assert s1["supplier_ship_within_48h_rate"] == pytest.approx(2 / 3)
    assert (s1["ship_verdict"], s1["ship_verdict_label"]) == (False, gettext("Missed"))
    assert s1["return_loss_rate"] == pytest.approx(1 / 3) and s1["return_loss_verdict"] is False
    assert float(s1["supplier_reply_minutes"]) == pytest.approx(4.0) and s1["reply_verdict"] is False
    assert s2["supplier_reply_minutes"] is None and s2["reply_verdict"] is None  # never answered
    assert s2["supplier_on_time_rate"] == pytest.approx(0.5)
    assert s2["return_loss_rate"] == pytest.approx(0.0) and s2["return_loss_verdict"] is True
    assert s2["supplier_ship_within_48h_rate"] is None  # no drop-ship orders: no verdict
    ship = _kpi(report, "supplier_ship_within_48h_rate")
    assert ship["value"] == pytest.approx(2 / 3) and ship["target"] == 0.95
    assert ship["meets_target"] is False and ship["target_at_most"] is False
    reply = _kpi(report, "supplier_reply_minutes")
    assert reply["target_at_most"] is True and reply["target"] == 3
    explained = {e["code"] for e in report.explain}
    assert {"supplier_defect_rate", "return_loss_rate", "supplier_targets", "supplier_units",
            "line_suppliers"} <= explained


def test_supplier_names_only_for_those_who_may_see_suppliers(supply):
    report = suppliers_report.suppliers(WEEK)
    names = {r["supplier"] for r in _table(report, "scorecard")["rows"]}
    assert names == {"S1", "S2"}


def test_stock_health_abc_xyz_and_slow_movers(supply):
    report = stock_report.stock(WEEK, access=EVERYTHING)
    rows = {r["sku_id"]: r for r in _table(report, "skus")["rows"]}
    k1, k2 = rows[supply["k1"].pk], rows[supply["k2"].pk]
    # K1: ¥300 of goods paid (O1–O3), K2 ¥100: K1 reaches 75 %, so K2 (which crosses 80 %) is A too.
    assert (k1["abc_class"], k2["abc_class"]) == ("A", "A")
    # Sales in one week of the 13: cv = sqrt(13) for both (sample std / mean), so Z.
    assert k1["cv"] == pytest.approx(13 ** 0.5) and k1["xyz_class"] == "Z"
    # K2: 2 sold in 28 days, 98 available → 1,372 days of supply: a slow mover for clearance.
    assert k2["days_of_supply"] == pytest.approx(k2["stock_available"] / (2 / 28))
    assert k2["is_slow"] and k2["action"] == "clearance"
    assert k2["suggestion"] == gettext("Clearance (清仓)") and "1372" in k2["reason"]
    assert k2["stock_value"] == Decimal(k2["stock_on_hand"]) * Decimal("20.00")
    matrix = {r["abc_class"]: r for r in _table(report, "abc_xyz")["rows"]}
    assert matrix["A"]["Z_skus"] == 2 and "Z_value" in matrix["A"]
    assert _kpi(report, "slow_movers")["value"] >= 1
    assert {"stock_value", "slow_stock_value"} <= {k["code"] for k in report.kpis}


def test_stock_value_only_for_those_who_may_see_costs(supply):
    report = stock_report.stock(WEEK)
    assert "stock_value" not in {c["key"] for c in _table(report, "skus")["columns"]}
    assert all("stock_value" not in r for r in _table(report, "skus")["rows"])
    assert "stock_value" not in {k["code"] for k in report.kpis}
    assert "Z_value" not in _table(report, "abc_xyz")["rows"][0]


def test_dropship_profit_per_order_and_roi(supply):
    report = dropship_report.dropship(WEEK, access=EVERYTHING)
    orders = {r["order_id"]: r for r in _table(report, "orders")["rows"]}
    o1, o2, o3 = (orders[o.pk] for o in supply["orders"][:3])
    assert (o1["paid"], o1["commission"], o1["cost"], o1["ad_spend"], o1["profit"]) == (
        Decimal("100.00"), Decimal("5.00"), Decimal("50.00"), Decimal("20.00"), Decimal("25.00"))
    assert (o2["ad_spend"], o2["profit"]) == (Decimal("30.00"), Decimal("15.00"))
    assert (o3["ad_spend"], o3["profit"]) == (Decimal("40.00"), Decimal("5.00"))
    assert supply["orders"][3].pk not in orders  # cancelled
    products = {r["key"]: r for r in _table(report, "roi_by_product")["rows"]}
    p1 = products[supply["p1"].pk]
    assert (p1["gmv"], p1["ad_spend"], p1["roi"]) == (Decimal("300.00"), Decimal("100.00"), 3.0)
    suppliers = {r["key"]: r for r in _table(report, "roi_by_supplier")["rows"]}
    assert suppliers[supply["s1"].pk]["roi"] == pytest.approx(300 / 90)
    assert _kpi(report, "roi")["value"] == pytest.approx(4.0)
    assert _kpi(report, "dropship_profit")["value"] == Decimal("45.00")
    assert _kpi(report, "dropship_roi")["value"] == pytest.approx(300 / 90)


def test_dropship_cost_and_profit_only_for_those_who_may_see_costs(supply):
    report = dropship_report.dropship(WEEK)
    keys = {c["key"] for c in _table(report, "orders")["columns"]}
    assert {"paid", "commission", "ad_spend", "roi"} <= keys and not {"cost", "profit"} & keys
    assert all("profit" not in r and "cost" not in r for r in _table(report, "orders")["rows"])
    assert not {"dropship_profit", "dropship_cost"} & {k["code"] for k in report.kpis}


@pytest.mark.parametrize("name", ["suppliers", "stock", "dropship"])
def test_the_pages_render_for_an_analyst_with_their_sidebar_entry(client, supply, name):
    _login(client, "analyst")
    url = reverse("admin:analytics_report", args=[name])
    response = client.get(url, QUERY)
    assert response.status_code == 200
    body = response.content.decode()
    assert 'id="report-data"' in body and response.context["report"]["report"] == name
    assert "category_id" not in response.context["form"].fields
    assert body.count(f'href="{url}') >= 2  # the tab and the sidebar entry
    assert "profit" not in {c["key"] for t in response.context["report"]["tables"]
                            for c in t["columns"]}


def test_the_owner_sees_costs_and_names_on_the_page_and_in_exports(client, supply):
    _login(client, "owner")
    url = reverse("admin:analytics_report", args=["dropship"])
    report = client.get(url, QUERY).context["report"]
    assert "profit" in {c["key"] for c in _table(report, "orders")["columns"]}
    csv = client.post(f"{url}?{urlencode(QUERY)}", {"export": "csv"}).content.decode("utf-8-sig")
    assert gettext("Profit") in csv and "25.00" in csv


@pytest.mark.parametrize("role", ["service", "warehouse", "designer", "supplier"])
@pytest.mark.parametrize("name", ["suppliers", "stock", "dropship"])
def test_roles_without_view_reports_are_refused(client, supply, role, name):
    _login(client, role)
    url = reverse("admin:analytics_report", args=[name])
    assert client.get(url, QUERY).status_code == 403
    response = client.get(f"/api/v1/analytics/reports/{name}", QUERY)
    assert response.status_code == 403 and response.json()["code"] == "permission_denied"


def test_finance_reads_the_drop_ship_profit_with_costs(client, supply):
    _login(client, "finance")
    data = client.get("/api/v1/analytics/reports/dropship", QUERY).json()
    assert all("profit" in r for r in _table(data, "orders")["rows"])


def test_the_api_gives_the_reports_with_the_viewers_access(client, supply):
    _login(client, "analyst")
    data = client.get("/api/v1/analytics/reports/suppliers", QUERY).json()
    assert data["report"] == "suppliers"
    assert {r["supplier"] for r in _table(data, "scorecard")["rows"]} == {"S1", "S2"}
    orders = client.get("/api/v1/analytics/reports/dropship", QUERY).json()
    assert all("profit" not in r for r in _table(orders, "orders")["rows"])
    _login(client, "owner")
    orders = client.get("/api/v1/analytics/reports/dropship", QUERY).json()
    assert {r["profit"] for r in _table(orders, "orders")["rows"]} == {"25.00", "15.00", "5.00"}


def test_a_background_export_keeps_the_requesters_access(supply):
    from zhanggui.analytics.exports import build_report_export

    parameters = {"name": "dropship", "start": "2026-11-01", "end": "2026-11-08"}
    owners = build_report_export(parameters, factories.make_staff("owner"))
    analysts = build_report_export(parameters, factories.make_staff("analyst"))

    def headers(export):
        return {c.label for t in export.tables for c in t.columns}

    assert gettext("Profit") in headers(owners) and gettext("Profit") not in headers(analysts)
    assert gettext("Drop-ship cost") not in headers(analysts)
