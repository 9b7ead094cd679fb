"""The report pages of the console: rendered for the analyst, refused to others, exported."""

import csv
import io
from urllib.parse import urlencode

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from tests import factories
from zhanggui.accounts.models import Alert, AlertKind
from zhanggui.analytics.reports import REPORTS

QUERY = {"start": "2026-11-01", "end": "2026-11-08"}


@pytest.fixture
def analyst(client, store):
    client.staff = factories.make_staff("analyst")
    client.force_login(client.staff)
    return client


@pytest.mark.parametrize("name", list(REPORTS))
def test_every_report_page_renders_for_the_analyst(analyst, name):
    response = analyst.get(reverse("admin:analytics_report", args=[name]), QUERY)
    assert response.status_code == 200
    body = response.content.decode()
    assert 'id="report-data"' in body and "echarts" in body


def test_report_page_data_is_the_api_data(analyst):
    page = analyst.get(reverse("admin:analytics_report", args=["overview"]), QUERY)
    api = analyst.get("/api/v1/analytics/reports/overview", QUERY).json()
    assert str(page.context["report"]["kpis"][0]["value"]) == api["kpis"][0]["value"] == "410.00"


def test_exports_hold_the_report_tables(analyst):
    url = reverse("admin:analytics_report", args=["overview"])
    assert "Content-Disposition" not in analyst.get(url, {**QUERY, "export": "csv"})  # GET reads
    csv_response = analyst.post(f"{url}?{urlencode(QUERY)}", {"export": "csv"})
    text = csv_response.content.decode("utf-8-sig")
    assert csv_response["Content-Disposition"].endswith('.csv"') and "410.00" in text
    xlsx = analyst.post(f"{url}?{urlencode(QUERY)}", {"export": "xlsx"})
    book = load_workbook(io.BytesIO(xlsx.content))
    assert book.worksheets[0]["B2"].value == 410  # GMV, a number in Excel


def test_exported_changes_read_as_the_page_shows_them(analyst):
    url = reverse("admin:analytics_report", args=["overview"])
    text = analyst.post(f"{url}?{urlencode(QUERY)}", {"export": "csv"}).content.decode("utf-8-sig")
    gmv = next(line for line in csv.reader(io.StringIO(text))
               if len(line) > 1 and line[1] == "410.00")
    assert gmv[-1] == "新增"  # nothing a year before: no percentage, as on the page
    assert float(gmv[-2]) == pytest.approx(3.1)  # ¥100.00 the week before: a fraction
    book = load_workbook(io.BytesIO(analyst.post(f"{url}?{urlencode(QUERY)}",
                                                 {"export": "xlsx"}).content))
    assert book.worksheets[0]["F2"].value == "新增"


def test_service_may_not_open_reports(client, store):
    client.force_login(factories.make_staff("service"))
    response = client.get(reverse("admin:analytics_report", args=["overview"]), QUERY)
    assert response.status_code == 403


def test_bad_filters_are_reported_and_nothing_is_computed(analyst):
    response = analyst.get(reverse("admin:analytics_report", args=["overview"]),
                           {"start": "2026-11-08", "end": "2026-11-01"})
    assert response.status_code == 422
    assert response.context["report"] is None and response.context["error"]


def test_the_api_refuses_an_unknown_report_and_a_bad_period(analyst):
    assert analyst.get("/api/v1/analytics/reports/nope").json()["code"] == "unknown_report"
    bad = analyst.get("/api/v1/analytics/reports/sales", {"start": "2026-11-08", "end": "2026-11-01"})
    assert bad.status_code == 422 and bad.json()["code"] == "invalid_period"


def test_exporting_the_customers_report_alerts_the_owner(analyst):
    url = reverse("admin:analytics_report", args=["customers"])
    response = analyst.post(f"{url}?{urlencode(QUERY)}", {"export": "csv"})
    assert response["Content-Disposition"].endswith('.csv"')
    alert = Alert.objects.get(kind=AlertKind.CUSTOMER_EXPORT)
    assert alert.actor == analyst.staff and "CSV" in alert.message
    overview = reverse("admin:analytics_report", args=["overview"])
    analyst.post(f"{overview}?{urlencode(QUERY)}", {"export": "csv"})
    assert Alert.objects.count() == 1  # other reports hold no customer rows


def test_a_report_lives_at_reports_and_its_first_address_redirects_with_the_query(analyst):
    assert reverse("admin:analytics_report", args=["sales"]) == "/reports/sales/"
    page = analyst.get("/reports/sales/", {**QUERY, "channel": "own"})
    assert page.status_code == 200 and page.context["report"]["filters"]["channel"] == "own"
    old = analyst.get(f"/analytics/warehouserun/reports/sales/?{urlencode(QUERY)}&channel=own")
    assert old.status_code == 302
    assert old["Location"] == f"/reports/sales/?{urlencode(QUERY)}&channel=own"
    assert analyst.get("/analytics/warehouserun/reports/overview/")["Location"] == "/reports/overview/"


def test_the_report_address_is_the_console_page_with_its_chrome(analyst):
    body = analyst.get("/reports/overview/", QUERY).content.decode()
    assert 'id="nav-sidebar-apps"' in body or "nav-sidebar" in body
    assert 'href="/reports/traffic/' in body  # the sidebar links to the new addresses


def test_the_report_tabs_keep_the_filters_and_period(analyst):
    query = {**QUERY, "channel": "own"}
    body = analyst.get("/reports/overview/", query).content.decode()
    encoded = urlencode(query).replace("&", "&amp;")
    for name in REPORTS:
        assert f'href="/reports/{name}/?{encoded}"' in body, name


def test_the_period_form_is_a_get_and_shows_the_period_in_use(analyst):
    response = analyst.get("/reports/overview/", {"channel": "own"})  # no dates: last 30 days
    form, report = response.context["form"], response.context["report"]
    body = response.content.decode()
    assert '<form method="get"' in body
    assert str(form["start"].value()) == report["period"]["start"]
    assert str(form["end"].value()) == report["period"]["end"]
    assert f'value="{report["period"]["start"]}"' in body
    # the link with the dates written out reproduces the view
    fixed = response.context["fixed_query"]
    assert f'start={report["period"]["start"]}' in fixed and "channel=own" in fixed
    again = analyst.get(f"/reports/overview/?{fixed}")
    assert again.context["report"]["kpis"] == report["kpis"]
    assert again.context["report"]["period"] == report["period"]


def test_an_unbound_report_page_shows_its_default_period(analyst):
    response = analyst.get("/reports/overview/")
    report = response.context["report"]
    assert f'value="{report["period"]["start"]}"' in response.content.decode()
    assert response.context["form"]["end"].value() == report["period"]["end"]
