"""The logistics report (物流) on the parcels of ``test_logistics_data``: its tables, the
console page for the owner and the analyst, the refusal of other roles, the API and the
exports. The numbers are worked out in ``test_logistics_metrics``."""

import csv
import io
import json
from datetime import date
from decimal import Decimal
from urllib.parse import urlencode

import pytest
from django.urls import reverse
from django.utils.translation import gettext
from openpyxl import load_workbook

from tests import factories
from tests.analytics.test_logistics_data import build_parcels
from zhanggui.analytics import logistics, reader, storage, warehouse
from zhanggui.analytics.engine import Filters
from zhanggui.analytics.errors import WarehouseOutdated
from zhanggui.analytics.rules import Period
from zhanggui.exports.models import ExportJob
from zhanggui.fulfillment.models import Carrier

WEEK = Period("current", date(2026, 11, 1), date(2026, 11, 8))
QUERY = {"start": "2026-11-01", "end": "2026-11-08"}
URL = "/reports/logistics/"
API = "/api/v1/analytics/reports/logistics"


@pytest.fixture
def parcels(db, warehouse_dir):
    return build_parcels()


def _table(report, table_id):
    return next(t for t in report.tables if t["id"] == table_id)


def _kpi(report, code):
    return next(k for k in report.kpis if k["code"] == code)


def _login(client, role):
    client.staff = factories.make_staff(role)
    client.force_login(client.staff)
    return client


def test_the_kpis_carry_the_target_and_what_they_leave_out(parcels):
    report = logistics.logistics(WEEK)
    ship = _kpi(report, "ship_within_48h_rate")
    assert ship["value"] == pytest.approx(5 / 7)
    assert (ship["target"], ship["meets_target"]) == (0.95, False)
    assert ship["note"] == gettext("Not counted: %(pending)d still inside their 48 hours, "
                                   "%(unrecorded)d with no hand-over on record") % {
        "pending": 0, "unrecorded": 1}
    assert _kpi(report, "on_time_delivery_rate")["note"].endswith((": 1", "：1"))  # P3, no promise
    assert _kpi(report, "logistics_cost_per_parcel")["value"] == Decimal("11.25")
    assert _kpi(report, "logistics_cost_per_parcel")["note"].endswith((": 1", "：1"))  # P3, no charge
    assert "note" not in _kpi(report, "damage_loss_rate")
    # Nothing in the week before: no rate, and no percentage change on a base of nothing.
    assert ship["previous"] is None and ship["comparison_previous"]["kind"] == "none"
    parcels_collected = _kpi(report, "parcels_collected")
    assert (parcels_collected["value"], parcels_collected["comparison_previous"]["kind"]) == (5, "new")


def test_scorecards_per_carrier_and_region(parcels):
    report = logistics.logistics(WEEK)
    rows = {r["carrier"]: r for r in _table(report, "scorecard")["rows"]}
    # most parcels first (sf 3; yto and zto 1 each, yto with more orders), no carrier last
    assert list(rows) == ["sf", "yto", "zto", ""]
    assert rows["sf"]["name"] == str(Carrier.SF.label)
    assert rows[""]["name"] == gettext("No carrier yet")
    assert rows["sf"]["damage_loss_rate"] == pytest.approx(1 / 3)
    assert rows["zto"]["on_time_delivery_rate"] == 0.0 and rows["yto"]["ship_within_48h_rate"] == 1.0
    assert rows[""]["ship_due_orders"] == 1 and rows[""]["parcels_collected"] == 0  # O4
    cells = {(r["carrier"], r["region_group"]): r for r in _table(report, "scorecard_regions")["rows"]}
    assert cells[("zto", "south")]["ship_due_orders"] == 1
    assert cells[("sf", "east")]["parcels_collected"] == 3
    assert ("", "east") not in cells  # O8 only, left out of every rate: no empty row
    assert ("", "south") in cells  # O4: due and late


def test_cost_by_carrier_and_ship_rate_by_warehouse_and_day(parcels):
    report = logistics.logistics(WEEK)
    costs = {r["carrier"]: r for r in _table(report, "costs")["rows"]}
    assert set(costs) == {"sf", "zto", "yto"}  # the order without a parcel has no cost
    assert costs["yto"]["logistics_cost"] == Decimal("15.00")
    assert costs["yto"]["cost_share_of_total"] == pytest.approx(15 / 45)
    assert costs["sf"]["logistics_cost_per_kg"] == Decimal("6.29")  # 22.00 / 3.5 kg
    w1, w2 = parcels["warehouses"]
    by_warehouse = {r["warehouse_id"]: r for r in _table(report, "warehouses")["rows"]}
    assert by_warehouse[w1.pk]["name"] == w1.name
    # First parcels from W1: O1, O2, O5, O7a, O7b: 4 of 5 within 48 h; from W2: O3.
    assert (by_warehouse[w1.pk]["ship_due_orders"], by_warehouse[w1.pk]["shipped_in_48h_orders"]) == (5, 4)
    assert by_warehouse[w2.pk]["ship_within_48h_rate"] == 1.0
    days = {r["day"]: r for r in _table(report, "ship_rate_by_day")["rows"]}
    assert len(days) == 7
    assert days["2026-11-03"]["ship_due_orders"] == 3  # O2 (late), O7a, O7b
    assert days["2026-11-03"]["ship_within_48h_rate"] == pytest.approx(2 / 3)
    assert days["2026-11-01"]["ship_within_48h_rate"] is None  # nothing paid: a gap, not 0 %
    trend = next(c for c in report.charts if c["id"] == "ship_rate_trend")
    assert trend["target"] == 0.95 and trend["unit"] == "rate"
    assert trend["series"][0]["data"] == [days[d]["ship_within_48h_rate"] for d in trend["x"]]


def test_the_coverage_table_says_what_each_rate_leaves_out(parcels):
    rows = _table(logistics.logistics(WEEK), "coverage")["rows"]
    assert [(r["counted"], r["left_out"]) for r in rows] == [
        (7, 0),  # orders due; none inside their 48 hours
        (7, 1),  # O8: marked shipped, no parcel on record
        (3, 1),  # delivered with a promise; P3 without
        (4, 1),  # collected with a charge; P3 without
        (4, 1),  # with a charge and a weight
    ]


def test_an_empty_period_and_the_filters(parcels):
    empty = logistics.logistics(Period("current", date(2026, 9, 1), date(2026, 9, 8)))
    assert all(k["value"] in (0, None) for k in empty.kpis)
    assert _table(empty, "scorecard")["rows"] == []
    assert [r["left_out"] for r in _table(empty, "coverage")["rows"]] == [0] * 5
    w1, _w2 = parcels["warehouses"]
    zto_w1 = logistics.logistics(WEEK, None, Filters(warehouse_id=w1.pk, carrier="zto"))
    assert [r["carrier"] for r in _table(zto_w1, "scorecard")["rows"]] == ["zto"]
    assert _kpi(zto_w1, "logistics_cost")["value"] == Decimal("8.00")
    assert zto_w1.as_dict()["filters"] == {"channel": "", "category_id": None,
                                           "warehouse_id": w1.pk, "carrier": "zto"}


def test_the_formulas_and_the_parcel_tables_are_explained(parcels):
    explain = {e["code"]: e for e in logistics.logistics(WEEK).explain}
    for code in ("ship_within_48h_rate", "on_time_delivery_rate", "damage_loss_rate",
                 "logistics_cost_per_parcel", "logistics_cost_per_kg", "logistics_cost_share",
                 "ship_pending_orders", "unpromised_deliveries"):
        assert explain[code]["formula"], code
    assert "order_shipping" in explain["ship_due_orders"]["sql"][0]
    assert explain["parcel_facts"]["sql"][0].startswith("CREATE TABLE parcel_facts AS")
    assert explain["order_shipping"]["sql"][0].startswith("CREATE TABLE order_shipping AS")
    assert "95%" in explain["ship_target"]["formula"]


@pytest.mark.parametrize("role", ["owner", "analyst"])
def test_the_page_renders_with_its_filters_tab_and_sidebar_entry(client, parcels, role):
    _login(client, role)
    response = client.get(URL, QUERY)
    assert response.status_code == 200
    body = response.content.decode()
    assert 'id="report-data"' in body and "echarts" in body
    report = response.context["report"]
    assert report["report"] == "logistics"
    assert json.loads(body.split('id="report-data" type="application/json">')[1].split("</script>")[0])[
        "kpis"][0]["code"] == "ship_within_48h_rate"
    form = response.context["form"]
    assert {"warehouse_id", "carrier"} <= set(form.fields) and "category_id" not in form.fields
    assert f'href="{URL}?' in body  # the report tab, and the sidebar entry
    assert body.count(f'href="{URL}') >= 2


def test_the_page_filters_by_carrier_and_warehouse(client, parcels):
    _login(client, "analyst")
    w1, _w2 = parcels["warehouses"]
    response = client.get(URL, {**QUERY, "carrier": "zto", "warehouse_id": w1.pk})
    report = response.context["report"]
    scorecard = next(t for t in report["tables"] if t["id"] == "scorecard")
    assert [r["carrier"] for r in scorecard["rows"]] == ["zto"]
    bad = client.get(URL, {**QUERY, "carrier": "nobody"})  # not a choice of the form
    assert bad.status_code == 422 and bad.context["report"] is None


@pytest.mark.parametrize("role", ["service", "warehouse", "designer"])
def test_roles_without_view_reports_are_refused(client, parcels, role):
    _login(client, role)
    assert client.get(URL, QUERY).status_code == 403
    assert client.post(f"{URL}?{urlencode(QUERY)}", {"export": "csv"}).status_code == 403
    response = client.get(API, QUERY)
    assert response.status_code == 403 and response.json()["code"] == "permission_denied"


def test_the_api_shape_and_its_filters(client, parcels):
    _login(client, "analyst")
    data = client.get(API, QUERY).json()
    assert data["report"] == "logistics" and data["period"] == {"start": "2026-11-01", "end": "2026-11-08"}
    assert {"kpis", "charts", "tables", "explain", "filters", "compare", "last_year"} <= set(data)
    ship = data["kpis"][0]
    assert ship["code"] == "ship_within_48h_rate" and ship["target"] == 0.95
    assert ship["value"] == pytest.approx(5 / 7)  # a fraction, not a percentage
    assert {t["id"] for t in data["tables"]} == {"scorecard", "scorecard_regions", "costs", "warehouses",
                                                 "ship_rate_by_day", "coverage"}
    cost = next(k for k in data["kpis"] if k["code"] == "logistics_cost_per_parcel")
    assert cost["value"] == "11.25"  # money as a decimal string
    zto = client.get(API, {**QUERY, "carrier": "zto"}).json()
    assert zto["filters"]["carrier"] == "zto"
    assert next(k for k in zto["kpis"] if k["code"] == "logistics_cost")["value"] == "8.00"
    bad = client.get(API, {**QUERY, "carrier": "nobody"})
    assert bad.status_code == 422 and bad.json()["code"] == "invalid_filter"


def test_exports_hold_the_scorecards(client, parcels):
    _login(client, "analyst")
    csv_response = client.post(f"{URL}?{urlencode(QUERY)}", {"export": "csv"})
    assert csv_response["Content-Disposition"].endswith('logistics_2026-11-01_2026-11-08.csv"')
    lines = list(csv.reader(io.StringIO(csv_response.content.decode("utf-8-sig"))))
    titles = {line[0] for line in lines if len(line) == 1}
    assert {gettext("Carrier scorecard"), gettext("Logistics cost by carrier"),
            gettext("What the rates leave out")} <= titles
    assert any(line[1:2] == ["11.25"] for line in lines)  # the cost per parcel KPI
    xlsx = client.post(f"{URL}?{urlencode(QUERY)}", {"export": "xlsx"})
    book = load_workbook(io.BytesIO(xlsx.content))
    kpis = book.worksheets[0]
    assert kpis["B2"].value == pytest.approx(5 / 7)  # the ship rate, a number
    scorecard = book.worksheets[1]
    header = [c.value for c in scorecard[1]]
    rate_column = header.index(next(h for h in header if "48" in str(h))) + 1
    assert scorecard.cell(row=2, column=rate_column).number_format == "0.00%"
    assert not ExportJob.objects.exists()  # a small report is answered at once


def test_a_warehouse_built_before_parcels_asks_for_a_refresh(client, parcels):
    """An upgrade: the warehouse on disk has no parcel tables until the next refresh."""
    root = storage.root()
    manifest = storage.read_manifest(root)
    for table in ("shipments", "shipment_lines", "warehouses"):
        manifest.tables.pop(table)
        manifest.watermarks.pop(table, None)
    storage.write_manifest(manifest, root)
    reader.forget()
    with pytest.raises(WarehouseOutdated):
        logistics.logistics(WEEK)
    _login(client, "owner")
    page = client.get(URL, QUERY)
    assert page.status_code == 200 and page.context["error"] and page.context["can_refresh"]
    assert client.get(API, QUERY).json()["code"] == "warehouse_outdated"
    warehouse.refresh()  # the refresh copies the new tables whole
    assert _kpi(logistics.logistics(WEEK), "ship_within_48h_rate")["value"] == pytest.approx(5 / 7)


def test_the_report_is_listed_for_the_console_and_the_api():
    from zhanggui.analytics import reports, views

    assert reports.REPORTS["logistics"] is logistics.logistics
    assert "logistics" in views.TITLES
    assert reverse("admin:analytics_report", args=["logistics"]) == URL
